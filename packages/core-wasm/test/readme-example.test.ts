// Runs the ```ts example of README.md against the sources, so the README cannot rot.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as core from '../src/index.js';

it('the README example runs and prints what its comments say', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block, 'README.md has a ```ts block').toBeDefined();
  const body = block!.replace(
    /^import \{ ([\w, ]+) \} from '@lotgraph\/core-wasm';$/m,
    'const { $1 } = core;',
  );
  expect(body).not.toMatch(/^import /m);
  const logs: unknown[][] = [];
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...args: unknown[]) => Promise<void>;
  await new AsyncFunction('core', 'console', body)(core, { log: (...args: unknown[]) => logs.push(args) });
  expect(logs).toEqual([
    [1, Int32Array.of(4)],
    [Float64Array.of(1, 0.3, 0.3, 0.3)],
    [Int32Array.of(0, 2, 3, 4)],
  ]);
});
