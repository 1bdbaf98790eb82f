// Several OS processes on one store: crash safety (SIGKILL mid-burst), concurrent writers on the same lots,
// and (PostgreSQL) a follower process's index kept current by NOTIFY. Workers import the built dist, which
// the root `npm test` builds first.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MysqlStore } from '@lotgraph/adapters/mysql';
import { PostgresStore } from '@lotgraph/adapters/postgres';
import { SqliteStore } from '@lotgraph/adapters/sqlite';
import { Lotgraph, MemoryStore, type Store } from '@lotgraph/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { dropDatabase, freshDatabase, mysqlAvailable, urlOf } from './mysql-helpers.js';
import { freshSchema, PG_URL, postgresAvailable } from './pg-helpers.js';

const worker = fileURLToPath(new URL('./fixtures/worker.mjs', import.meta.url));
const distReady = existsSync(fileURLToPath(new URL('../dist/sqlite/index.js', import.meta.url)));
const pgUp = await postgresAvailable();
const myUp = await mysqlAvailable();
const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-mp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Target {
  name: string;
  cfg: Record<string, unknown>;
  open: () => Promise<Store>;
  drop: () => Promise<void>;
}

function sqliteTarget(tag: string): Target {
  const filename = path.join(dir, `${tag}.db`);
  return {
    name: 'sqlite',
    cfg: { store: 'sqlite', filename },
    open: async () => SqliteStore.open({ filename }),
    drop: async () => {},
  };
}
function postgresTarget(tag: string): Target {
  const schema = freshSchema(tag);
  return {
    name: 'postgres',
    cfg: { store: 'postgres', url: PG_URL, schema },
    open: () => PostgresStore.open({ connectionString: PG_URL, schema, max: 3 }),
    drop: async () => (await PostgresStore.open({ connectionString: PG_URL, schema, max: 1 })).dropSchema(),
  };
}

async function mysqlTarget(tag: string): Promise<Target> {
  const database = await freshDatabase(tag);
  const uri = urlOf(database);
  return {
    name: 'mysql',
    cfg: { store: 'mysql', url: uri },
    open: () => MysqlStore.open({ uri, max: 3 }),
    drop: () => dropDatabase(database),
  };
}

function run(cfg: Record<string, unknown>, onLine?: (line: string, child: ChildProcess) => void) {
  const child = spawn(process.execPath, [worker, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i = buf.indexOf('\n');
    while (i >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      onLine?.(line, child);
      i = buf.indexOf('\n');
    }
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, exit, stderr: () => err };
}

async function setUp(store: Store, lots: string[] = []) {
  const lg = await Lotgraph.open({ store });
  await lg.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3 });
  await lg.defineProduct({ id: 'bread', name: 'Bread', unit: 'pc', decimals: 0 });
  await lg.defineParty({ id: 'shop', name: 'Shop', roles: ['customer'] });
  await lg.defineLocation({ id: 'WH', site: 'plant' });
  for (const lot of lots)
    await lg.receive({ lotId: lot, productId: 'flour', locationId: 'WH', quantity: '100' });
  await lg.close();
  await store.close();
}

/** Projections equal a replay of the ledger, the seqs have no gap, and the hash chain holds. */
async function checkConsistent(store: Store) {
  const lg = await Lotgraph.open({ store });
  expect(await lg.verifyLedger()).toMatchObject({ ok: true });
  const events = await store.readEvents(1);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  const replay = new MemoryStore();
  await lg.rebuildProjections(replay);
  expect(await store.listStock()).toEqual(await replay.listStock());
  expect(await store.listLots()).toEqual(await replay.listLots());
  expect(await store.listShipmentLines()).toEqual(await replay.listShipmentLines());
  expect(await store.head()).toEqual(await replay.head());
  await lg.close();
  return events;
}

const targets: [string, (tag: string) => Target | Promise<Target>, boolean][] = [
  ['sqlite', sqliteTarget, distReady],
  ['postgres', postgresTarget, distReady && pgUp],
  ['mysql', mysqlTarget, distReady && myUp],
];

for (const [name, make, enabled] of targets) {
  describe.skipIf(!enabled)(`${name}: several processes`, () => {
    it('SIGKILL in the middle of a burst: every acknowledged command is there, no partial one, ledger intact', async () => {
      const t = await make('crash');
      await setUp(await t.open());
      const acked: string[] = [];
      const w = run({ ...t.cfg, mode: 'burst', worker: 1, count: 100_000 }, (line, child) => {
        if (line.startsWith('ack ')) acked.push(line.slice(4));
        if (acked.length === 60) child.kill('SIGKILL');
      });
      const { signal } = await w.exit;
      expect(signal, w.stderr()).toBe('SIGKILL');
      expect(acked.length).toBeGreaterThanOrEqual(60);
      const store = await t.open();
      const events = await checkConsistent(store);
      const keys = new Set(events.map((e) => e.idempotencyKey));
      for (const k of acked) expect(keys.has(k), `acknowledged ${k} is missing`).toBe(true);
      // At most the one command in flight at the kill may have committed without its ack being read.
      expect(events.length - 4 - acked.length).toBeLessThanOrEqual(1);
      await store.close();
      await t.drop();
    });

    it('three processes ship the same lots concurrently: nothing oversold, quantities conserved, no seq gaps', async () => {
      const t = await make('ship');
      const lots = ['A', 'B', 'C'];
      await setUp(await t.open(), lots);
      const workers = [1, 2, 3].map((n) => run({ ...t.cfg, mode: 'ship', worker: n, count: 25, lots }));
      const exits = await Promise.all(workers.map((w) => w.exit));
      exits.forEach((x, i) => {
        expect(x.code, workers[i]!.stderr()).toBe(0);
      });
      const store = await t.open();
      await checkConsistent(store);
      const lines = await store.listShipmentLines();
      for (const lot of lots) {
        const shipped = lines.filter((l) => l.lotId === lot).reduce((s, l) => s + l.quantity, 0n);
        const onHand = await store.getStock(lot, 'WH');
        expect(onHand >= 0n).toBe(true);
        expect(shipped + onHand).toBe(100_000n); // 100 kg received, in grams
        expect(shipped).toBe(98_000n); // 14 × 7 kg fit; the rest was refused
      }
      const acked = workers.flatMap((w) => w.lines.filter((l) => l.startsWith('ack ')));
      expect(acked.length).toBe(lines.length);
      await store.close();
      await t.drop();
    });
  });
}

const followers: [string, string, boolean, () => Promise<{ t: Target; follower: () => Promise<Store> }>][] = [
  [
    'postgres',
    'through NOTIFY',
    distReady && pgUp,
    async () => {
      const t = postgresTarget('follow');
      return { t, follower: t.open };
    },
  ],
  [
    'mysql',
    'by polling the head',
    distReady && myUp,
    async () => {
      const t = await mysqlTarget('follow');
      return { t, follower: () => MysqlStore.open({ uri: t.cfg.url as string, max: 3, pollIntervalMs: 50 }) };
    },
  ],
];

for (const [name, how, enabled, make] of followers) {
  describe.skipIf(!enabled)(`${name}: a following process`, () => {
    it(`sees another process's writes in its index ${how}, without being asked`, async () => {
      const { t, follower } = await make();
      await setUp(await t.open(), ['F0']);
      const store = await follower();
      const lg = await Lotgraph.open({ store, follow: true });
      const before = lg.indexedSeq;
      const w = run({ ...t.cfg, mode: 'burst', worker: 7, count: 6 });
      expect((await w.exit).code, w.stderr()).toBe(0);
      const target = (await store.head()).seq;
      expect(target).toBeGreaterThan(before);
      const deadline = Date.now() + 10_000;
      while (lg.indexedSeq < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(lg.indexedSeq).toBe(target);
      expect((await lg.trace.forwardRefs('W7-L2')).lots).toContain('W7-B2');
      await lg.close();
      await store.close();
      await t.drop();
    });
  });
}
