// The built package, as users get it: Node ESM import and Node CJS require, resolved through node_modules.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedTrace, requireDist } from './dist-support.js';

function runScript(name: string): unknown {
  const file = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node ${name} exited with ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

describe('built package (dist)', () => {
  beforeAll(requireDist);

  it('works from Node ESM (import)', () => {
    const out = runScript('trace.mjs');
    expect(out).toEqual({ ...expectedTrace, copy: [4, 3, 2, 0, 1] });
  });

  it('works from Node CJS (require), including the typed error class', () => {
    const out = runScript('trace.cjs');
    expect(out).toEqual({ ...expectedTrace, error: 'OUT_OF_RANGE dst[0]' });
  });
});
