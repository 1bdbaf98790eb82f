import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const built = ['dist/index.js', 'dist/index.cjs', 'dist/testing.js'].every((f) => existsSync(`${pkg}/${f}`));
const deps = ['../core-wasm/dist/index.js', '../gs1/dist/index.js'].every((f) => existsSync(`${pkg}/${f}`));

const body = `
const lg = await Lotgraph.open({ store: new MemoryStore() });
await lg.defineProduct({ id: 'flour', name: 'F', unit: 'kg', decimals: 3, gtin: '09506000134352' });
await lg.defineLocation({ id: 'WH', site: 's' });
await lg.receive({ scan: '(01)09506000134352(10)M-77(3103)025000', locationId: 'WH' });
const t = await lg.trace.forward('M-77');
console.log(JSON.stringify({ stock: await lg.stock.onHand(), lots: t.lots.length }));`;

const expected = {
  stock: [{ lotId: 'M-77', locationId: 'WH', productId: 'flour', quantity: '25.000', unit: 'kg' }],
  lots: 1,
};

describe.skipIf(!built || !deps)('the built package (dist) from plain Node', () => {
  it('works as ESM', () => {
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `import { Lotgraph, MemoryStore } from '@lotgraph/sdk';${body}`],
      { cwd: pkg, encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual(expected);
  });
  it('works as CommonJS', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=commonjs',
        '-e',
        `const { Lotgraph, MemoryStore } = require('@lotgraph/sdk'); (async () => {${body}})();`,
      ],
      { cwd: pkg, encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual(expected);
  });
});

if (!built || !deps) {
  it.skip('dist tests skipped: run `npm run build` first (core-wasm, gs1, sdk)', () => {});
  console.warn('[@lotgraph/sdk] dist tests SKIPPED: build core-wasm, gs1 and sdk first (npm run build)');
}
