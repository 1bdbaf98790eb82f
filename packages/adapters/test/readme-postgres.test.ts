import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as postgres from '@lotgraph/adapters/postgres';
import * as sdk from '@lotgraph/sdk';
import { expect, it } from 'vitest';
import { freshSchema, PG_URL, postgresAvailable } from './pg-helpers.js';

const up = await postgresAvailable();

it.skipIf(!up)('the README PostgreSQL example runs and prints what its comment says', async () => {
  const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const block = /## PostgreSQL\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const schema = freshSchema('readme');
  const body = block!
    .replace(/^import .*$/gm, '')
    .replace('process.env.DATABASE_URL', JSON.stringify(PG_URL))
    .replace("schema: 'plant1'", `schema: ${JSON.stringify(schema)}`);
  const logs: unknown[][] = [];
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...a: unknown[]) => Promise<void>;
  await new AsyncFunction('Lotgraph', 'PostgresStore', 'console', body)(
    sdk.Lotgraph,
    postgres.PostgresStore,
    {
      log: (...a: unknown[]) => logs.push(a),
    },
  );
  expect(logs).toEqual([[2500n]]);
  await (await postgres.PostgresStore.open({ connectionString: PG_URL, schema, max: 1 })).dropSchema();
});
