// scale suite (issue #15: set-based I/O, ingest at thousands of commands per second):
//  1. N processes writing to one database at once (PostgreSQL, then MariaDB): 8 child Node processes
//     (bench/src/workers/writer.mjs), each with its own store and Lotgraph, run receive → produce → ship on
//     lots of their own, one command per call and in batch()es of 20. Timed from the parent's `go` (all
//     workers opened) to the last exit; then checked: every acknowledged command's event is in the ledger
//     exactly once, seqs 1..head without gaps, nothing unacknowledged appended, `verifyLedger()` ok.
//  2. `lg.import` of a long generated history (default 1,000,000 commands; mostly receipts, with
//     productions and shipments mixed in) into SQLite, PostgreSQL and MariaDB: total time and events/s.
//
// Knobs (environment; run.mjs takes no suite-specific flags):
//   LOTGRAPH_SCALE_EVENTS            commands per import (default 1,000,000; --quick: 20,000)
//   LOTGRAPH_SCALE_CHUNK             lg.import chunk (default 1000)
//   LOTGRAPH_SCALE_IMPORT_STORES     e.g. "sqlite,postgres" (default sqlite,postgres,mysql)
//   LOTGRAPH_SCALE_IMPORT_SECONDS    time limit per import (default 1800; the import stops there, reported)
//   LOTGRAPH_SCALE_WRITERS           processes (default 8)
//   LOTGRAPH_SCALE_WRITER_COMMANDS   commands per process (default 400; --quick: 60)
//   LOTGRAPH_SCALE_WRITER_STORES     e.g. "postgres" (default postgres,mysql)
//   LOTGRAPH_SCALE_WRITER_SECONDS    time limit per writer process (default 120)
// Needs PostgreSQL and MariaDB as the stores suite (fixtures/targets.mjs); every run uses fresh schemas /
// databases and drops them.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Lotgraph } from '@lotgraph/sdk';
import { freshTarget, STORE_LABEL, serverVersions } from '../fixtures/targets.mjs';
import { gc, int, silentProgress } from '../format.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const WRITER = path.join(here, '..', 'workers', 'writer.mjs');
const envInt = (name, fallback) => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${v}: expected a positive integer`);
  return n;
};
const envList = (name, fallback) =>
  process.env[name] ? process.env[name].split(',').filter(Boolean) : fallback;

/** Targets of issue #15. */
const WRITERS_TARGET = 2000;

/** Master data every scale test writes first. */
const SETUP = [
  { command: 'defineProduct', input: { id: 'flour', name: 'Flour', unit: 'kg', decimals: 3 } },
  { command: 'defineProduct', input: { id: 'bread', name: 'Bread', unit: 'pc', decimals: 0 } },
  { command: 'defineLocation', input: { id: 'WH', site: 'plant' } },
  { command: 'defineParty', input: { id: 'mill', name: 'Mill', roles: ['supplier'] } },
  { command: 'defineParty', input: { id: 'shop', name: 'Shop', roles: ['customer'] } },
];

// ---------------------------------------------------------------------------------------------------------
// 1. N processes, one database

/** Spawn one writer; resolves its handle at once. Lines are parsed as they come. */
function spawnWriter(cfg, onLine) {
  const child = spawn(process.execPath, [WRITER, JSON.stringify(cfg)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const w = { child, acks: [], stderr: '', done: undefined, exit: undefined, exitAt: 0 };
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('ack ')) w.acks.push(line.slice(4));
    else if (line.startsWith('done ')) w.done = line;
    onLine(w, line);
  });
  child.stderr.on('data', (d) => {
    if (w.stderr.length < 20_000) w.stderr += d;
  });
  w.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      w.exitAt = performance.now();
      w.exit = signal ? signal : code;
      resolve();
    });
  });
  return w;
}

/** Resolve when `pred()` holds (checked on every line), or reject after `ms`. */
function until(pred, ms, what) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      if (pred()) return resolve();
      if (Date.now() - t0 > ms) return reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

/** Read the whole ledger: seq gaps, how often each idempotency key occurs. */
async function ledgerCensus(store) {
  const keys = new Map();
  let expected = 1;
  let gaps = 0;
  for (;;) {
    const page = await store.readEvents(expected, 10_000);
    if (page.length === 0) break;
    for (const e of page) {
      if (e.seq !== expected) gaps++;
      expected = e.seq + 1;
      keys.set(e.idempotencyKey, (keys.get(e.idempotencyKey) ?? 0) + 1);
    }
  }
  return { events: expected - 1, gaps, keys };
}

export async function concurrentWriters(kind, { writers, count, batch, seconds, log }) {
  const label = `scale writers ${kind} ${writers}×${count}${batch > 1 ? ` batch ${batch}` : ''}`;
  const target = await freshTarget(kind, 'mp');
  try {
    // Master data, once, by the parent (and the schema / tables, so the workers do not race to migrate).
    {
      const store = await target.open({ max: 2 });
      const lg = await Lotgraph.open({ store, actor: 'bench-parent' });
      await lg.batch(SETUP);
      await lg.close();
      await store.close();
    }
    const prefix = `mp${Date.now().toString(36)}`;
    const tSpawn = performance.now();
    let ready = 0;
    const ws = [];
    for (let i = 0; i < writers; i++) {
      ws.push(
        spawnWriter({ store: target.cfg, worker: i, prefix, count, batch, seconds }, (_w, line) => {
          if (line === 'ready') ready++;
        }),
      );
    }
    let tGo = 0;
    try {
      await until(
        () => ready === writers || ws.some((w) => w.exit !== undefined),
        120_000,
        `${writers} writers ready`,
      );
      if (ready !== writers) throw new Error('a writer exited before it was ready');
      tGo = performance.now();
      for (const w of ws) w.child.stdin.end('go\n');
      // Bounded: each writer stops itself after `seconds`; kill what is still running 60 s later.
      const killer = setTimeout(
        () => {
          for (const w of ws) if (w.exit === undefined) w.child.kill('SIGKILL');
        },
        (seconds + 60) * 1000,
      );
      await Promise.all(ws.map((w) => w.exited));
      clearTimeout(killer);
    } catch (e) {
      for (const w of ws) if (w.exit === undefined) w.child.kill('SIGKILL');
      await Promise.all(ws.map((w) => w.exited));
      const err = ws.map((w) => w.stderr.trim()).filter(Boolean);
      throw new Error(`${label}: ${e.message}${err.length ? `\n${err.join('\n')}` : ''}`);
    }
    const tEnd = Math.max(...ws.map((w) => w.exitAt));
    const acked = ws.reduce((n, w) => n + w.acks.length, 0);
    const secs = (tEnd - tGo) / 1000;
    const wallSecs = (tEnd - tSpawn) / 1000;
    const failed = ws.filter((w) => w.exit !== 0);
    for (const w of failed)
      log(`${label}: writer exited with ${w.exit}: ${w.stderr.trim().split('\n').slice(0, 6).join(' | ')}`);

    // Checks, from a fresh store and Lotgraph.
    const store = await target.open({ max: 2 });
    try {
      const lg = await Lotgraph.open({ store });
      const head = await store.head();
      const census = await ledgerCensus(store);
      const ackedKeys = new Set(ws.flatMap((w) => w.acks));
      let missing = 0;
      let duplicated = 0;
      for (const k of ackedKeys) {
        const n = census.keys.get(k) ?? 0;
        if (n === 0) missing++;
        else if (n > 1) duplicated++;
      }
      // Events of the workers that no worker acknowledged (only possible when one died mid-command).
      let unacked = 0;
      for (const k of census.keys.keys()) if (k.startsWith(`${prefix}-`) && !ackedKeys.has(k)) unacked++;
      // Spot check through the store's own lookup too.
      const sample = [...ackedKeys].filter((_, i) => i % 97 === 0);
      let lookupMisses = 0;
      for (const k of sample) if (!(await store.findEventByIdempotencyKey(k))) lookupMisses++;
      const verify = await lg.verifyLedger();
      await lg.close();
      const r = {
        kind,
        writers,
        count,
        batch,
        acked,
        expected: writers * count,
        secs,
        wallSecs,
        rate: acked / secs,
        wallRate: acked / wallSecs,
        exitCodes: ws.map((w) => w.exit),
        headSeq: head.seq,
        events: census.events,
        gaps: census.gaps,
        duplicateAcks: ackedKeys.size !== acked,
        missing,
        duplicated,
        unacked,
        lookupMisses,
        verifyOk: verify.ok,
        verifyDetail: verify.ok ? '' : `seq ${verify.seq}: ${verify.reason}`,
      };
      r.ok =
        failed.length === 0 &&
        r.acked === r.expected &&
        !r.duplicateAcks &&
        r.missing === 0 &&
        r.duplicated === 0 &&
        r.unacked === 0 &&
        r.lookupMisses === 0 &&
        r.gaps === 0 &&
        r.headSeq === r.events &&
        r.events === SETUP.length + r.acked &&
        r.verifyOk;
      log(
        `${label}: ${int(acked)} commands in ${secs.toFixed(2)} s = ${int(r.rate)} commands/s ` +
          `(spawn → exit ${int(r.wallRate)}/s); checks ${r.ok ? 'ok' : 'FAILED'} ` +
          `(head ${head.seq}, events ${census.events}, gaps ${census.gaps}, missing ${missing}, dup ${duplicated}, ` +
          `unacked ${unacked}, verifyLedger ${verify.ok ? 'ok' : r.verifyDetail})`,
      );
      return r;
    } finally {
      await store.close();
    }
  } finally {
    await target.drop();
  }
}

// ---------------------------------------------------------------------------------------------------------
// 2. lg.import of a long history

const MINUTE = 60_000;
const T0 = Date.parse('2020-01-01T00:00:00Z');

/**
 * `total` commands in the batch shape, generated lazily: the master data, then cycles of 10 — eight receipts
 * of distinct flour lots, one production consuming two of them into a bread lot, one shipment of that bread.
 * Every command has a stable idempotency key (as an ERP migration would: the document number) and an event
 * time a minute after the previous one. Stops early (sets `state.stopped`) when `deadline` passes.
 */
async function* history(total, state, deadline) {
  let i = 0;
  const at = () => new Date(T0 + i * MINUTE).toISOString();
  for (const c of SETUP) {
    if (i >= total) return;
    yield c;
    i++;
  }
  for (let c = 0; ; c++) {
    for (let k = 0; k < 10; k++) {
      if (i >= total) return;
      if ((i & 1023) === 0 && performance.now() > deadline) {
        state.stopped = true;
        return;
      }
      const idempotencyKey = `IMP-${i}`;
      const eventTime = at();
      if (k < 8) {
        yield {
          command: 'receive',
          input: {
            idempotencyKey,
            eventTime,
            lotId: `R${c * 8 + k}`,
            productId: 'flour',
            supplierId: 'mill',
            locationId: 'WH',
            quantity: '1000.000',
            receiptId: `GRN-${c * 8 + k}`,
          },
        };
      } else if (k === 8) {
        yield {
          command: 'produce',
          input: {
            idempotencyKey,
            eventTime,
            orderId: `MO-${c}`,
            inputs: [
              { lotId: `R${c * 8}`, locationId: 'WH', quantity: '10.000' },
              { lotId: `R${c * 8 + 1}`, locationId: 'WH', quantity: '8.500' },
            ],
            outputs: [{ lotId: `B${c}`, productId: 'bread', locationId: 'WH', quantity: '30' }],
          },
        };
      } else {
        yield {
          command: 'ship',
          input: {
            idempotencyKey,
            eventTime,
            shipmentId: `SH-${c}`,
            customerId: 'shop',
            lines: [{ lotId: `B${c}`, locationId: 'WH', quantity: '12' }],
          },
        };
      }
      i++;
    }
  }
}

export async function importInto(kind, { total, chunk, seconds, log, progress }) {
  const label = `scale import ${kind}`;
  const target = await freshTarget(kind, 'imp');
  try {
    const store = await target.open();
    try {
      const lg = await Lotgraph.open({ store, actor: 'bench-import' });
      const state = { stopped: false };
      const p = progress(`${label}: ${int(total)} commands, chunk ${chunk}`);
      let tenth = 0;
      // Events/s of each tenth of the import (does the rate hold as the tables grow?).
      const tenths = [];
      let mark = { t: 0, events: 0 };
      const t0 = performance.now();
      const result = await lg.import(history(total, state, t0 + seconds * 1000), {
        chunk,
        onProgress: (x) => {
          const f = x.commands / total;
          p(f);
          if (Math.floor(f * 10) > tenth) {
            tenth = Math.floor(f * 10);
            const now = performance.now() - t0;
            tenths.push(((x.events - mark.events) / (now - mark.t)) * 1000);
            mark = { t: now, events: x.events };
            log(
              `${label}: ${int(x.commands)} commands, ${(now / 1000).toFixed(1)} s, ${int((x.events / now) * 1000)} events/s so far, ` +
                `${int(tenths.at(-1))} in the last stretch`,
            );
          }
        },
      });
      const secs = (performance.now() - t0) / 1000;
      p.done();
      const head = await store.head();
      const tv = performance.now();
      const verify = await lg.verifyLedger();
      const verifySecs = (performance.now() - tv) / 1000;
      await lg.close();
      const r = {
        kind,
        total,
        chunk,
        commands: result.commands,
        events: result.events,
        replayed: result.replayed,
        chunks: result.chunks,
        secs,
        rate: result.events / secs,
        headSeq: head.seq,
        stopped: state.stopped,
        firstTenth: tenths[0],
        lastTenth: tenths.length > 1 ? tenths.at(-1) : undefined,
        verifyOk: verify.ok,
        verifySecs,
      };
      r.ok = !r.stopped && r.events === total && r.headSeq === total && r.replayed === 0 && r.verifyOk;
      log(
        `${label}: ${int(r.events)} events in ${secs.toFixed(1)} s = ${int(r.rate)} events/s; head ${head.seq}; ` +
          `verifyLedger ${verify.ok ? 'ok' : `FAILED at seq ${verify.seq}: ${verify.reason}`} (${verifySecs.toFixed(1)} s)` +
          `${r.stopped ? `; STOPPED at the ${seconds} s limit` : ''}`,
      );
      return r;
    } finally {
      await store.close().catch(() => undefined);
    }
  } finally {
    await target.drop();
  }
}

// ---------------------------------------------------------------------------------------------------------

export async function run({ quick = false, log = () => {}, progress }) {
  const prog = progress ?? silentProgress;
  const versions = await serverVersions();
  const writers = envInt('LOTGRAPH_SCALE_WRITERS', 8);
  const count = envInt('LOTGRAPH_SCALE_WRITER_COMMANDS', quick ? 60 : 400);
  const writerSeconds = envInt('LOTGRAPH_SCALE_WRITER_SECONDS', 120);
  const writerStores = envList('LOTGRAPH_SCALE_WRITER_STORES', ['postgres', 'mysql']);
  const total = envInt('LOTGRAPH_SCALE_EVENTS', quick ? 20_000 : 1_000_000);
  const chunk = envInt('LOTGRAPH_SCALE_CHUNK', 1000);
  const importSeconds = envInt('LOTGRAPH_SCALE_IMPORT_SECONDS', 1800);
  const importStores = envList('LOTGRAPH_SCALE_IMPORT_STORES', ['sqlite', 'postgres', 'mysql']);

  const mp = [];
  for (const kind of writerStores) {
    for (const batch of [1, 20]) {
      // The same worker alone first: what one process does, for scale.
      for (const n of writers > 1 ? [1, writers] : [writers]) {
        mp.push(await concurrentWriters(kind, { writers: n, count, batch, seconds: writerSeconds, log }));
        gc();
      }
    }
  }
  const imports = [];
  for (const kind of importStores) {
    imports.push(await importInto(kind, { total, chunk, seconds: importSeconds, log, progress: prog }));
    gc();
  }

  const L = [];
  L.push('## scale: concurrent writers and bulk import');
  L.push('');
  L.push(
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}${quick ? ' (**--quick**: small counts, not representative)' : ''}; ` +
      `${versions.postgres} and ${versions.mysql} on the same machine (127.0.0.1, default configuration), SQLite file ` +
      '(WAL, `synchronous = FULL`) in the OS temp dir. The writer processes, the database server and this process ' +
      'share the 2 cores.',
  );
  L.push('');
  L.push(`### ${writers} processes writing to one database`);
  L.push('');
  L.push(
    `Each process (\`bench/src/workers/writer.mjs\`) opens its own store (pool of 2) and Lotgraph and runs ${int(count)} ` +
      'commands — receive → produce → ship on lots of its own — one command per call or in `batch()`es of 20, printing ' +
      '`ack <idempotencyKey>` when each resolves. **commands/s** counts acknowledged commands from the moment every ' +
      "process had opened (the parent's `go`) to the last exit; **incl. start-up** from the first spawn (Node start, store " +
      'open, index load). Checks: every acknowledged key in the ledger exactly once (a full `readEvents` scan, plus ' +
      '`findEventByIdempotencyKey` on a sample), no events nobody acknowledged, seqs 1 … head without gaps, ' +
      `\`verifyLedger()\` ok. Target: ≥ ${int(WRITERS_TARGET)} commands/s in total, nothing lost. The 1-process rows ` +
      '(baseline) run the same worker alone, for comparison.',
  );
  L.push('');
  L.push(
    '| store | mode | processes | commands (acked / planned) | time | commands/s | incl. start-up | target | met? | ledger checks |',
  );
  L.push('|---|---|---:|---:|---:|---:|---:|---:|:---:|---|');
  for (const r of mp) {
    const baseline = r.writers === 1 && writers > 1;
    const checks = r.ok
      ? `ok (head ${int(r.headSeq)}, no gaps, each ack once, verifyLedger ok)`
      : `**FAILED**: exit codes ${r.exitCodes.join(',')}; head ${r.headSeq}, events ${r.events}, gaps ${r.gaps}, missing ${r.missing}, ` +
        `duplicated ${r.duplicated}, unacked ${r.unacked}, lookup misses ${r.lookupMisses}, verifyLedger ${r.verifyOk ? 'ok' : r.verifyDetail}`;
    L.push(
      `| ${STORE_LABEL[r.kind]} | ${r.batch > 1 ? `\`batch()\` of ${r.batch}` : 'one command per call'} | ${r.writers}${baseline ? ' (baseline)' : ''} | ` +
        `${int(r.acked)} / ${int(r.expected)} | ${r.secs.toFixed(2)} s | ${baseline ? int(r.rate) : `**${int(r.rate)}**`} | ${int(r.wallRate)} | ` +
        `${baseline ? '—' : `≥ ${int(WRITERS_TARGET)}`} | ${baseline ? '—' : r.ok && r.rate >= WRITERS_TARGET ? 'yes' : '**no**'} | ${checks} |`,
    );
  }
  L.push('');
  L.push(`### \`lg.import\` of ${int(total)} commands`);
  L.push('');
  L.push(
    'A generated history, streamed from an async generator: master data, then cycles of ten commands — eight `receive` ' +
      '(distinct lots), one `produce` (two of them → a bread lot), one `ship` (of that lot) — each with an idempotency ' +
      `key and an event time. \`lg.import(source, { chunk: ${chunk} })\`: one transaction per chunk. One event per command. ` +
      'Time is the import alone; **first 10 % → last 10 %** are the events/s of the first and the last tenth of the ' +
      'commands (whether the rate holds as the tables grow); `verifyLedger()` afterwards (re-hashing every event) is ' +
      'listed separately.',
  );
  L.push('');
  L.push(
    '| store | events | chunks | time | events/s | first 10 % → last 10 % | head | verifyLedger | result |',
  );
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of imports) {
    L.push(
      `| ${STORE_LABEL[r.kind]} | ${int(r.events)} | ${int(r.chunks)} | ${r.secs.toFixed(1)} s | **${int(r.rate)}** | ` +
        `${r.firstTenth === undefined ? '—' : int(r.firstTenth)} → ${r.lastTenth === undefined ? '—' : int(r.lastTenth)} | ${int(r.headSeq)} | ` +
        `${r.verifyOk ? 'ok' : '**FAILED**'} (${r.verifySecs.toFixed(1)} s) | ${r.ok ? 'ok' : r.stopped ? '**stopped at the time limit**' : '**FAILED**'} |`,
    );
  }
  const bad = [...mp, ...imports].filter((r) => !r.ok);
  if (bad.length > 0) {
    // Still write the results (they say what failed), but let the run exit non-zero.
    log(
      `scale: ${bad.length} run(s) FAILED their checks: ${bad.map((r) => `${r.kind}${r.batch ? `/${r.batch}` : ''}`).join(', ')}`,
    );
    process.exitCode = 1;
  }
  return L.join('\n');
}
