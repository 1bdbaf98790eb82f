// serials suite (issue 18): item-level serials and SSCC logistic units through the sdk.
//  1. Commission: N serials (default 1M; the largest of --sizes; --quick 10k) into N/100 lots of one GTIN, as
//     `commissionSerials` commands with numbered ranges (100 serials per lot), through `lg.batch` with 1, 10
//     and 100 commands per transaction, each on a fresh store. Time and serials/s; receipts are not timed.
//  2. Look-up: `lg.serials.get(gtin, serial)` of 1,000 random serials (--quick 200; lot, state, units, history):
//     median and p95.
//  3. Ship a pallet: an SSCC pallet of 20 cases × 120 serials (2,400 serials from 24 lots) shipped whole by
//     `lg.ship({ units: [pallet] })` in one command; median of 7 pallets (--quick 2) after one warm-up, each built fresh.
//  4. Storage: the memory store's heap growth per commissioned serial (rows, indexes and events); for SQLite the
//     database file's growth per serial (after a WAL checkpoint).
// Each (store, batch size) runs in a child process of its own (this module with `--one`).
// Stores: MemoryStore, and SQLite / PostgreSQL when their serial tables exist — each is probed with one tiny
// commission first and reported as skipped (with the reason) when it cannot store serials yet.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PostgresStore } from '@lotgraph/adapters/postgres';
import { SqliteStore } from '@lotgraph/adapters/sqlite';
import { gs1CheckDigit } from '@lotgraph/gs1';
import { Lotgraph, MemoryStore } from '@lotgraph/sdk';
import { PG_URL } from '../fixtures/targets.mjs';
import { fmtMs, gc, int, mb, silentProgress, stats } from '../format.mjs';
import { childMain, isolated } from '../isolated.mjs';

const GTIN = '09506000134352';
const PER_LOT = 100;
/** Commands per lg.batch in the commission runs (100 serials each). */
const BATCHES = [1, 10, 100];
const CASES = 20;
const PER_CASE = 120; // 20 × 120 = 2,400 serials per pallet
/** Issue 18 targets. */
const TARGET = { rate: 100_000, lookupMs: 1, shipMs: 50, bytes: 40 };

const sscc = (ref) => {
  const base = `0614141${String(ref).padStart(10, '0')}`;
  return `${base}${gs1CheckDigit(base)}`;
};
const lotId = (i) => `L${String(i).padStart(6, '0')}`;
/** Serial k (0-based) of lot i: numbered ranges, 10 digits, unique across lots. */
const serialOf = (i, k) => String(i * PER_LOT + k + 1).padStart(10, '0');

/** A fresh store of `kind` and its cleanup; `bytes()` = on-disk size (SQLite), undefined elsewhere. */
async function openTarget(kind) {
  if (kind === 'memory') return { store: new MemoryStore(), drop: async () => {}, bytes: () => undefined };
  if (kind === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-bench-serials-'));
    const filename = path.join(dir, 'serials.db');
    const store = SqliteStore.open({ filename, synchronous: 'FULL' });
    return {
      store,
      drop: async () => {
        await store.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
      bytes: () => {
        store.db.pragma('wal_checkpoint(TRUNCATE)');
        let n = statSync(filename).size;
        for (const s of ['-wal', '-shm']) n += statSync(filename + s, { throwIfNoEntry: false })?.size ?? 0;
        return n;
      },
    };
  }
  const schema = `lgbench_serials_${Date.now().toString(36)}`;
  const store = await PostgresStore.open({ connectionString: PG_URL, schema });
  return {
    store,
    drop: async () => {
      await store.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await store.close().catch(() => undefined);
    },
    bytes: () => undefined,
  };
}

async function openLg(store) {
  let t = 1_780_000_000_000;
  const lg = await Lotgraph.open({
    store,
    actor: 'bench',
    clock: () => {
      t += 1000;
      return new Date(t);
    },
  });
  await lg.batch([
    { command: 'defineProduct', input: { id: 'pack', name: 'Pack', unit: 'pack', decimals: 0, gtin: GTIN } },
    { command: 'defineParty', input: { id: 'maker', name: 'Maker', roles: ['supplier'] } },
    { command: 'defineParty', input: { id: 'pharmacy', name: 'Pharmacy', roles: ['customer'] } },
    { command: 'defineLocation', input: { id: 'WH', site: 'dc' } },
  ]);
  return lg;
}

/** Can this store keep serials? `undefined` if yes, else the reason. */
async function probe(kind) {
  let target;
  try {
    target = await openTarget(kind);
    const lg = await openLg(target.store);
    await lg.receive({
      lotId: 'P1',
      productId: 'pack',
      supplierId: 'maker',
      locationId: 'WH',
      quantity: '2',
    });
    await lg.serials.commission({ lotId: 'P1', locationId: 'WH', range: { start: 1, count: 2 } });
    await lg.serials.get(GTIN, '1');
    await lg.close();
    return undefined;
  } catch (e) {
    return String(e?.message ?? e)
      .split('\n')[0]
      .slice(0, 120);
  } finally {
    await target?.drop();
  }
}

async function benchStore(kind, total, batch, { log, progress, quick, full }) {
  const lots = Math.ceil(total / PER_LOT);
  // The first pallet warms the code paths up and is not counted.
  const pallets = full ? (quick ? 3 : 8) : 0;
  const target = await openTarget(kind);
  const label = `serials ${kind} (batch ${batch})`;
  try {
    const lg = await openLg(target.store);
    // Receipts (not timed): every lot's packs, plus 24 lots per pallet for the ship measurement.
    const palletLots = Math.ceil((CASES * PER_CASE) / PER_LOT);
    const extra = pallets * palletLots;
    let p = progress(`${label}: receive ${int(lots + extra)} lots`);
    for (let i = 0; i < lots + extra; i += 1000) {
      const cmds = [];
      for (let j = i; j < Math.min(lots + extra, i + 1000); j++)
        cmds.push({
          command: 'receive',
          input: {
            lotId: lotId(j),
            productId: 'pack',
            supplierId: 'maker',
            locationId: 'WH',
            quantity: String(PER_LOT),
          },
        });
      await lg.batch(cmds);
      p((i + 1000) / (lots + extra));
    }
    p.done();
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    const bytes0 = target.bytes();

    // 1. Commission.
    p = progress(`${label}: commission ${int(lots * PER_LOT)} serials`);
    const t0 = performance.now();
    for (let i = 0; i < lots; i += batch) {
      const cmds = [];
      for (let j = i; j < Math.min(lots, i + batch); j++)
        cmds.push({
          command: 'commissionSerials',
          input: {
            lotId: lotId(j),
            locationId: 'WH',
            range: { start: j * PER_LOT + 1, count: PER_LOT, width: 10 },
          },
        });
      await lg.batch(cmds);
      p((i + batch) / lots);
    }
    const commissionSecs = (performance.now() - t0) / 1000;
    p.done();
    const serials = lots * PER_LOT;
    gc();
    const heapPerSerial = kind === 'memory' ? (process.memoryUsage().heapUsed - heap0) / serials : undefined;
    const bytes1 = target.bytes();
    const diskPerSerial = bytes1 !== undefined ? (bytes1 - bytes0) / serials : undefined;
    log(
      `${label}: ${int(serials)} serials in ${commissionSecs.toFixed(1)} s (${int(serials / commissionSecs)}/s)`,
    );

    if (!full) {
      await lg.close();
      return {
        kind,
        batch,
        lots,
        serials,
        commissionSecs,
        rate: serials / commissionSecs,
        heapPerSerial,
        diskPerSerial,
        dbBytes: bytes1,
      };
    }
    // 2. Look-ups of random serials (a fixed-seed LCG so runs are comparable).
    let seed = 12345;
    const rnd = (n) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const lookups = quick ? 200 : 1000;
    for (let w = 0; w < 50; w++) await lg.serials.get(GTIN, serialOf(rnd(lots), rnd(PER_LOT)));
    const lookupMs = [];
    for (let q = 0; q < lookups; q++) {
      const i = rnd(lots);
      const s = serialOf(i, rnd(PER_LOT));
      const t = performance.now();
      const info = await lg.serials.get(GTIN, s);
      lookupMs.push(performance.now() - t);
      if (info.lotId !== lotId(i)) throw new Error(`lookup ${s}: lot ${info.lotId}, expected ${lotId(i)}`);
    }

    // 3. Pallets of 20 cases × 120 serials, each shipped whole by its SSCC.
    const shipMs = [];
    let unitRef = 1;
    for (let k = 0; k < pallets; k++) {
      const first = lots + k * palletLots;
      const cmds = [];
      for (let j = first; j < first + palletLots; j++)
        cmds.push({
          command: 'commissionSerials',
          input: {
            lotId: lotId(j),
            locationId: 'WH',
            range: { prefix: 'P', start: j * PER_LOT + 1, count: PER_LOT, width: 10 },
          },
        });
      await lg.batch(cmds);
      const palletSerials = [];
      for (let j = first; j < first + palletLots; j++)
        for (let n = 0; n < PER_LOT; n++) palletSerials.push({ gtin: GTIN, serial: `P${serialOf(j, n)}` });
      const cases = [];
      const packs = [];
      for (let c = 0; c < CASES; c++) {
        const id = sscc(unitRef++);
        cases.push(id);
        packs.push({
          command: 'pack',
          input: {
            unitId: id,
            kind: 'case',
            locationId: 'WH',
            serials: palletSerials.slice(c * PER_CASE, (c + 1) * PER_CASE),
          },
        });
      }
      const pallet = sscc(unitRef++);
      packs.push({ command: 'pack', input: { unitId: pallet, kind: 'pallet', units: cases } });
      await lg.batch(packs);
      gc();
      const t = performance.now();
      const e = await lg.ship({ shipmentId: `SH${k}`, customerId: 'pharmacy', units: [pallet] });
      if (k > 0) shipMs.push(performance.now() - t);
      const shipped = e.payload.lines.reduce((n, l) => n + (l.serials?.length ?? 0), 0);
      if (shipped !== CASES * PER_CASE) throw new Error(`pallet ${pallet}: ${shipped} serials shipped`);
    }
    log(`${label}: ship pallet ${shipMs.map(fmtMs).join(', ')}`);
    await lg.close();
    return {
      kind,
      batch,
      lots,
      serials,
      commissionSecs,
      rate: serials / commissionSecs,
      lookup: stats(lookupMs),
      ship: { ...stats(shipMs), max: Math.max(...shipMs) },
      heapPerSerial,
      diskPerSerial,
      dbBytes: bytes1,
    };
  } finally {
    await target.drop();
  }
}

const LABEL = { memory: 'MemoryStore', sqlite: 'SQLite (FULL)', postgres: 'PostgreSQL' };
const ok = (met) => (met ? 'met' : '**missed**');

/** {@link benchStore} in a child process of its own (see `isolated.mjs`); its log lines are passed on. */
const isolatedStore = (kind, total, batch, { log, quick, full = false }) =>
  isolated(
    import.meta.url,
    'one',
    { kind, total, batch, quick, full },
    { log, nodeArgs: ['--max-old-space-size=8192'] },
  );

export async function run({ sizes, quick, log = () => {} }) {
  const total = quick ? 10_000 : Math.max(...sizes);
  const full = [];
  const commission = [];
  const skipped = [];
  for (const kind of ['memory', 'sqlite', 'postgres']) {
    const why = kind === 'memory' ? undefined : await probe(kind);
    if (why !== undefined) {
      log(`serials ${kind}: skipped (${why})`);
      skipped.push(`${LABEL[kind]}: ${why}`);
      continue;
    }
    // Look-ups and pallets on the store filled one command per transaction; then the same commissioning in
    // bigger transactions, each on a fresh store.
    // Each measurement in a process of its own: a run's heap (a MemoryStore of 1M serials, or the garbage of
    // big batches) would otherwise slow the garbage collection of the runs after it.
    const r = await isolatedStore(kind, total, BATCHES[0], { log, quick, full: true });
    full.push(r);
    commission.push(r);
    for (const b of BATCHES.slice(1)) commission.push(await isolatedStore(kind, total, b, { log, quick }));
  }
  const date = new Date().toISOString().slice(0, 10);
  const lines = [
    '## serials: commission, look-up and pallet shipping of item-level serials (issue 18)',
    '',
    `Node ${process.version}, ${process.platform}/${process.arch}, ${date}. Through the sdk: ${int(total)} serials (one GTIN) ` +
      `into ${int(total / PER_LOT)} lots of ${PER_LOT}, as \`commissionSerials\` commands with a numbered range each, ` +
      'through `lg.batch` with 1, 10 or 100 commands (100 – 10,000 serials) per transaction, each on a fresh store; ' +
      'the lots were received before (not timed).' +
      (quick ? ' **Quick run (small size): not the reference numbers.**' : ''),
    '',
    '| store | serials | commands per `lg.batch` | commission | serials/s (target ≥ 100k on SQLite) | storage per serial |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of commission) {
    const storage =
      r.diskPerSerial !== undefined
        ? `${r.diskPerSerial.toFixed(0)} B on disk (file ${mb(r.dbBytes)})`
        : r.heapPerSerial !== undefined
          ? `${r.heapPerSerial.toFixed(0)} B heap`
          : '—';
    lines.push(
      `| ${LABEL[r.kind]} | ${int(r.serials)} | ${r.batch} | ${r.commissionSecs.toFixed(1)} s | ${int(r.rate)}${r.kind === 'sqlite' ? ` (${ok(r.rate >= TARGET.rate)})` : ''} | ${storage} |`,
    );
  }
  lines.push(
    '',
    `Look-up: \`lg.serials.get(gtin, serial)\` (lot, state, units, history) of random serials among the ${int(total)}. ` +
      `Ship: \`lg.ship({ units: [pallet] })\` of an SSCC pallet of ${CASES} cases × ${PER_CASE} serials ` +
      `(${int(CASES * PER_CASE)} serials of ${Math.ceil((CASES * PER_CASE) / PER_LOT)} lots) in one command, each pallet built fresh on the same store.`,
    '',
    '| store | look-up median | p95 (target ≤ 1 ms) | ship pallet median (target ≤ 50 ms) | max |',
    '|---|---:|---:|---:|---:|',
  );
  for (const r of full)
    lines.push(
      `| ${LABEL[r.kind]} | ${fmtMs(r.lookup.median)} | ${fmtMs(r.lookup.p95)} (${ok(r.lookup.p95 <= TARGET.lookupMs)}; n=${r.lookup.n}) | ` +
        `${fmtMs(r.ship.median)} (${ok(r.ship.median <= TARGET.shipMs)}; n=${r.ship.n}) | ${fmtMs(r.ship.max)} |`,
    );
  if (skipped.length) {
    lines.push(
      '',
      'Skipped (the store cannot keep serials yet; probed with one small commission through the sdk):',
    );
    for (const s of skipped) lines.push(`- ${s}`);
  }
  lines.push(
    '',
    'Storage: the ≤ 40 B per serial target is for an in-memory index; none is kept (serials are read from the store). ' +
      "The MemoryStore figure is the heap growth of the whole store per serial (serial rows, their by-lot / unit / shipment indexes and the commissioning events), for reference; SQLite's is the database file's growth after a WAL checkpoint.",
  );
  return lines.join('\n');
}

// The child side of isolatedStore (last: everything above is defined by then).
await childMain('one', ({ kind, total, batch, quick, full }) =>
  benchStore(kind, total, batch, { log: (l) => console.log(l), progress: silentProgress, quick, full }),
);
