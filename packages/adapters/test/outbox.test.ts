// The transactional outbox on the SQL stores (issue #19 item 1): two dispatchers, each on its own store
// instance (its own connections — what two processes have), share one subscription while a third instance
// keeps appending. Every message is delivered, exactly once while no lease expires (FOR UPDATE SKIP LOCKED
// on PostgreSQL and MariaDB, BEGIN IMMEDIATE on SQLite); a dispatcher that hangs loses its lease and the
// other delivers again (at least once, same key). Bounded in count and time; asserts counts, not durations.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MysqlStore } from '@lotgraph/adapters/mysql';
import { PostgresStore } from '@lotgraph/adapters/postgres';
import { SqliteStore } from '@lotgraph/adapters/sqlite';
import { Lotgraph, type OutboxDelivery, type Store } from '@lotgraph/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { dropDatabase, freshDatabase, mysqlAvailable, urlOf } from './mysql-helpers.js';
import { freshSchema, PG_URL, postgresAvailable } from './pg-helpers.js';

const pgUp = await postgresAvailable();
const myUp = await mysqlAvailable();
const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-outbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Target {
  /** A new store instance on the same database (its own connections). */
  open(): Promise<Store>;
  drop(): Promise<void>;
}

const targets: [string, boolean, () => Promise<Target>][] = [
  [
    'SQLite (file)',
    true,
    async () => {
      const filename = path.join(dir, `${Math.random().toString(36).slice(2)}.db`);
      return { open: async () => SqliteStore.open({ filename }), drop: async () => {} };
    },
  ],
  [
    'PostgreSQL',
    pgUp,
    async () => {
      const schema = freshSchema('outbox');
      return {
        open: () => PostgresStore.open({ connectionString: PG_URL, schema, max: 3 }),
        drop: async () => {
          const s = await PostgresStore.open({ connectionString: PG_URL, schema, max: 1 });
          await s.dropSchema();
        },
      };
    },
  ],
  [
    'MariaDB',
    myUp,
    async () => {
      const database = await freshDatabase('outbox');
      return {
        open: () => MysqlStore.open({ uri: urlOf(database), max: 3 }),
        drop: () => dropDatabase(database),
      };
    },
  ],
];

const EVENTS = 120;

/** Three instances (a store and a Lotgraph each, its own connections) on a fresh target; all closed after. */
async function withInstances(
  make: () => Promise<Target>,
  fn: (lgs: Lotgraph[], stores: Store[]) => Promise<void>,
): Promise<void> {
  const target = await make();
  const stores: Store[] = [];
  const lgs: Lotgraph[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const store = await target.open();
      stores.push(store);
      lgs.push(await Lotgraph.open({ store }));
    }
    await fn(lgs, stores);
  } finally {
    for (const lg of lgs) await lg.close();
    for (const s of stores) await s.close();
    await target.drop();
  }
}

for (const [name, up, make] of targets) {
  describe.skipIf(!up)(`outbox on ${name}`, () => {
    it('two dispatchers share a subscription: every message delivered exactly once; a hung one is taken over', async () => {
      await withInstances(make, async (lgs) => {
        const [writer, a, b] = lgs as [Lotgraph, Lotgraph, Lotgraph];
        await writer.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3 });
        await writer.defineLocation({ id: 'WH', site: 'plant' });
        const delivered = new Map<string, number>();
        const by = { a: 0, b: 0 };
        const deliver = (who: 'a' | 'b') => async (m: OutboxDelivery) => {
          by[who]++;
          delivered.set(m.key, (delivered.get(m.key) ?? 0) + 1);
        };
        const opts = { types: ['received'], pollMs: 20, batchSize: 7, leaseMs: 60_000 };
        const da = await a.outbox.subscribe('erp', { ...opts, deliver: deliver('a') });
        const db = await b.outbox.subscribe('erp', { ...opts, deliver: deliver('b') });
        const seqs: number[] = [];
        for (let i = 0; i < EVENTS; i += 10) {
          const batch = Array.from({ length: 10 }, (_, j) => ({
            command: 'receive' as const,
            input: { lotId: `L${i + j}`, productId: 'flour', locationId: 'WH', quantity: '5' },
          }));
          for (const e of await writer.batch(batch)) seqs.push(e.seq);
        }
        await expect.poll(() => delivered.size, { timeout: 20_000, interval: 50 }).toBe(EVENTS);
        expect([...delivered.keys()].sort()).toEqual(seqs.map((s) => `erp:${s}`).sort());
        expect([...delivered.values()].every((n) => n === 1)).toBe(true);
        expect(by.a + by.b).toBe(EVENTS);
        // A message counts as delivered above once `deliver` returned; its settle commits right after. `stop`
        // waits for the settles in flight, so only then is nothing pending.
        await da.stop();
        await db.stop();
        expect(await writer.outbox.list('erp', { status: 'pending' })).toEqual([]);

        // A dispatcher that hangs mid-delivery: its short lease expires and the other delivers again.
        let release: (() => void) | undefined;
        const hung: string[] = [];
        const dh = await a.outbox.subscribe('wms', {
          pollMs: 20,
          leaseMs: 300,
          deliver: (m) => {
            hung.push(m.key);
            return new Promise<void>((resolve) => {
              release = resolve;
            });
          },
        });
        const got: string[] = [];
        const e = await writer.receive({ lotId: 'X1', productId: 'flour', locationId: 'WH', quantity: '1' });
        await expect.poll(() => hung.length, { timeout: 10_000, interval: 20 }).toBe(1);
        const dk = await b.outbox.subscribe('wms', { pollMs: 20, deliver: (m) => void got.push(m.key) });
        await expect.poll(() => got, { timeout: 10_000, interval: 20 }).toEqual([`wms:${e.seq}`]);
        expect(hung).toEqual(got);
        release?.();
        await dh.stop();
        await dk.stop();
        expect(await writer.outbox.list('wms')).toMatchObject([
          { seq: e.seq, status: 'delivered', attempts: 2 },
        ]);
      });
    });

    // An append leaves out the outbox's statement when, read under the writer lock, no subscription has
    // event types (sql-head.ts). A subscription registered from another instance while two others append
    // must still get a message for every event committed after it, and none for an event before it.
    it('a subscription registered while other instances append: a message for every later event, none earlier', async () => {
      await withInstances(make, async (lgs, stores) => {
        const [w1, w2] = lgs as [Lotgraph, Lotgraph];
        await w1.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3 });
        await w1.defineLocation({ id: 'WH', site: 'plant' });
        let committed = 0;
        let registered = false;
        // Each writer goes on until 10 of its commands came after the registration.
        const write = async (lg: Lotgraph, tag: string) => {
          for (let i = 0, after = 0; after < 10 && i < 1000; i++) {
            await lg.receive({ lotId: `${tag}${i}`, productId: 'flour', locationId: 'WH', quantity: '1' });
            committed++;
            if (registered) after++;
            // A breath between commands, so the registration gets the lock (SQLite's is not queued).
            await new Promise((r) => setTimeout(r, 1));
          }
        };
        const writers = Promise.all([write(w1, 'A'), write(w2, 'B')]);
        await expect.poll(() => committed, { timeout: 20_000, interval: 2 }).toBeGreaterThan(15);
        const outbox = (stores[2] as Store).outbox;
        if (!outbox) throw new Error('the SQL stores have an outbox');
        const sub = await outbox.register('late', ['received']);
        registered = true;
        await writers;
        const head = (await stores[2]!.head()).seq;
        expect(sub.fromSeq).toBeGreaterThan(2);
        expect(sub.fromSeq).toBeLessThan(head);
        const seqs = (await outbox.list('late', { limit: 1000 })).map((m) => m.seq);
        expect(seqs).toEqual(Array.from({ length: head - sub.fromSeq }, (_, i) => sub.fromSeq + 1 + i));
      });
    });
  });
}
