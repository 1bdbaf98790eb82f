import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as sdk from '@lotgraph/sdk';
import { expect, it } from 'vitest';

it('the README example runs and prints what its comment says', async () => {
  const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const block = /## Example\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const importLine = /^import \{ ([^}]+) \} from '@lotgraph\/sdk';\n/m;
  const names =
    importLine
      .exec(block!)?.[1]
      ?.split(',')
      .map((s) => s.trim()) ?? [];
  expect(names).toEqual(['Lotgraph', 'MemoryStore']);
  const body = block!.replace(importLine, '');
  const logs: unknown[][] = [];
  const fakeConsole = { log: (...args: unknown[]) => logs.push(args) };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...a: unknown[]) => Promise<void>;
  const run = new AsyncFunction(...names, 'console', body);
  await run(...names.map((n) => (sdk as Record<string, unknown>)[n]), fakeConsole);
  expect(logs).toEqual([['Corner shop', [{ productId: 'bread', quantity: '12', unit: 'pc' }]]]);
});

it('the README serials example runs and prints what its comment says', async () => {
  const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const block = /```ts serials\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const logs: unknown[][] = [];
  const fakeConsole = { log: (...args: unknown[]) => logs.push(args) };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...a: unknown[]) => Promise<void>;
  const run = new AsyncFunction('Lotgraph', 'MemoryStore', 'console', block!);
  await run(sdk.Lotgraph, sdk.MemoryStore, fakeConsole);
  expect(logs).toEqual([['shipped', 'ph1', ['006141410000000012', '006141410000000029']]]);
});
