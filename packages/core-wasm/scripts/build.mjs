#!/usr/bin/env node
// Build: AssemblyScript → build/genealogy.wasm (asc -O3, raw bindings), then tsup → dist (ESM + CJS + d.ts)
// with the wasm bytes inlined. Paths are explicit because npm runs this from the package folder while the
// binaries live in the workspace root's node_modules.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreExportsSource } from './core-exports.mjs';

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));

function bin(name) {
  for (let dir = pkg; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '.bin', name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`${name} not found in any node_modules/.bin above ${pkg}`);
  }
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: pkg, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`core-wasm build: ${cmd} ${args.join(' ')} failed`);
    process.exit(r.status ?? 1);
  }
}

mkdirSync(join(pkg, 'build'), { recursive: true });
const wasm = join(pkg, 'build', 'genealogy.wasm');
run(bin('asc'), [
  join(pkg, 'assembly', 'index.ts'),
  '--outFile',
  wasm,
  '--textFile',
  join(pkg, 'build', 'genealogy.wat'),
  '-O3',
  '--runtime',
  'minimal',
  '--bindings',
  'raw',
  '--noAssert',
  '--config',
  join(pkg, 'asconfig.json'),
]);
console.log(`core-wasm: ${wasm} (${statSync(wasm).size} bytes)`);
// The wrapper's view of the raw exports comes from asc's own declarations (rewritten only when they change).
const generated = join(pkg, 'src', 'exports.generated.ts');
const source = coreExportsSource(readFileSync(join(pkg, 'build', 'genealogy.d.ts'), 'utf8'));
if (!existsSync(generated) || readFileSync(generated, 'utf8') !== source) writeFileSync(generated, source);
run(bin('tsup'), ['--config', join(pkg, 'tsup.config.ts')]);
