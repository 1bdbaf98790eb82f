// Measures what a browser app pays for the sdk: bundles a tiny app that opens `Lotgraph` on a `MemoryStore`,
// records a receipt and traces it (esbuild, browser platform, minified, ESM with code splitting as Vite and
// Rollup do) from the sources, then prints the minified and gzipped size of the initial chunk — what the page
// loads — and of every lazily loaded chunk. `node packages/sdk/scripts/bundle-size.mjs [--reports]`: with
// `--reports` the app also renders a recall report through `@lotgraph/sdk/reports`.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const withReports = process.argv.includes('--reports');
const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-bundle-'));
const app = path.join(dir, 'app.js');
writeFileSync(
  app,
  `import { Lotgraph, MemoryStore } from '@lotgraph/sdk';
${withReports ? "import { createReports } from '@lotgraph/sdk/reports';" : ''}
const lg = await Lotgraph.open({ store: new MemoryStore() });
await lg.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3 });
await lg.defineLocation({ id: 'WH', site: 'bakery' });
await lg.receive({ lotId: 'F1', productId: 'flour', locationId: 'WH', quantity: '25' });
document.body.textContent = JSON.stringify(await lg.trace.forward('F1'));
${withReports ? "console.log(createReports(lg, { company: { name: 'Bakery', address: ['1 Road'] } }));" : ''}
`,
);
const src = (p) => path.join(root, 'packages', p);
const alias = {
  '@lotgraph/sdk/reports': src('sdk/src/reports/index.ts'),
  '@lotgraph/sdk': src('sdk/src/index.ts'),
  '@lotgraph/gs1': src('gs1/src/index.ts'),
  '@lotgraph/core-wasm': src('core-wasm/src/index.ts'),
};
if (!withReports || !existsSync(alias['@lotgraph/sdk/reports'])) delete alias['@lotgraph/sdk/reports'];
const result = await build({
  entryPoints: [app],
  bundle: true,
  minify: true,
  format: 'esm',
  splitting: true,
  platform: 'browser',
  target: 'es2022',
  outdir: path.join(dir, 'out'),
  loader: { '.wasm': 'binary' },
  alias,
  nodePaths: [path.join(root, 'node_modules')],
  metafile: true,
  write: true,
  logLevel: 'error',
});
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const outputs = result.metafile.outputs;
// The initial load: the entry chunk and everything it imports statically; the rest loads on first use.
const entry = Object.keys(outputs).find((f) => outputs[f].entryPoint !== undefined);
const initial = new Set();
const visit = (f) => {
  if (initial.has(f)) return;
  initial.add(f);
  for (const i of outputs[f].imports) if (i.kind === 'import-statement' && outputs[i.path]) visit(i.path);
};
visit(entry);
const sizes = { initial: [0, 0], lazy: [0, 0] };
for (const [file, meta] of Object.entries(outputs)) {
  if (file.endsWith('.map')) continue;
  const bytes = readFileSync(path.resolve(file));
  const gz = gzipSync(bytes, { level: 9 }).length;
  const kind = initial.has(file) ? 'initial' : 'lazy';
  sizes[kind][0] += bytes.length;
  sizes[kind][1] += gz;
  const big = Object.entries(meta.inputs)
    .map(([i, v]) => [
      i.includes('node_modules/')
        ? i.split('node_modules/').pop().split('/').slice(0, 2).join('/')
        : i.split('/').slice(-2).join('/'),
      v.bytesInOutput,
    ])
    .reduce((m, [k, v]) => m.set(k, (m.get(k) ?? 0) + v), new Map());
  const top = [...big]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k]) => k);
  if (process.argv.includes('--verbose'))
    console.log(
      `  ${kind.padEnd(7)} ${kb(bytes.length).padStart(9)} min ${kb(gz).padStart(9)} gzip  ${top.join(', ')}`,
    );
}
console.log(
  `initial load (entry + static imports): ${kb(sizes.initial[0])} minified, ${kb(sizes.initial[1])} gzipped`,
);
console.log(
  `lazy chunks (loaded on first use):     ${kb(sizes.lazy[0])} minified, ${kb(sizes.lazy[1])} gzipped`,
);
rmSync(dir, { recursive: true, force: true });
