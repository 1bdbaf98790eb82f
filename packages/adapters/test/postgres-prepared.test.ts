// Prepared statements in the PostgreSQL driver's scripts (issue #15): a statement seen twice is sent as
// `EXECUTE lg_…` after a `PREPARE` once per connection. What must hold: stores of two schemas — and two
// stores of one schema — share a connection without colliding; a connection that drops is replaced and
// prepares again; a server that forgets the statements (DEALLOCATE ALL / DISCARD ALL behind our back, a
// pooler in transaction mode) costs one retried command, after which the store sends inline statements; a
// script that prepared something and failed discards its connection; the option turns it all off.
import { PostgresStore } from '@lotgraph/adapters/postgres';
import { Lotgraph } from '@lotgraph/sdk';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { mapPgError, PostgresDriver } from '../src/postgres/postgres-driver.js';
import { PreparedNames, renderPrepared } from '../src/postgres/postgres-prepared.js';
import { freshSchema, PG_URL, postgresAvailable } from './pg-helpers.js';

const pgUp = await postgresAvailable();

const stores: PostgresStore[] = [];
const pools: pg.Pool[] = [];
afterAll(async () => {
  for (const s of stores) {
    const again = await PostgresStore.open({ connectionString: PG_URL, schema: s.schema, max: 1 });
    await again.dropSchema();
  }
  for (const p of pools) await p.end().catch(() => undefined);
});

/** One pooled connection, so every store on it shares the session and its prepared statements. */
function onePool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 1 });
  pool.on('error', () => undefined);
  pools.push(pool);
  return pool;
}

async function open(pool: pg.Pool, schema = freshSchema('prep'), preparedStatements?: boolean) {
  const store = await PostgresStore.open({ pool, schema, preparedStatements });
  if (!stores.some((s) => s.schema === schema)) stores.push(store);
  const lg = await Lotgraph.open({ store });
  await lg.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3 });
  await lg.defineLocation({ id: 'WH', site: 'plant' });
  return { store, lg };
}

const receive = (lg: Lotgraph, lotId: string) =>
  lg.receive({ lotId, productId: 'flour', locationId: 'WH', quantity: '1' });

async function ours(pool: pg.Pool): Promise<string[]> {
  const r = await pool.query("SELECT name FROM pg_prepared_statements WHERE name LIKE 'lg\\_%'");
  return r.rows.map((x) => String(x.name)).sort();
}

describe('prepared statement names', () => {
  it('a text is prepared from its second use on; the name depends on the whole text (its schema too)', () => {
    const names = new PreparedNames();
    const a = 'SELECT data FROM "a".lots WHERE id = ?';
    const b = 'SELECT data FROM "b".lots WHERE id = ?';
    expect(names.nameFor(a)).toBeUndefined();
    const na = names.nameFor(a);
    names.nameFor(b);
    const nb = names.nameFor(b);
    expect(na).toMatch(/^lg_[0-9a-f]{32}$/);
    expect(nb).toMatch(/^lg_[0-9a-f]{32}$/);
    expect(na).not.toBe(nb);
    expect(new PreparedNames().nameFor(a) ?? new PreparedNames().nameFor(a)).toBeUndefined();
  });

  it('renders PREPARE once per connection, EXECUTE after; transaction control and unseen texts as they are', () => {
    const names = new PreparedNames();
    const known = new Set<string>();
    const script = [
      { sql: 'BEGIN' },
      { sql: 'SELECT x FROM "s".t WHERE id = ?', params: ["it's"] },
      { sql: 'SELECT 1 FROM "s".head' },
    ];
    const render = () =>
      renderPrepared(
        script,
        known,
        names,
        (sql) => sql.replace('?', '$1'),
        (v) => (v === "it's" ? "'it''s'" : String(v)),
        (s) => s.sql.replace('?', "'it''s'"),
      );
    const first = render();
    expect(first.prepares).toBe(0);
    expect(first.text).toBe(`BEGIN;\nSELECT x FROM "s".t WHERE id = 'it''s';\nSELECT 1 FROM "s".head`);
    const second = render();
    expect(second.prepares).toBe(2);
    const [n1, n2] = second.added;
    expect(second.text).toBe(
      `PREPARE ${n1} AS SELECT x FROM "s".t WHERE id = $1;\nPREPARE ${n2} AS SELECT 1 FROM "s".head;\nBEGIN;\nEXECUTE ${n1}('it''s');\nEXECUTE ${n2}`,
    );
    for (const n of second.added) known.add(n);
    const third = render();
    expect(third.prepares).toBe(0);
    expect(third.text).toBe(`BEGIN;\nEXECUTE ${n1}('it''s');\nEXECUTE ${n2}`);
  });

  it('the server forgetting a statement is a retryable CONFLICT', () => {
    expect(
      mapPgError(Object.assign(new Error('prepared statement "lg_x" does not exist'), { code: '26000' })),
    ).toMatchObject({ code: 'CONFLICT', details: { reason: 'prepared_statement_lost' } });
  });
});

describe.skipIf(!pgUp)('prepared statements on PostgreSQL', () => {
  it('two schemas and two stores of one schema share one connection: commands interleave, nothing collides', async () => {
    const pool = onePool();
    const a = await open(pool);
    const b = await open(pool);
    const a2 = await open(pool, a.store.schema);
    for (let i = 0; i < 8; i++) {
      await receive(a.lg, `A${i}`);
      await receive(b.lg, `B${i}`);
      await receive(a2.lg, `C${i}`);
    }
    const names = await ours(pool);
    expect(names.length).toBeGreaterThan(10);
    expect(new Set(names).size).toBe(names.length);
    // Each store sees its own schema's rows, and the two of one schema see the same ledger.
    expect(await a.store.getStock('C7', 'WH')).toBe(1000n);
    expect(await b.store.getStock('A7', 'WH')).toBe(0n);
    expect(await b.store.getStock('B7', 'WH')).toBe(1000n);
    expect((await a.store.head()).seq).toBe((await a2.store.head()).seq);
    for (const x of [a, b, a2]) await x.lg.close();
  });

  it('a connection terminated: the next command runs on a new one, which prepares again', async () => {
    const pool = onePool();
    const { lg, store } = await open(pool);
    for (let i = 0; i < 4; i++) await receive(lg, `L${i}`);
    const [{ pid }] = (await pool.query('SELECT pg_backend_pid() AS pid')).rows;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await admin.end();
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 4; i < 8; i++) await receive(lg, `L${i}`);
    const [{ pid: now }] = (await pool.query('SELECT pg_backend_pid() AS pid')).rows;
    expect(now).not.toBe(pid);
    expect((await ours(pool)).length).toBeGreaterThan(5);
    expect(await store.getStock('L7', 'WH')).toBe(1000n);
    await lg.close();
  });

  it('DEALLOCATE ALL behind the store: one command is retried, then statements go inline', async () => {
    const pool = onePool();
    const { lg, store } = await open(pool);
    for (let i = 0; i < 4; i++) await receive(lg, `L${i}`);
    expect((await ours(pool)).length).toBeGreaterThan(5);
    const before = (await store.head()).seq;
    await pool.query('DEALLOCATE ALL');
    await receive(lg, 'L4');
    for (let i = 5; i < 9; i++) await receive(lg, `L${i}`);
    expect(await ours(pool)).toEqual([]);
    expect(await store.getStock('L8', 'WH')).toBe(1000n);
    expect((await store.head()).seq).toBe(before + 5);
    await lg.close();
  });

  it('preparedStatements: false sends every statement inline', async () => {
    const pool = onePool();
    const { lg, store } = await open(pool, undefined, false);
    for (let i = 0; i < 6; i++) await receive(lg, `L${i}`);
    expect(await ours(pool)).toEqual([]);
    expect(await store.getStock('L5', 'WH')).toBe(1000n);
    await lg.close();
    await expect(
      PostgresStore.open({ pool, schema: store.schema, preparedStatements: 'yes' as never }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'preparedStatements' } });
  });

  it('a script that prepared something and failed: the session goes inline and its connection is discarded', async () => {
    const pool = onePool();
    const schema = freshSchema('prepfail');
    await pool.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".t (id INT PRIMARY KEY)`);
    const driver = new PostgresDriver(pool, false, 'unused', () => undefined);
    const insert = (id: number) => ({ sql: `INSERT INTO "${schema}".t (id) VALUES (?)`, params: [id] });
    const script = (ids: number[]) => [{ sql: 'BEGIN' }, ...ids.map(insert), { sql: 'COMMIT' }];
    try {
      let s = await driver.acquire();
      await s.script(script([1]));
      const pid = (await s.query('SELECT pg_backend_pid() AS pid'))[0]?.pid;
      // Second sighting: prepared at the head of this script, which then fails on a duplicate key.
      await expect(s.script(script([3, 3]))).rejects.toMatchObject({ code: '23505' });
      await s.query('ROLLBACK');
      // The session sends inline from now on (and still works).
      await s.script(script([4, 5]));
      s.release();
      s = await driver.acquire();
      const next = (await s.query('SELECT pg_backend_pid() AS pid'))[0]?.pid;
      expect(next).not.toBe(pid);
      // A fresh connection prepares again.
      await s.script(script([6, 7]));
      const prepared = await s.query(
        "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'lg\\_%'",
      );
      expect(prepared[0]?.n).toBe(1);
      s.release();
      const rows = await pool.query(`SELECT id FROM "${schema}".t ORDER BY id`);
      expect(rows.rows.map((r) => r.id)).toEqual([1, 4, 5, 6, 7]);
    } finally {
      await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      await driver.close();
    }
  });
});
