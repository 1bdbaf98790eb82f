// stores suite: PostgreSQL next to SQLite, same data, same run.
//  1. Ingest rate into PostgreSQL through the sdk (the quickstart sample; one batch per day, and one command
//     per call), SQLite alongside.
//  2. Index load (`Lotgraph.open`) from PostgreSQL and from SQLite holding the generated genealogy.
//  3. Trace and recall scope through the sdk (index-only refs, and the full forward trace) vs a `WITH
//     RECURSIVE` query over the same tables, on PostgreSQL and on SQLite.
// Needs PostgreSQL at LOTGRAPH_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test); each run
// uses its own schema, dropped at the end.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PostgresStore } from '@lotgraph/adapters/postgres';
import { SqliteStore } from '@lotgraph/adapters/sqlite';
import { Lotgraph } from '@lotgraph/sdk';
import { days, masterData } from '../../../examples/quickstart/src/sample.mjs';
import { bulkLoad, sdkRef } from '../fixtures/bulk-store.mjs';
import { generate, randomSets } from '../generator.mjs';

const PG_URL = process.env.LOTGRAPH_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const quantile = (s, q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p95: quantile(s, 0.95), n: s.length };
};
const fmtMs = (x) =>
  x >= 100 ? `${x.toFixed(0)} ms` : x >= 1 ? `${x.toFixed(2)} ms` : `${(x * 1000).toFixed(0)} µs`;
const int = (n) => Math.round(n).toLocaleString('en-US');
const sizeLabel = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
const gc = () => globalThis.gc?.();
const schemaName = (tag) => `lgbench_${tag}_${randomBytes(4).toString('hex')}`;

async function ingest(kind, dayCount, mode) {
  const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-bench-stores-'));
  const schema = schemaName('ingest');
  const store =
    kind === 'postgres'
      ? await PostgresStore.open({ connectionString: PG_URL, schema })
      : SqliteStore.open({ filename: path.join(dir, 'ingest.db') });
  try {
    let t = 1_700_000_000_000;
    const lg = await Lotgraph.open({
      store,
      actor: 'bench',
      clock: () => {
        t += 1000;
        return new Date(t);
      },
    });
    await lg.batch(masterData({ customers: 80 }));
    const plan = [...days({ days: dayCount, customers: 80 })];
    const before = (await store.head()).seq;
    const t0 = performance.now();
    for (const cmds of plan) {
      if (mode === 'batch') await lg.batch(cmds);
      else for (const c of cmds) await lg[c.command](c.input);
    }
    const secs = (performance.now() - t0) / 1000;
    const events = (await store.head()).seq - before;
    await lg.close();
    return { kind, mode, events, secs, rate: events / secs };
  } finally {
    if (kind === 'postgres') await store.dropSchema();
    else await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const CTE = {
  postgres: (s, dir) =>
    `WITH RECURSIVE r(id) AS (SELECT unnest($1::bigint[]) UNION SELECT e.${dir === 'forward' ? 'dst' : 'src'} FROM ${s}.edges e
       JOIN r ON e.${dir === 'forward' ? 'src' : 'dst'} = r.id) SELECT r.id, n.ref FROM r JOIN ${s}.nodes n ON n.id = r.id`,
  sqlite: (_s, dir) =>
    `WITH RECURSIVE r(id) AS (SELECT value FROM json_each(?) UNION SELECT e.${dir === 'forward' ? 'dst' : 'src'} FROM edges e
       JOIN r ON e.${dir === 'forward' ? 'src' : 'dst'} = r.id) SELECT r.id, n.ref FROM r JOIN nodes n ON n.id = r.id`,
};

async function benchStore(kind, g, lots, { log, progress, quick }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-bench-stores-'));
  const file = path.join(dir, 'g.db');
  const schema = schemaName(`g${sizeLabel(lots).toLowerCase()}`);
  const open = () =>
    kind === 'postgres'
      ? PostgresStore.open({ connectionString: PG_URL, schema })
      : Promise.resolve(SqliteStore.open({ filename: file }));
  const label = `stores ${sizeLabel(lots)} ${kind}`;
  let store = await open();
  try {
    const p = progress(`${label}: bulk load`);
    const loaded = await bulkLoad(store, g, { progress: p });
    p.done();
    // Fresh statistics for the planner (what an operator's autovacuum would have done by now).
    if (kind === 'postgres') await store.pool.query(`ANALYZE`);
    else store.db.exec('ANALYZE');
    await store.close();
    gc();
    let t0 = performance.now();
    let lg = await Lotgraph.open({ store: await open() });
    const firstOpenMs = performance.now() - t0;
    const loadMs = [];
    for (let r = 0; r < (quick ? 1 : 3); r++) {
      await lg.close();
      await lg.store.close();
      gc();
      t0 = performance.now();
      lg = await Lotgraph.open({ store: await open() });
      loadMs.push(performance.now() - t0);
    }
    store = lg.store;
    log(`${label}: first open ${fmtMs(firstOpenMs)}, index load ${loadMs.map(fmtMs).join(', ')}`);
    const cteSql = {
      forward: CTE[kind](`"${schema}"`, 'forward'),
      backward: CTE[kind](`"${schema}"`, 'backward'),
    };
    const cte =
      kind === 'postgres'
        ? async (dir, ids) => (await store.pool.query(cteSql[dir], [ids])).rows
        : (() => {
            const st = {
              forward: store.db.prepare(cteSql.forward),
              backward: store.db.prepare(cteSql.backward),
            };
            return async (dir, ids) => st[dir].all(JSON.stringify(ids));
          })();
    const s = g.samples;
    const queries = [
      {
        name: 'forward, 1 typical raw lot',
        dir: 'forward',
        pool: s.typicalRawLots,
        k: 1,
        count: quick ? 4 : 20,
      },
      {
        name: 'backward, 1 finished lot',
        dir: 'backward',
        pool: s.finishedLots,
        k: 1,
        count: quick ? 4 : 20,
      },
      {
        name: 'forward, 1 heavy-hitter lot',
        dir: 'forward',
        pool: s.heavyHitterLots,
        k: 1,
        count: quick ? 2 : 6,
      },
      {
        name: 'recall scope, 10 heavy-hitter lots',
        dir: 'forward',
        pool: s.heavyHitterLots,
        k: 10,
        count: quick ? 2 : 6,
      },
    ];
    const rows = [];
    for (const q of queries) {
      const sets = randomSets(q.pool, q.k, q.count, 5).map((a) => [...a]);
      const refsMs = [];
      const cteMs = [];
      const fullMs = [];
      let nodes = 0;
      for (const [i, ids] of sets.entries()) {
        const refs = ids.map((id) => sdkRef(g, id));
        const fast = () => (q.dir === 'forward' ? lg.trace.forwardRefs(refs) : lg.trace.backwardRefs(refs));
        const full =
          q.k === 1
            ? () => (q.dir === 'forward' ? lg.trace.forward(refs[0]) : lg.trace.backward(refs[0]))
            : undefined;
        if (i === 0) {
          const b = await cte(q.dir, ids);
          const want = new Set(b.map((r) => r.ref));
          const a = await fast();
          const got = [...a.lots, ...a.deliveries, ...a.customers];
          if (got.length !== want.size || !got.every((x) => want.has(x)))
            throw new Error(`${label} ${q.name}: index (${got.length}) and CTE (${want.size}) disagree`);
        }
        const order = i % 2 === 0 ? ['refs', 'cte', 'full'] : ['full', 'cte', 'refs'];
        for (const who of order) {
          if (who === 'full' && !full) continue;
          const t1 = performance.now();
          if (who === 'refs') {
            const r = await fast();
            nodes += r.lots.length + r.deliveries.length + r.customers.length;
          } else if (who === 'cte') await cte(q.dir, ids);
          else await full();
          ({ refs: refsMs, cte: cteMs, full: fullMs })[who].push(performance.now() - t1);
        }
      }
      const row = {
        name: q.name,
        sets: sets.length,
        mean: nodes / sets.length,
        refs: stats(refsMs),
        cte: stats(cteMs),
        full: fullMs.length ? stats(fullMs) : undefined,
      };
      rows.push(row);
      log(
        `${label}: ${q.name}: refs ${fmtMs(row.refs.median)}, CTE ${fmtMs(row.cte.median)}, full ${row.full ? fmtMs(row.full.median) : '—'}`,
      );
    }
    await lg.close();
    return { kind, bulkMs: loaded.ms, firstOpenMs, load: stats(loadMs), rows };
  } finally {
    await store.close().catch(() => undefined);
    if (kind === 'postgres')
      await (await PostgresStore.open({ connectionString: PG_URL, schema, max: 1 })).dropSchema();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run({ sizes, quick = false, log = () => {}, progress }) {
  const prog =
    progress ??
    (() => {
      const f = () => {};
      f.done = () => {};
      return f;
    });
  const ctx = { quick, log, progress: prog };
  const dayCount = quick ? 8 : 60;
  const ingestRuns = [];
  for (const [kind, mode] of [
    ['postgres', 'batch'],
    ['postgres', 'single'],
    ['sqlite', 'batch'],
    ['sqlite', 'single'],
  ]) {
    const r = await ingest(kind, dayCount, mode);
    log(`stores ingest ${kind} ${mode}: ${int(r.rate)} events/s`);
    ingestRuns.push(r);
  }
  const results = [];
  for (const lots of [...sizes].sort((a, b) => a - b)) {
    if (lots > 2e6) continue;
    const p = prog(`stores ${sizeLabel(lots)}: generate`);
    const g = generate(lots, { progress: p });
    p.done();
    const per = [];
    for (const kind of ['postgres', 'sqlite']) per.push(await benchStore(kind, g, lots, ctx));
    results.push({ lots, nodes: g.kinds.length, edges: g.src.length, per });
    gc();
  }

  const L = [];
  L.push('## stores: PostgreSQL and SQLite side by side');
  L.push('');
  L.push(
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}${quick ? ' (**--quick**: tiny sizes, not representative)' : ''}; ` +
      'PostgreSQL 15 on the same machine (127.0.0.1, default configuration), SQLite file in the OS temp dir. Other jobs shared ' +
      'the 2 cores during the run: treat small differences as noise.',
  );
  L.push('');
  L.push(`### Ingest through the sdk (quickstart sample, ${dayCount} days)`);
  L.push('');
  L.push('| store | mode | events | time | events/s |');
  L.push('|---|---|---:|---:|---:|');
  for (const r of ingestRuns)
    L.push(
      `| ${r.kind} | ${r.mode === 'batch' ? 'one `batch()` per day' : 'one command per call'} | ${int(r.events)} | ${r.secs.toFixed(2)} s | ${int(r.rate)} |`,
    );
  for (const r of results) {
    L.push('');
    L.push(`### ${sizeLabel(r.lots)} lots (${int(r.nodes)} nodes, ${int(r.edges)} edges)`);
    L.push('');
    L.push('| store | bulk load (fixture) | first open (rows → pack) | index load (pack + tail), median |');
    L.push('|---|---:|---:|---:|');
    for (const x of r.per)
      L.push(
        `| ${x.kind} | ${(x.bulkMs / 1000).toFixed(1)} s | ${fmtMs(x.firstOpenMs)} | **${fmtMs(x.load.median)}** |`,
      );
    L.push('');
    L.push(
      '| store | query | sets | mean result (nodes) | sdk refs (index) | full trace | `WITH RECURSIVE` | CTE ÷ refs |',
    );
    L.push('|---|---|---:|---:|---:|---:|---:|---:|');
    for (const x of r.per) {
      for (const q of x.rows) {
        L.push(
          `| ${x.kind} | ${q.name} | ${q.sets} | ${int(q.mean)} | ${fmtMs(q.refs.median)} | ${q.full ? fmtMs(q.full.median) : '—'} | ` +
            `${fmtMs(q.cte.median)} | **${(q.cte.median / q.refs.median).toFixed(0)}×** |`,
        );
      }
    }
  }
  L.push('');
  L.push(
    'Medians. **sdk refs** = `lg.trace.forwardRefs` / `backwardRefs`: the closure from the in-process WebAssembly index, ' +
      'as lot / delivery / customer refs — the same output as the CTE (node ids and refs), checked equal on the first set ' +
      'of each query before timing. **full trace** = `lg.trace.forward/backward` with lot rows, deliveries, customers and ' +
      'exact edge quantities read from the store. Index load goal at 1M lots: ≤ 2.5 s from PostgreSQL. The bulk load is the ' +
      'benchmark fixture (`bench/src/fixtures/bulk-store.mjs`, through `store.append` in 50k-row batches), not the sdk ingest path.',
  );
  return L.join('\n');
}
