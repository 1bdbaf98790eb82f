import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as mysql from '@lotgraph/adapters/mysql';
import * as sdk from '@lotgraph/sdk';
import { expect, it } from 'vitest';
import { dropDatabase, freshDatabase, mysqlAvailable, urlOf } from './mysql-helpers.js';

const up = await mysqlAvailable();

it.skipIf(!up)('the README MariaDB/MySQL example runs and prints what its comment says', async () => {
  const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const block = /## MariaDB \/ MySQL\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const database = await freshDatabase('readme');
  try {
    const body = block!
      .replace(/^import .*$/gm, '')
      .replace("'mysql://root@127.0.0.1:3306/test'", JSON.stringify(urlOf(database)));
    const logs: unknown[][] = [];
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
      ...args: string[]
    ) => (...a: unknown[]) => Promise<void>;
    await new AsyncFunction('Lotgraph', 'MysqlStore', 'console', body)(sdk.Lotgraph, mysql.MysqlStore, {
      log: (...a: unknown[]) => logs.push(a),
    });
    expect(logs).toEqual([[1500n]]);
  } finally {
    await dropDatabase(database);
  }
});
