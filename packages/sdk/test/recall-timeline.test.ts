// Issue 17 item 7: the recorded times of a recall are monotonic — opened ≤ scope computed ≤ first notification
// ≤ last notification ≤ closed, and every event's recordTime follows the previous one — on every store.

import { PostgresStore } from '@lotgraph/adapters/postgres';
import { SqliteStore } from '@lotgraph/adapters/sqlite';
import { Lotgraph, MemoryStore, type Store } from '@lotgraph/sdk';
import { describe, expect, it } from 'vitest';
import { mysqlAvailable, openFreshMysql } from '../../adapters/test/mysql-helpers.js';
import { freshSchema, PG_URL, postgresAvailable } from '../../adapters/test/pg-helpers.js';

const [hasPg, hasMysql] = await Promise.all([postgresAvailable(), mysqlAvailable()]);

async function expectMonotonicRecalls(store: Store) {
  // The system clock (no test clock): times come from the machine, as in production.
  const lg = await Lotgraph.open({ store });
  await lg.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3 });
  await lg.defineProduct({ id: 'bread', name: 'Bread', unit: 'pc', decimals: 0 });
  await lg.defineParty({ id: 'shop', name: 'Shop', roles: ['customer'] });
  await lg.defineParty({ id: 'deli', name: 'Deli', roles: ['customer'] });
  await lg.defineLocation({ id: 'WH', site: 'bakery' });
  for (let i = 0; i < 4; i++) {
    await lg.receive({ lotId: `F${i}`, productId: 'flour', locationId: 'WH', quantity: '10' });
    await lg.produce({
      orderId: `P${i}`,
      inputs: [{ lotId: `F${i}`, locationId: 'WH', quantity: '5' }],
      outputs: [{ lotId: `B${i}`, productId: 'bread', locationId: 'WH', quantity: '20' }],
    });
    await lg.ship({
      shipmentId: `S${i}a`,
      customerId: 'shop',
      lines: [{ lotId: `B${i}`, locationId: 'WH', quantity: '5' }],
    });
    await lg.ship({
      shipmentId: `S${i}b`,
      customerId: 'deli',
      lines: [{ lotId: `B${i}`, locationId: 'WH', quantity: '5' }],
    });
    const recallId = `R${i}`;
    await lg.recall.open({
      recallId,
      lots: [`F${i}`],
      reason: 'test',
      classification: 'II',
      drill: i % 2 === 0,
    });
    await lg.recall.notify({ recallId, customerId: 'shop', channel: 'email' });
    await lg.recall.notify({ recallId, customerId: 'deli', channel: 'phone' });
    await lg.recall.acknowledge({
      recallId,
      customerId: 'shop',
      quantities: [{ productId: 'bread', returned: '5' }],
    });
    await lg.recall.close({ recallId, summary: 'done' });
    const t = (await lg.recall.evidence(recallId)).timeline;
    const times = [t.openedAt, t.scopeComputedAt, t.firstNotificationAt!, t.lastNotificationAt!, t.closedAt!];
    expect(times.every(Boolean), recallId).toBe(true);
    expect([...times].sort(), `${recallId}: ${times.join(' ≤ ')}`).toEqual(times);
    expect(t.hoursToList).toBeGreaterThanOrEqual(0);
  }
  const events = await store.readEvents(1);
  for (let i = 1; i < events.length; i++)
    expect(events[i]!.recordTime >= events[i - 1]!.recordTime, `seq ${events[i]!.seq}`).toBe(true);
  await lg.close();
}

describe('recall timeline order on every store', () => {
  it('a caller clock ahead of ours never puts the scope before the opening', async () => {
    const lg = await Lotgraph.open({ store: new MemoryStore() });
    await lg.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3 });
    await lg.defineLocation({ id: 'WH', site: 'bakery' });
    await lg.receive({ lotId: 'F', productId: 'flour', locationId: 'WH', quantity: '10' });
    const ahead = new Date(Date.now() + 60_000).toISOString();
    const ev = await lg.recall.open({
      recallId: 'R',
      lots: ['F'],
      reason: 'r',
      classification: 'I',
      drill: true,
      eventTime: ahead,
    });
    expect(ev.timeline.openedAt).toBe(ahead);
    expect(ev.timeline.scopeComputedAt >= ev.timeline.openedAt).toBe(true);
  });

  it('memory', async () => {
    await expectMonotonicRecalls(new MemoryStore());
  });
  it('SQLite', async () => {
    const store = SqliteStore.open();
    await expectMonotonicRecalls(store);
    await store.close();
  });
  it.skipIf(!hasPg)('PostgreSQL', async () => {
    const store = await PostgresStore.open({
      connectionString: PG_URL,
      schema: freshSchema('timeline'),
      max: 2,
    });
    try {
      await expectMonotonicRecalls(store);
    } finally {
      await store.dropSchema();
      await store.close();
    }
  });
  it.skipIf(!hasMysql)('MariaDB', async () => {
    const { store, cleanup } = await openFreshMysql('timeline');
    try {
      await expectMonotonicRecalls(store);
    } finally {
      await cleanup();
    }
  });
});
