// trace suite (issue 16): full traces assembled from the in-process trace catalogue vs the same traces
// assembled from store reads (the path `lg.trace.forward/backward` took before the catalogue), on the
// generated genealogy bulk-loaded into SQLite (`--sizes 100k,1m`). Both sides are the sdk's own functions
// (`traceForward/traceBackward` from `@lotgraph/sdk/testing`, `'catalogue'` vs `'store'`) over the same open
// Lotgraph, same lots, same run; the first set of every query is checked to give IDENTICAL results before
// timing. Also: the catalogue's own load time (three bulk listings) and its typed-array size.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { SqliteStore } from '@lotgraph/adapters/sqlite';
import { Lotgraph } from '@lotgraph/sdk';
import { traceBackward, traceForward } from '@lotgraph/sdk/testing';
import { bulkLoad, sdkRef } from '../fixtures/bulk-store.mjs';
import { fmtMs, gc, int, mb, silentProgress, sizeLabel, stats } from '../format.mjs';
import { generate, randomSets } from '../generator.mjs';

async function benchSize(lots, { log, progress, quick }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-bench-trace-'));
  const file = path.join(dir, 'genealogy.db');
  try {
    let p = progress(`trace ${sizeLabel(lots)}: generate`);
    const g = generate(lots, { progress: p });
    p.done();
    p = progress(`trace ${sizeLabel(lots)}: bulk load into SQLite`);
    const bulkStore = SqliteStore.open({ filename: file, synchronous: 'NORMAL' });
    await bulkLoad(bulkStore, g, { progress: p });
    p.done();
    bulkStore.db.pragma('wal_checkpoint(TRUNCATE)');
    await bulkStore.close();
    // First open writes the genealogy pack; the timed opens below read it.
    await (await Lotgraph.open({ store: SqliteStore.open({ filename: file }) })).close();
    const openMs = [];
    const catalogueMs = [];
    let lg;
    for (let r = 0; r < (quick ? 1 : 3); r++) {
      if (lg) await lg.close();
      gc();
      let t0 = performance.now();
      lg = await Lotgraph.open({ store: SqliteStore.open({ filename: file }) });
      openMs.push(performance.now() - t0);
      // The first full trace fills the catalogue (three bulk listings): time that fill on its own.
      t0 = performance.now();
      await lg.index.catalogue.ready(lg.store);
      catalogueMs.push(performance.now() - t0);
    }
    const index = lg.index;
    const store = lg.store;
    gc();
    const heap = process.memoryUsage();
    log(
      `trace ${sizeLabel(lots)}: open ${fmtMs(stats(openMs).median)}, then first-trace catalogue fill ${fmtMs(stats(catalogueMs).median)}, ` +
        `catalogue typed arrays ${mb(index.catalogue.typedBytes)}, heap ${mb(heap.heapUsed)}, rss ${mb(heap.rss)}`,
    );
    const s = g.samples;
    const queries = [
      { name: 'forward, 1 typical raw lot', dir: 'forward', pool: s.typicalRawLots, count: quick ? 5 : 30 },
      { name: 'backward, 1 finished lot', dir: 'backward', pool: s.finishedLots, count: quick ? 5 : 30 },
      { name: 'forward, 1 heavy-hitter lot', dir: 'forward', pool: s.heavyHitterLots, count: quick ? 2 : 8 },
    ];
    const rows = [];
    for (const q of queries) {
      const sets = randomSets(q.pool, 1, q.count, 99).map((a) => [...a]);
      const ms = { catalogue: [], store: [] };
      let nodes = 0;
      for (const [i, ids] of sets.entries()) {
        const lotId = sdkRef(g, ids[0]);
        const trace = (via) =>
          q.dir === 'forward'
            ? traceForward(store, index, lotId, via)
            : traceBackward(store, index, lotId, via);
        if (i === 0) {
          const a = await trace('catalogue');
          const b = await trace('store');
          if (!isDeepStrictEqual(a, b)) throw new Error(`${q.name}: catalogue and store traces differ`);
        }
        // Alternate the order so no side always runs on a warmer cache.
        for (const via of i % 2 === 0 ? ['catalogue', 'store'] : ['store', 'catalogue']) {
          const t0 = performance.now();
          const r = await trace(via);
          ms[via].push(performance.now() - t0);
          if (via === 'catalogue') nodes += r.graph.nodes.length;
        }
      }
      const row = {
        name: q.name,
        sets: sets.length,
        mean: nodes / sets.length,
        catalogue: stats(ms.catalogue),
        store: stats(ms.store),
      };
      rows.push(row);
      log(
        `trace ${sizeLabel(lots)}: ${q.name}: catalogue ${fmtMs(row.catalogue.median)}, store reads ${fmtMs(row.store.median)}`,
      );
    }
    await lg.close();
    return {
      lots,
      nodes: g.kinds.length,
      edges: g.src.length,
      open: stats(openMs),
      catalogueLoad: stats(catalogueMs),
      typedBytes: index.catalogue.typedBytes,
      heapUsed: heap.heapUsed,
      rss: heap.rss,
      rows,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run({ sizes, quick = false, log = () => {}, progress }) {
  const prog = progress ?? silentProgress;
  const results = [];
  for (const lots of quick ? [10_000] : sizes)
    results.push(await benchSize(lots, { log, progress: prog, quick }));
  const L = [];
  L.push('## Full traces from the trace catalogue (issue 16), SQLite');
  L.push('');
  L.push(
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}${quick ? ' (**--quick**: tiny sizes, not representative)' : ''}. ` +
      'Generated genealogy bulk-loaded into SQLite (`bench/src/fixtures/bulk-store.mjs`).',
  );
  for (const r of results) {
    L.push('');
    L.push(`### ${sizeLabel(r.lots)} lots (${int(r.nodes)} nodes, ${int(r.edges)} edges)`);
    L.push('');
    L.push(
      `\`Lotgraph.open()\` (genealogy pack into the index): ${fmtMs(r.open.median)} median (p95 ${fmtMs(r.open.p95)}); ` +
        `then the trace catalogue's fill, which the first full trace does (three bulk listings: lots, shipment lines, edges): ${fmtMs(r.catalogueLoad.median)} (p95 ${fmtMs(r.catalogueLoad.p95)}). ` +
        `Catalogue typed arrays: ${mb(r.typedBytes)}; process heap after open ${mb(r.heapUsed)}, rss ${mb(r.rss)}.`,
    );
    L.push('');
    L.push(
      '| query | sets | mean result (nodes) | full trace from the catalogue | full trace from store reads (before) | speed-up |',
    );
    L.push('|---|---:|---:|---:|---:|---:|');
    for (const q of r.rows) {
      L.push(
        `| ${q.name} | ${q.sets} | ${int(q.mean)} | ${fmtMs(q.catalogue.median)} (p95 ${fmtMs(q.catalogue.p95)}) | ` +
          `${fmtMs(q.store.median)} (p95 ${fmtMs(q.store.p95)}) | ${(q.store.median / q.catalogue.median).toFixed(1)}× |`,
      );
    }
  }
  L.push('');
  L.push(
    "Medians (p95 in brackets). Both columns are the sdk's `traceForward/traceBackward` on the same open index: " +
      '**catalogue** assembles lots, deliveries, customers and exact edge quantities from the in-memory catalogue ' +
      '(store reads left: products and parties for the few master records a trace touches, and for backward traces the ' +
      'production events); **store reads** reads lot rows, shipment lines and edges back from SQLite as before. The first ' +
      'set of every query was checked to give identical results. Not yet measured here: PostgreSQL / MariaDB, `lg.recall`.',
  );
  return L.join('\n');
}
