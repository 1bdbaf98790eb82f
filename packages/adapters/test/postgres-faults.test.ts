// Issue #14 case 8: a dropped PostgreSQL connection must never kill the host process, lose an acknowledged
// command, or report a committed one as failed. Each test gives its connections an application_name and
// terminates only those backends (other tests share the server). Waits are bounded loops on a condition,
// never timed assertions.
import { type PostgresErrorContext, PostgresStore } from '@lotgraph/adapters/postgres';
import { isLotgraphError, Lotgraph } from '@lotgraph/sdk';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freshSchema, PG_URL, postgresAvailable } from './pg-helpers.js';

const pgUp = await postgresAvailable();
const admin = pgUp ? new pg.Client({ connectionString: PG_URL }) : undefined;
if (admin) await admin.connect();
afterAll(async () => {
  await admin?.end();
});

/** Terminate every backend of this application name; returns how many. */
async function terminate(app: string): Promise<number> {
  const r = await admin!.query(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
    [app],
  );
  return r.rowCount ?? 0;
}

/** Poll `cond` every 20 ms, at most `tries` times (a bounded wait, not a timing assertion). */
async function until(cond: () => boolean | Promise<boolean>, tries = 500): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

function open(schema: string, app: string, errors: { e: unknown; ctx: PostgresErrorContext }[]) {
  return PostgresStore.open({
    connectionString: `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}application_name=${app}`,
    schema,
    max: 4,
    onError: (e, ctx) => errors.push({ e, ctx }),
  });
}

async function seed(lg: Lotgraph) {
  await lg.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3 });
  await lg.defineLocation({ id: 'WH', site: 'plant' });
}

describe.skipIf(!pgUp)('PostgreSQL connection faults', () => {
  it('idle pooled connections terminated: reported to onError, the next commands succeed', async () => {
    const schema = freshSchema('fidle');
    const app = `lgt-${schema}`.slice(0, 63);
    const errors: { e: unknown; ctx: PostgresErrorContext }[] = [];
    const store = await open(schema, app, errors);
    const lg = await Lotgraph.open({ store });
    try {
      await seed(lg);
      expect(await terminate(app)).toBeGreaterThan(0);
      expect(await until(() => errors.some((x) => x.ctx.source === 'pool'))).toBe(true);
      const ev = await lg.receive({ lotId: 'L1', productId: 'flour', locationId: 'WH', quantity: '5' });
      expect(ev.seq).toBe(3);
      expect((await lg.verifyLedger()).ok).toBe(true);
    } finally {
      await lg.close();
      await store.dropSchema();
      await store.close();
    }
  });

  it('the LISTEN connection terminated: it reconnects and a follower catches up by seq', async () => {
    const schema = freshSchema('flisten');
    const app = `lgt-${schema}`.slice(0, 63);
    const errors: { e: unknown; ctx: PostgresErrorContext }[] = [];
    const followerStore = await open(schema, app, errors);
    const follower = await Lotgraph.open({ store: followerStore, follow: true });
    const writerStore = await PostgresStore.open({ connectionString: PG_URL, schema, max: 2 });
    const writer = await Lotgraph.open({ store: writerStore });
    try {
      await seed(writer);
      await writer.receive({ lotId: 'L1', productId: 'flour', locationId: 'WH', quantity: '5' });
      expect(await until(() => follower.indexedSeq === 3)).toBe(true);
      expect(await terminate(app)).toBeGreaterThan(0);
      expect(await until(() => errors.some((x) => x.ctx.source === 'listen'))).toBe(true);
      // Written while the follower may not be listening: it still catches up (the head after reconnect).
      await writer.receive({ lotId: 'L2', productId: 'flour', locationId: 'WH', quantity: '5' });
      await writer.produce({
        orderId: 'P1',
        inputs: [{ lotId: 'L2', locationId: 'WH', quantity: '5' }],
        outputs: [{ lotId: 'B1', productId: 'flour', locationId: 'WH', quantity: '5' }],
      });
      expect(await until(() => follower.indexedSeq === 5)).toBe(true);
      expect((await follower.trace.backwardRefs('B1')).lots).toContain('L2');
    } finally {
      await writer.close();
      await follower.close();
      await writerStore.dropSchema();
      await writerStore.close();
      await followerStore.close();
    }
  });

  it('backends terminated again and again mid-ingest: nothing acknowledged lost, failures typed, ledger intact', async () => {
    const schema = freshSchema('fingest');
    const app = `lgt-${schema}`.slice(0, 63);
    const errors: { e: unknown; ctx: PostgresErrorContext }[] = [];
    const store = await open(schema, app, errors);
    const lg = await Lotgraph.open({ store, onError: () => undefined });
    try {
      await seed(lg);
      let stop = false;
      let kills = 0;
      const killer = (async () => {
        for (let round = 0; !stop && round < 60; round++) {
          await new Promise((r) => setTimeout(r, 15 + Math.random() * 30));
          kills += await terminate(app);
        }
      })();
      const acked: string[] = [];
      const failures: unknown[] = [];
      for (let i = 0; i < 40; i++) {
        const key = `ingest-${i}`;
        try {
          await lg.receive({
            idempotencyKey: key,
            lotId: `L${i}`,
            productId: 'flour',
            locationId: 'WH',
            quantity: '1',
          });
          acked.push(key);
        } catch (e) {
          failures.push(e);
        }
      }
      stop = true;
      await killer;
      expect(kills).toBeGreaterThan(0);
      // A failure is only ever a typed STORE_UNAVAILABLE (the runner retried for a while first).
      for (const f of failures) expect(isLotgraphError(f, 'STORE_UNAVAILABLE')).toBe(true);
      for (const key of acked) expect(await store.findEventByIdempotencyKey(key)).toBeDefined();
      const events = await store.readEvents(1);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect((await lg.verifyLedger()).ok).toBe(true);
    } finally {
      await lg.close();
      await store.dropSchema();
      await store.close();
    }
  });
});
