#!/usr/bin/env node
// Restart the PostgreSQL server mid-ingest (issue #14 item 8). NOT part of `npm test` nor of the default
// `npm run soak`: `pg_ctlcluster … restart` cuts every session of the server, so run it only on a server
// nobody else uses. Needs the built packages (`npm run build`) and a local cluster under /etc/postgresql.
//   node packages/adapters/soak/pg-restart.mjs [--writers 2] [--count 150] [--rounds 2]
// Writer processes ingest through Lotgraph over PostgresStore; after they made progress their backends are
// terminated (rounds - 1 times) and then the server is restarted. Meanwhile a follower in this process
// (`Lotgraph.open({ follow: true })`) must catch up through its LISTEN reconnect. Checked afterwards: no
// writer crashed, only STORE_UNAVAILABLE ever reached a caller, every acknowledged command is stored, no seq
// gap, the ledger verifies, and the follower reached the head. Prints one JSON line; exits 1 on a problem.
import { PostgresStore } from '@lotgraph/adapters/postgres';
import { Lotgraph } from '@lotgraph/sdk';
import { PG_URL, postgresTarget, terminateBackends } from './harness.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return Number(i >= 0 ? args[i + 1] : def);
};
const writers = opt('writers', 2);
const count = opt('count', 150);
const rounds = Math.max(1, opt('rounds', 2));

const target = postgresTarget('restart');
const followerErrors = [];
let follower;
let followerStore;
const problems = [];
let figures = {};
try {
  // The follower opens first (creating the empty schema); setUp then defines the catalogue through the sdk.
  // Its connections carry their own application_name: the termination rounds spare them, the restart not.
  followerStore = await PostgresStore.open({
    connectionString: `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}application_name=${`lgsoak-f-${target.schema}`.slice(0, 63)}`,
    schema: target.schema,
    max: 2,
    onError: (e, ctx) => followerErrors.push(`${ctx.source}: ${String(e?.message ?? e).split('\n')[0]}`),
  });
  follower = await Lotgraph.open({ store: followerStore, follow: true, onError: () => undefined });

  figures = await terminateBackends(target, { processes: writers, rounds, count, restart: true });
  if (figures.restarts !== 1) problems.push(`expected 1 restart, got ${figures.restarts}`);
  if (figures.crashed.length) problems.push(`${figures.crashed.length} writer processes crashed`);
  if (figures.missing.length) problems.push(`${figures.missing.length} acknowledged commands missing`);
  if (figures.gaps) problems.push(`${figures.gaps} seq gaps`);
  if (!figures.ledgerOk) problems.push('ledger does not verify');
  for (const code of Object.keys(figures.errors ?? {}))
    if (code !== 'STORE_UNAVAILABLE') problems.push(`unexpected error ${code} × ${figures.errors[code]}`);

  // The follower catches up by itself (LISTEN reconnect, then the head): wait, bounded, without calling sync.
  const head = (await followerStore.head()).seq;
  let caughtUp = false;
  for (let i = 0; i < 600 && !caughtUp; i++) {
    caughtUp = follower.indexedSeq >= head;
    if (!caughtUp) await new Promise((r) => setTimeout(r, 50));
  }
  if (!caughtUp) problems.push(`follower stuck at seq ${follower.indexedSeq}, head ${head}`);
  if (!followerErrors.some((e) => e.startsWith('listen')))
    problems.push('the follower never saw its LISTEN drop');
} catch (e) {
  problems.push(`harness failed: ${e?.stack ?? e}`);
} finally {
  await follower?.close().catch(() => undefined);
  await followerStore?.close().catch(() => undefined);
  await target.drop().catch((e) => problems.push(`drop failed: ${e}`));
}
const { verification, missing, ...rest } = figures;
console.log(
  JSON.stringify({
    name: 'restart the PostgreSQL server mid-ingest, with a follower',
    ...rest,
    missing: missing?.length ?? 0,
    followerIndexedSeq: follower?.indexedSeq,
    followerErrors: followerErrors.length,
    problems,
  }),
);
process.exit(problems.length ? 1 : 0);
