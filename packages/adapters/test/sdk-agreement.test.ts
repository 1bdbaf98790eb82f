// Property: random command sequences give the same outcomes and the same projections on every SQL store
// as on MemoryStore — with two Lotgraph instances taking turns on the SQL store, so that one instance's
// master-data cache and prefetched reads must notice what the other committed (a location defined by B,
// then received into by A). Runs per store: LOTGRAPH_AGREEMENT_RUNS (default 25 SQLite, 6 servers).
import { MysqlStore } from '@lotgraph/adapters/mysql';
import { PostgresStore } from '@lotgraph/adapters/postgres';
import { SqliteStore } from '@lotgraph/adapters/sqlite';
import { isLotgraphError, Lotgraph, MemoryStore, type Store } from '@lotgraph/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dropDatabase, freshDatabase, mysqlAvailable, urlOf } from './mysql-helpers.js';
import { freshSchema, PG_URL, postgresAvailable } from './pg-helpers.js';

const pgUp = await postgresAvailable();
const myUp = await mysqlAvailable();
const runs = (n: number) => Number(process.env.LOTGRAPH_AGREEMENT_RUNS ?? n);

/** One fixed clock: event and record times are equal on every store. */
const clock = () => '2026-03-01T08:00:00.000Z';

type Cmd = { command: string; input: Record<string, unknown> };

const lotId = fc.constantFrom('L1', 'L2', 'L3');
const loc = fc.constantFrom('W1', 'W2', 'W3');
const qty = fc.integer({ min: 1, max: 40 }).map(String);
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc
    .record({ id: fc.constantFrom('p1', 'p2'), name: fc.constantFrom('Flour', 'Sugar', 'Salt') })
    .map(({ id, name }) => ({
      command: 'defineProduct',
      input: { id, name, unit: 'kg', decimals: 3 },
    })),
  fc
    .record({ id: loc, site: fc.constantFrom('A', 'B') })
    .map((input) => ({ command: 'defineLocation', input })),
  fc
    .record({ lotId, productId: fc.constantFrom('p1', 'p2'), locationId: loc, quantity: qty })
    .map((input) => ({
      command: 'receive',
      input,
    })),
  fc
    .record({ from: lotId, locationId: loc, quantity: qty, out: fc.integer({ min: 1, max: 3 }) })
    .map((x) => ({
      command: 'produce',
      input: {
        orderId: `PO-${x.from}-${x.out}`,
        inputs: [{ lotId: x.from, locationId: x.locationId, quantity: x.quantity }],
        outputs: [{ lotId: `B${x.out}`, productId: 'p2', locationId: x.locationId, quantity: x.quantity }],
      },
    })),
  fc.record({ lotId: fc.constantFrom('L1', 'L2', 'B1', 'B2'), locationId: loc, quantity: qty }).map((l) => ({
    command: 'ship',
    input: { customerId: 'shop', lines: [l] },
  })),
  fc.record({ holdId: fc.constantFrom('H1', 'H2'), lotId }).map((x) => ({
    command: 'hold',
    input: { ...x, reasonCode: 'QA' },
  })),
  fc.constantFrom('H1', 'H2').map((holdId) => ({ command: 'release', input: { holdId } })),
);
/** Groups of 1–3 commands (a group of several is one `batch`), each by instance 0 or 1. */
const script = fc.array(
  fc.record({ by: fc.integer({ min: 0, max: 1 }), cmds: fc.array(cmd, { minLength: 1, maxLength: 3 }) }),
  {
    minLength: 1,
    maxLength: 14,
  },
);

async function play(instances: Lotgraph[], groups: { by: number; cmds: Cmd[] }[]) {
  const outcomes: unknown[] = [];
  let n = 0;
  for (const g of groups) {
    // Fixed idempotency keys and shipment ids: both stores see the same inputs.
    const cmds = g.cmds.map((c) => {
      n++;
      const input = { ...c.input, idempotencyKey: `k${n}` };
      if (c.command === 'ship') Object.assign(input, { shipmentId: `S${n}` });
      return { command: c.command, input };
    });
    const lg = instances[g.by % instances.length]!;
    try {
      const events = await lg.batch(cmds as never);
      outcomes.push(events.map((e) => ({ type: e.type, seq: e.seq, payload: e.payload })));
    } catch (e) {
      if (!isLotgraphError(e)) throw e;
      outcomes.push({ code: e.code, batchIndex: (e.details as { batchIndex?: number }).batchIndex });
    }
  }
  return outcomes;
}

async function state(store: Store) {
  return {
    seq: (await store.head()).seq,
    products: await store.listProducts(),
    locations: await store.listLocations(),
    lots: await store.listLots(),
    stock: await store.listStock(),
    holds: await store.listHolds(),
    shipments: await store.listShipments(),
    lines: await store.listShipmentLines(),
  };
}

const setup = [
  { command: 'defineParty', input: { id: 'shop', name: 'Shop', roles: ['customer'], idempotencyKey: 's1' } },
  {
    command: 'defineProduct',
    input: { id: 'p1', name: 'Flour', unit: 'kg', decimals: 3, idempotencyKey: 's2' },
  },
  { command: 'defineLocation', input: { id: 'W1', site: 'A', idempotencyKey: 's3' } },
];

function agreement(
  name: string,
  enabled: boolean,
  n: number,
  open: () => Promise<{ store: Store; drop: () => Promise<void> }>,
) {
  describe.skipIf(!enabled)(`${name} agrees with MemoryStore`, () => {
    it('same outcomes and projections for random command batches from two instances (property)', async () => {
      await fc.assert(
        fc.asyncProperty(script, async (groups) => {
          const mem = await Lotgraph.open({ store: new MemoryStore(), clock });
          const { store, drop } = await open();
          const a = await Lotgraph.open({ store, clock });
          try {
            await mem.batch(setup as never);
            await a.batch(setup as never);
            const b = await Lotgraph.open({ store, clock });
            try {
              const expected = await play([mem], groups);
              const actual = await play([a, b], groups);
              expect(actual).toEqual(expected);
              expect(await state(store)).toEqual(await state(mem.store));
            } finally {
              await b.close();
            }
          } finally {
            await a.close();
            await mem.close();
            await store.close();
            await drop();
          }
        }),
        { numRuns: runs(n) },
      );
    });
  });
}

agreement('SQLite', true, 25, async () => ({ store: SqliteStore.open(), drop: async () => {} }));
agreement('PostgreSQL', pgUp, 6, async () => {
  const schema = freshSchema('agree');
  const store = await PostgresStore.open({ connectionString: PG_URL, schema, max: 3 });
  return {
    store,
    drop: async () => (await PostgresStore.open({ connectionString: PG_URL, schema, max: 1 })).dropSchema(),
  };
});
agreement('MariaDB', myUp, 6, async () => {
  const database = await freshDatabase('agree');
  return {
    store: await MysqlStore.open({ uri: urlOf(database), max: 3 }),
    drop: () => dropDatabase(database),
  };
});
