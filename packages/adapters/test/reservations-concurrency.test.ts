// Issue: two callers can never reserve the same units. Many concurrent reservations from several lotgraph
// instances (each its own connection) against one SQLite file, one PostgreSQL schema and one MariaDB database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MysqlStore } from '@lotgraph/adapters/mysql';
import { PostgresStore } from '@lotgraph/adapters/postgres';
import { SqliteStore } from '@lotgraph/adapters/sqlite';
import { Lotgraph, type Store } from '@lotgraph/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { dropDatabase, freshDatabase, mysqlAvailable, urlOf } from './mysql-helpers.js';
import { freshSchema, PG_URL, postgresAvailable } from './pg-helpers.js';

const pgUp = await postgresAvailable();
const myUp = await mysqlAvailable();
const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-res-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(open: () => Promise<Store>) {
  const setup = await Lotgraph.open({ store: await open() });
  await setup.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3 });
  await setup.defineLocation({ id: 'WH', site: 'plant' });
  for (const lot of ['A', 'B'])
    await setup.receive({
      lotId: lot,
      productId: 'flour',
      locationId: 'WH',
      quantity: '20',
      expiry: lot === 'A' ? '2030-01-01' : '2030-06-01',
    });
  await setup.close();
  await setup.store.close();

  const instances = await Promise.all([1, 2, 3].map(async () => Lotgraph.open({ store: await open() })));
  // 3 instances × 10 orders × 3 kg = 90 kg asked for, 40 kg on hand.
  const results = await Promise.allSettled(
    instances.flatMap((lg, n) =>
      Array.from({ length: 10 }, (_, i) =>
        lg.allocation.reserve({
          orderId: `O${n}-${i}`,
          productId: 'flour',
          quantity: '3',
          date: '2026-03-01',
        }),
      ),
    ),
  );
  for (const r of results)
    if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toBe('INSUFFICIENT_STOCK');
  const ok = results.filter((r) => r.status === 'fulfilled').length;
  const store = instances[0]!.store;
  const active = await store.listReservations({ status: 'active' });
  for (const lot of ['A', 'B']) {
    const reserved = active.filter((r) => r.lotId === lot).reduce((a, r) => a + r.quantity, 0n);
    expect(reserved <= (await store.getStock(lot, 'WH'))).toBe(true);
  }
  const total = active.reduce((a, r) => a + r.quantity, 0n);
  expect(total).toBe(BigInt(ok) * 3000n);
  expect(ok).toBe(13); // ⌊40 / 3⌋: every reservable 3 kg got reserved, nothing more
  const events = await store.readEvents(1);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect((await instances[0]!.verifyLedger()).ok).toBe(true);
  for (const lg of instances) {
    await lg.close();
    await lg.store.close();
  }
}

describe('concurrent reservations never oversell', () => {
  it('SQLite: three connections on one file', async () => {
    const filename = path.join(dir, 'res.db');
    await run(async () => SqliteStore.open({ filename }));
  });

  it.skipIf(!pgUp)('PostgreSQL: three pools on one schema', async () => {
    const schema = freshSchema('res');
    await run(() => PostgresStore.open({ connectionString: PG_URL, schema, max: 3 }));
    await (await PostgresStore.open({ connectionString: PG_URL, schema, max: 1 })).dropSchema();
  });

  it.skipIf(!myUp)('MariaDB/MySQL: three pools on one database', async () => {
    const database = await freshDatabase('res');
    await run(() => MysqlStore.open({ uri: urlOf(database), max: 3 }));
    await dropDatabase(database);
  });
});
