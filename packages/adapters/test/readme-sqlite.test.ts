import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as sqlite from '@lotgraph/adapters/sqlite';
import * as sdk from '@lotgraph/sdk';
import { expect, it, vi } from 'vitest';

it('the README SQLite example runs and prints what its comment says', async () => {
  const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const block = /## SQLite\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const body = block!
    .replace(/^import .*$/gm, '')
    // Keep the example's file out of the working tree.
    .replace("filename: 'trace.db'", "filename: ':memory:'");
  const logs: unknown[][] = [];
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...a: unknown[]) => Promise<void>;
  const run = new AsyncFunction('Lotgraph', 'SqliteStore', 'console', body);
  await run(sdk.Lotgraph, sqlite.SqliteStore, { log: vi.fn((...a: unknown[]) => logs.push(a)) });
  expect(logs).toEqual([[25000n]]);
});
