// stores suite: every store side by side, same data, same run.
//  1. Ingest rate through the sdk (the quickstart sample; one batch per day, and one command per call) into
//     MemoryStore, SQLite (synchronous FULL), PostgreSQL and MariaDB: 5 runs each (a child process each, timed
//     after a warm-up run) on a fresh store, median
//     and min–max in commands/s, against the targets of issue #15.
//  2. Index load (`Lotgraph.open`) from PostgreSQL, MariaDB and SQLite holding the generated genealogy.
//  3. Trace and recall scope through the sdk (index-only refs, and the full forward trace) vs a `WITH
//     RECURSIVE` query over the same tables, on PostgreSQL, MariaDB and SQLite.
// Needs PostgreSQL at LOTGRAPH_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test) and
// MariaDB/MySQL at LOTGRAPH_BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306/test); each measurement uses
// its own schema / database (`lgbench_*`), dropped at the end.
import { Lotgraph } from '@lotgraph/sdk';
import { days, masterData } from '../../../examples/quickstart/src/sample.mjs';
import { bulkLoad, sdkRef } from '../fixtures/bulk-store.mjs';
import { cteRunner } from '../fixtures/closure-cte.mjs';
import { freshTarget, STORE_LABEL, serverVersions } from '../fixtures/targets.mjs';
import { fmtMs, gc, int, silentProgress, sizeLabel, stats } from '../format.mjs';
import { generate, randomSets } from '../generator.mjs';
import { childMain, isolated } from '../isolated.mjs';

/** 0.43 → "0.4", 7.6 → "7.6", 83.2 → "83". */
const ratio = (x) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Ingest targets of issue #15, in commands/s (one event per command). */
export const INGEST_TARGETS = {
  memory: { batch: 25_000, single: 15_000 },
  sqlite: { batch: 15_000, single: 1_200 },
  postgres: { batch: 5_000, single: 800 },
  mysql: { batch: 4_000, single: 600 },
};
/** Index load goals at 1M lots, in ms (MariaDB: reported, no goal). */
const LOAD_GOAL_MS = { sqlite: 1500, postgres: 2500 };
const INGEST_RUNS = 5;

/** One ingest measurement on a fresh, empty store of `kind`. */
async function ingest(kind, dayCount, mode) {
  const target = await freshTarget(kind, 'ingest');
  let store;
  try {
    store = await target.open();
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
    const commands = plan.reduce((n, d) => n + d.length, 0);
    const before = (await store.head()).seq;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const cmds of plan) {
      if (mode === 'batch') await lg.batch(cmds);
      else for (const c of cmds) await lg[c.command](c.input);
    }
    const secs = (performance.now() - t0) / 1000;
    const events = (await store.head()).seq - before;
    if (events !== commands)
      throw new Error(`ingest ${kind} ${mode}: ${events} events for ${commands} commands`);
    await lg.close();
    const cpu = process.cpuUsage(cpu0);
    // This process's CPU (user + system, its socket work included) per command: steadier than the rate on a
    // shared machine, and what the sdk and the driver cost apart from waiting for the database.
    return { kind, mode, commands, secs, rate: commands / secs, cpuUs: (cpu.user + cpu.system) / commands };
  } finally {
    await store?.close().catch(() => undefined);
    await target.drop();
  }
}

async function benchStore(kind, g, lots, { log, progress, quick }) {
  const target = await freshTarget(kind, `g${sizeLabel(lots).toLowerCase()}`);
  const schema = target.cfg.schema;
  const open = () => target.open();
  const label = `stores ${sizeLabel(lots)} ${kind}`;
  let store;
  try {
    store = await open();
    const p = progress(`${label}: bulk load`);
    const loaded = await bulkLoad(store, g, { progress: p });
    p.done();
    // Fresh statistics for the planner (what an operator's autovacuum would have done by now).
    if (kind === 'postgres') await store.pool.query(`ANALYZE`);
    else if (kind === 'mysql')
      await store.pool.query('ANALYZE TABLE nodes, edges, lots, parties, shipments, shipment_lines');
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
    const cte = cteRunner(kind, store, schema);
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
    await store?.close().catch(() => undefined);
    await target.drop();
  }
}

/**
 * The ingest comparison (issue #15's targets): the quickstart sample through the sdk into every store, one
 * `batch()` per day and one command per call, round robin, {@link INGEST_RUNS} runs each; returns the
 * markdown lines of its section. Also run alone as the `ingest` suite.
 */
export async function ingestSection({ quick = false, log = () => {} } = {}) {
  const dayCount = quick ? 8 : 180;
  const KINDS = ['memory', 'sqlite', 'postgres', 'mysql'];
  const MODES = ['batch', 'single'];
  /** runs[kind][mode] = [{ commands, secs, rate }] */
  const runs = Object.fromEntries(KINDS.map((k) => [k, { batch: [], single: [] }]));
  // Round robin over the stores and modes, so that a slow patch of the machine hits every row alike. Each
  // run is a child process of its own (earlier runs' heaps and pools slowed later ones by up to 3× in one
  // process), which first ingests the same days into another fresh store, untimed: a run is about a
  // thousand commands, and cold code (JIT) made a fresh process's first run 2–4× slower than its second.
  for (let rep = 0; rep < INGEST_RUNS; rep++) {
    for (const kind of KINDS) {
      for (const mode of MODES) {
        const r = await isolated(import.meta.url, 'ingest-one', { kind, dayCount, mode }, { log });
        log(`stores ingest ${kind} ${mode} (run ${rep + 1}/${INGEST_RUNS}): ${int(r.rate)} commands/s`);
        runs[kind][mode].push(r);
      }
    }
  }
  const ingestRows = [];
  for (const kind of KINDS) {
    for (const mode of MODES) {
      const rs = runs[kind][mode];
      const rates = rs.map((r) => r.rate);
      const target = INGEST_TARGETS[kind][mode];
      const med = median(rates);
      ingestRows.push({
        kind,
        mode,
        commands: rs[0].commands,
        median: med,
        min: Math.min(...rates),
        max: Math.max(...rates),
        cpuUs: median(rs.map((r) => r.cpuUs)),
        target,
        met: med >= target,
      });
    }
  }
  const L = [];
  L.push(`### Ingest through the sdk (quickstart sample, ${dayCount} days)`);
  L.push('');
  L.push(
    `${INGEST_RUNS} runs per row, each in a child process of its own, timed after an untimed ingest of the same ` +
      'days into another store (warm code, as in a long-running service), each on a fresh, empty store (master data written first, not timed); one event ' +
      'per command, so commands/s = events/s. Runs before 2026-12-04 22:00 were 3 per row of 60 days in one process, ' +
      "cold code included. **CPU/command**: the ingesting process's CPU time (user + system) per command, median — " +
      'the sdk, the driver and its socket work, apart from waiting for the database. Targets: issue #15.',
  );
  L.push('');
  L.push('| store | mode | commands | commands/s, median | min – max | CPU/command | target | met? |');
  L.push('|---|---|---:|---:|---:|---:|---:|:---:|');
  for (const r of ingestRows)
    L.push(
      `| ${STORE_LABEL[r.kind]} | ${r.mode === 'batch' ? 'one `batch()` per day' : 'one command per call'} | ${int(r.commands)} | ` +
        `**${int(r.median)}** | ${int(r.min)} – ${int(r.max)} | ${int(r.cpuUs)} µs | ≥ ${int(r.target)} | ${r.met ? 'yes' : '**no**'} |`,
    );
  return L;
}

export async function run({ sizes, quick = false, log = () => {}, progress }) {
  const prog = progress ?? silentProgress;
  const ctx = { quick, log, progress: prog };
  const versions = await serverVersions();
  const ingest = await ingestSection({ quick, log });
  const results = [];
  for (const lots of [...sizes].sort((a, b) => a - b)) {
    if (lots > 2e6) continue;
    const p = prog(`stores ${sizeLabel(lots)}: generate`);
    const g = generate(lots, { progress: p });
    p.done();
    const per = [];
    for (const kind of ['postgres', 'mysql', 'sqlite']) per.push(await benchStore(kind, g, lots, ctx));
    results.push({ lots, nodes: g.kinds.length, edges: g.src.length, per });
    gc();
  }

  const L = [];
  L.push('## stores: MemoryStore, SQLite, PostgreSQL and MariaDB side by side');
  L.push('');
  L.push(
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}${quick ? ' (**--quick**: tiny sizes, not representative)' : ''}; ` +
      `${versions.postgres} and ${versions.mysql} on the same machine (127.0.0.1, default configuration), ` +
      'SQLite file (WAL, `synchronous = FULL`) in the OS temp dir. Other jobs may share the 2 cores during a run: ' +
      'treat small differences as noise.',
  );
  L.push('');
  L.push(...ingest);
  for (const r of results) {
    L.push('');
    L.push(`### ${sizeLabel(r.lots)} lots (${int(r.nodes)} nodes, ${int(r.edges)} edges)`);
    L.push('');
    L.push(
      '| store | bulk load (fixture) | first open (rows → pack) | index load (pack + tail), median | goal at 1M lots | met? |',
    );
    L.push('|---|---:|---:|---:|---:|:---:|');
    for (const x of r.per) {
      const goal = LOAD_GOAL_MS[x.kind];
      const met = goal === undefined || r.lots !== 1e6 ? '—' : x.load.median <= goal ? 'yes' : '**no**';
      L.push(
        `| ${STORE_LABEL[x.kind]} | ${(x.bulkMs / 1000).toFixed(1)} s | ${fmtMs(x.firstOpenMs)} | **${fmtMs(x.load.median)}** | ` +
          `${goal === undefined ? '(report)' : `≤ ${(goal / 1000).toFixed(1)} s`} | ${met} |`,
      );
    }
    L.push('');
    L.push(
      '| store | query | sets | mean result (nodes) | sdk refs (index) | full trace | `WITH RECURSIVE` | CTE ÷ refs |',
    );
    L.push('|---|---|---:|---:|---:|---:|---:|---:|');
    for (const x of r.per) {
      for (const q of x.rows) {
        L.push(
          `| ${STORE_LABEL[x.kind]} | ${q.name} | ${q.sets} | ${int(q.mean)} | ${fmtMs(q.refs.median)} | ${q.full ? fmtMs(q.full.median) : '—'} | ` +
            `${fmtMs(q.cte.median)} | **${ratio(q.cte.median / q.refs.median)}×** |`,
        );
      }
    }
  }
  L.push('');
  L.push(
    'Medians. **sdk refs** = `lg.trace.forwardRefs` / `backwardRefs`: the closure from the in-process WebAssembly index, ' +
      'as lot / delivery / customer refs — the same output as the CTE (node ids and refs), checked equal on the first set ' +
      'of each query before timing. **full trace** = `lg.trace.forward/backward` with lot rows, deliveries, customers and ' +
      'exact edge quantities read from the store. Index load goals at 1M lots: ≤ 1.5 s from SQLite, ≤ 2.5 s from PostgreSQL ' +
      '(MariaDB: reported). The bulk load is the benchmark fixture (`bench/src/fixtures/bulk-store.mjs`, through ' +
      '`store.append` in 50k-row batches), not the sdk ingest path.',
  );
  return L.join('\n');
}

// The child side of one ingest run (last: everything above is defined by then).
await childMain('ingest-one', async ({ kind, dayCount, mode }) => {
  // Warm-up, untimed: V8 optimises the hot paths after a few thousand commands, and a long-running service
  // runs them optimised. (Runs are 180 days, ≈ 3,000 commands: 60-day runs varied by ±30% between runs.)
  await ingest(kind, dayCount, mode);
  return ingest(kind, dayCount, mode);
});
