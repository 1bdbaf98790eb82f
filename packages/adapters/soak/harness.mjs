// The soak and fault suite's experiments, shared by `npm run soak` (full size) and the CI-sized test
// (packages/adapters/test/soak.test.ts). Loopback only; every loop is bounded in count and time.
// Each experiment returns figures and the invariants it checked; it never hides a failure.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MysqlStore } from '@lotgraph/adapters/mysql';
import { PostgresStore } from '@lotgraph/adapters/postgres';
import { SqliteStore } from '@lotgraph/adapters/sqlite';
import { Lotgraph } from '@lotgraph/sdk';
import mysql from 'mysql2/promise';
import pg from 'pg';

const WRITER = fileURLToPath(new URL('./writer.mjs', import.meta.url));
export const PG_URL = process.env.LOTGRAPH_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env.LOTGRAPH_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** A store target: how a writer process opens it, and how the harness opens and drops it. */
export function sqliteTarget(tag) {
  const dir = mkdtempSync(path.join(tmpdir(), `lotgraph-soak-${tag}-`));
  const filename = path.join(dir, 'soak.db');
  return {
    name: 'sqlite',
    cfg: { store: 'sqlite', filename },
    open: () => SqliteStore.open({ filename }),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function postgresTarget(tag) {
  const schema = `lgsoak_${tag}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  // The writers' connections carry an application_name, so fault injection kills only them.
  const app = `lgsoak-${schema}`.slice(0, 63);
  const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}application_name=${app}`;
  return {
    name: 'postgres',
    schema,
    app,
    cfg: { store: 'postgres', url, schema },
    open: () => PostgresStore.open({ connectionString: PG_URL, schema, max: 3 }),
    drop: async () => (await PostgresStore.open({ connectionString: PG_URL, schema, max: 1 })).dropSchema(),
  };
}

export function mysqlTarget(tag) {
  const database = `lgsoak_${tag}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const u = new URL(MYSQL_URL);
  u.pathname = `/${database}`;
  const url = u.toString();
  const admin = () => mysql.createConnection({ uri: MYSQL_URL });
  let created;
  return {
    name: 'mysql',
    cfg: { store: 'mysql', url },
    open: async () => {
      created ??= (async () => {
        const c = await admin();
        await c.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4`);
        await c.end();
      })();
      await created;
      return MysqlStore.open({ uri: url, max: 3 });
    },
    drop: async () => {
      const c = await admin();
      await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await c.end();
    },
  };
}

/** Master data and stock the experiments start from. */
export async function setUp(target, { lots = 8, kgPerLot = '100000' } = {}) {
  const store = await target.open();
  const lg = await Lotgraph.open({ store });
  await lg.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3 });
  await lg.defineProduct({ id: 'bread', name: 'Bread', unit: 'pc', decimals: 0 });
  await lg.defineLocation({ id: 'WH', site: 'plant' });
  for (let i = 0; i < lots; i++)
    await lg.receive({
      lotId: `S${i}`,
      productId: 'flour',
      locationId: 'WH',
      quantity: kgPerLot,
      expiry: '2030-01-01',
    });
  await lg.close();
  await store.close();
}

/** Spawn one writer; collect its lines. */
export function spawnWriter(cfg) {
  const child = spawn(process.execPath, [WRITER, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acks = [];
  const errors = [];
  const notes = [];
  let stats;
  let done = false;
  let stderr = '';
  let buf = '';
  const listeners = [];
  child.stdout.on('data', (d) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.startsWith('ack ')) {
        const [, key, ms] = line.split(' ');
        acks.push({ key, ms: Number(ms) });
      } else if (line.startsWith('err ')) errors.push(line.slice(4));
      else if (line.startsWith('stats ')) stats = JSON.parse(line.slice(6));
      else if (line === 'done') done = true;
      else notes.push(line);
      for (const f of listeners) f(line);
    }
  });
  child.stderr.on('data', (d) => {
    stderr += d.toString();
  });
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    acks,
    errors,
    notes,
    onLine: (f) => listeners.push(f),
    exit,
    result: async () => ({ ...(await exit), stats, done, stderr }),
  };
}

const quantile = (sorted, q) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;

/** Every acknowledged key is in the ledger, seqs are contiguous, the ledger verifies. */
export async function checkLedger(target, ackedKeys) {
  const store = await target.open();
  try {
    const lg = await Lotgraph.open({ store });
    const missing = [];
    for (const key of ackedKeys) if (!(await store.findEventByIdempotencyKey(key))) missing.push(key);
    const events = await store.readEvents(1);
    const gaps = events.filter((e, i) => e.seq !== i + 1).length;
    const verification = await lg.verifyLedger();
    const active = await store.listReservations({ status: 'active' });
    const oversold = [];
    for (const lotId of new Set(active.map((r) => r.lotId))) {
      const reserved = active.filter((r) => r.lotId === lotId).reduce((a, r) => a + r.quantity, 0n);
      const onHand = await store.getStock(lotId, 'WH');
      if (reserved > onHand) oversold.push(`${lotId}: ${reserved} > ${onHand}`);
    }
    await lg.close();
    return { events: events.length, missing, gaps, ledgerOk: verification.ok, verification, oversold };
  } finally {
    await store.close();
  }
}

/**
 * N writer processes at once on one store, each reserving (or ingesting) until `count` commands or
 * `seconds` have passed. Figures: commands/s in total, per-process counts and their max/min ratio,
 * latency p50/p99/max, every error by code (CONFLICT must be 0).
 */
export async function concurrentWriters(target, { processes = 8, count, seconds, mode = 'reserve' } = {}) {
  await setUp(target);
  const untilMs = seconds ? Date.now() + 1500 + seconds * 1000 : undefined;
  const t0 = Date.now();
  const writers = Array.from({ length: processes }, (_, worker) =>
    spawnWriter({ ...target.cfg, worker, count, untilMs, mode }),
  );
  const results = await Promise.all(writers.map((w) => w.result()));
  const elapsed = (Date.now() - t0) / 1000;
  const perProcess = results.map((r) => r.stats?.ok ?? 0);
  const latencies = writers.flatMap((w) => w.acks.map((a) => a.ms)).sort((a, b) => a - b);
  const errors = {};
  for (const r of results)
    for (const [k, v] of Object.entries(r.stats?.errors ?? {})) errors[k] = (errors[k] ?? 0) + v;
  const ledger = await checkLedger(
    target,
    writers.flatMap((w) => w.acks.map((a) => a.key)),
  );
  const total = perProcess.reduce((a, b) => a + b, 0);
  return {
    store: target.name,
    processes,
    mode,
    total,
    refused: results.reduce((a, r) => a + (r.stats?.refused ?? 0), 0),
    commandsPerSecond: Math.round(total / (seconds ?? elapsed)),
    perProcess,
    fairness:
      Math.min(...perProcess) > 0
        ? Math.max(...perProcess) / Math.min(...perProcess)
        : Number.POSITIVE_INFINITY,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies[latencies.length - 1] ?? 0,
    errors,
    crashed: results
      .filter((r) => !r.done)
      .map((r) => ({ code: r.code, signal: r.signal, stderr: r.stderr.slice(-500) })),
    ...ledger,
  };
}

/**
 * kill -9 a writer in the middle of an ingest, `rounds` times on the same store: every command the
 * writer acknowledged is in the ledger, no batch is half-written, the ledger verifies.
 */
export async function killDuringIngest(target, { rounds = 3, after = [3, 40] } = {}) {
  await setUp(target, { lots: 1 });
  const acked = [];
  const kills = [];
  for (let round = 0; round < rounds; round++) {
    const at = after[0] + Math.floor(Math.random() * (after[1] - after[0]));
    const w = spawnWriter({ ...target.cfg, worker: 100 + round, count: 100_000, mode: 'ingest' });
    w.onLine(() => {
      if (w.acks.length >= at && !w.child.killed) w.child.kill('SIGKILL');
    });
    const guard = setTimeout(() => w.child.kill('SIGKILL'), 60_000);
    const r = await w.result();
    clearTimeout(guard);
    kills.push({ acked: w.acks.length, signal: r.signal });
    acked.push(...w.acks.map((a) => a.key));
  }
  const ledger = await checkLedger(target, acked);
  // Atomic batches: every receive of a writer batch has its produce, and the reverse.
  const store = await target.open();
  const keys = new Set((await store.readEvents(1)).map((e) => e.idempotencyKey));
  await store.close();
  let halfWritten = 0;
  for (const k of keys) {
    if (/^w\d+-\d+-r$/.test(k) && !keys.has(k.slice(0, -2))) halfWritten++;
    if (/^w\d+-\d+$/.test(k) && !keys.has(`${k}-r`)) halfWritten++;
  }
  return { store: target.name, rounds, kills, acked: acked.length, halfWritten, ...ledger };
}

/** Terminate the writers' PostgreSQL backends (only theirs, by application_name) `rounds` times mid-ingest. */
export async function terminateBackends(
  target,
  { processes = 2, rounds = 3, count = 60, restart = false } = {},
) {
  await setUp(target, { lots: 1 });
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const writers = Array.from({ length: processes }, (_, worker) =>
    spawnWriter({ ...target.cfg, worker, count, mode: 'ingest', keepGoing: true }),
  );
  const killed = [];
  let restarts = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      // Wait until the writers have made progress, then cut their connections.
      const before = writers.reduce((a, w) => a + w.acks.length, 0);
      for (let i = 0; i < 200 && writers.reduce((a, w) => a + w.acks.length, 0) < before + 5; i++)
        await new Promise((r) => setTimeout(r, 25));
      if (restart && round === rounds - 1) {
        await admin.end().catch(() => undefined);
        restartPostgres();
        restarts++;
        continue;
      }
      const r = await admin.query(
        `SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1`,
        [target.app],
      );
      killed.push(r.rows.length);
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
  const results = await Promise.all(writers.map((w) => w.result()));
  const ledger = await checkLedger(
    target,
    writers.flatMap((w) => w.acks.map((a) => a.key)),
  );
  const errors = {};
  for (const r of results)
    for (const [k, v] of Object.entries(r.stats?.errors ?? {})) errors[k] = (errors[k] ?? 0) + v;
  return {
    store: target.name,
    rounds,
    backendsKilled: killed,
    restarts,
    acked: writers.reduce((a, w) => a + w.acks.length, 0),
    errors,
    storeErrors: writers.reduce((a, w) => a + w.notes.filter((n) => n.startsWith('store-error')).length, 0),
    // The first distinct failures the writers saw (so a problem names its cause).
    errorSamples: [...new Set(writers.flatMap((w) => w.errors))].slice(0, 5),
    crashed: results
      .filter((r) => !r.done)
      .map((r) => ({ code: r.code, signal: r.signal, stderr: r.stderr.slice(-800) })),
    ...ledger,
  };
}

/**
 * Restart the local PostgreSQL cluster. Only from soak/pg-restart.mjs or `npm run soak -- --restart`: it
 * cuts every session of the server, not only ours — never on a server that others use.
 */
export function restartPostgres() {
  const version = readdirSync('/etc/postgresql')[0];
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], {
    stdio: 'ignore',
  });
}
