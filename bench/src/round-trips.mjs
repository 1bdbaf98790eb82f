// Database round trips per command on PostgreSQL: every query any pg client sends is counted while one
// receive, one produce, one ship and a batch() of 100 mixed commands run through the sdk. The count is
// deterministic (not a timing), so it is what the set-based store work (issue #15) is measured by.
//   node bench/src/round-trips.mjs            (PostgreSQL on 127.0.0.1:5432, or LOTGRAPH_TEST_POSTGRES_URL)
import { PostgresStore } from '@lotgraph/adapters/postgres';
import { Lotgraph } from '@lotgraph/sdk';
import pg from 'pg';

const url = process.env.LOTGRAPH_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
let queries = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function counted(...args) {
  queries++;
  return query.apply(this, args);
};
const count = async (fn) => {
  queries = 0;
  await fn();
  return queries;
};

const schema = `lgrt_${Date.now().toString(36)}`;
const store = await PostgresStore.open({ connectionString: url, schema, max: 4 });
const lg = await Lotgraph.open({ store });
try {
  await lg.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3 });
  await lg.defineProduct({ id: 'bread', name: 'Bread', unit: 'pc', decimals: 0 });
  await lg.defineParty({ id: 'shop', name: 'Shop', roles: ['customer'] });
  await lg.defineLocation({ id: 'WH', site: 'plant' });
  const rows = [];
  rows.push([
    'receive',
    await count(() => lg.receive({ lotId: 'L0', productId: 'flour', locationId: 'WH', quantity: '100' })),
  ]);
  rows.push([
    'produce',
    await count(() =>
      lg.produce({
        orderId: 'P0',
        inputs: [{ lotId: 'L0', locationId: 'WH', quantity: '10' }],
        outputs: [{ lotId: 'B0', productId: 'bread', locationId: 'WH', quantity: '10' }],
      }),
    ),
  ]);
  rows.push([
    'ship',
    await count(() =>
      lg.ship({
        shipmentId: 'S0',
        customerId: 'shop',
        lines: [{ lotId: 'B0', locationId: 'WH', quantity: '5' }],
      }),
    ),
  ]);
  const batch = [];
  for (let i = 1; batch.length < 100; i++) {
    batch.push({
      command: 'receive',
      input: { lotId: `L${i}`, productId: 'flour', locationId: 'WH', quantity: '100' },
    });
    batch.push({
      command: 'produce',
      input: {
        orderId: `P${i}`,
        inputs: [{ lotId: `L${i}`, locationId: 'WH', quantity: '10' }],
        outputs: [{ lotId: `B${i}`, productId: 'bread', locationId: 'WH', quantity: '10' }],
      },
    });
    if (batch.length < 100)
      batch.push({
        command: 'ship',
        input: {
          shipmentId: `S${i}`,
          customerId: 'shop',
          lines: [{ lotId: `B${i}`, locationId: 'WH', quantity: '5' }],
        },
      });
  }
  rows.push(['batch() of 100 (receive, produce, ship)', await count(() => lg.batch(batch))]);
  console.log('| command | round trips |\n|---|---:|');
  for (const [what, n] of rows) console.log(`| ${what} | ${n} |`);
} finally {
  await lg.close();
  await store.dropSchema();
  await store.close();
}
