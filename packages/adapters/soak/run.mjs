#!/usr/bin/env node
// `npm run soak`: the soak and fault suite at full size (not part of `npm test`; its CI-sized variant is
// packages/adapters/test/soak.test.ts). Loopback only; bounded in count and time. Prints every figure as
// JSON lines and a summary table; exits non-zero when an invariant broke.
//   node packages/adapters/soak/run.mjs [--seconds 20] [--rounds 10] [--fuzz 100000] [--restart] [--only 'part of a name;…']
// --restart adds the server restart of soak/pg-restart.mjs: it cuts every session of the server, so only
// on a PostgreSQL nobody else uses.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  concurrentWriters,
  killDuringIngest,
  mysqlTarget,
  postgresTarget,
  sqliteTarget,
  terminateBackends,
} from './harness.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const seconds = Number(opt('seconds', '20'));
const rounds = Number(opt('rounds', '10'));
const fuzz = Number(opt('fuzz', '100000'));
const restart = args.includes('--restart'); // (--no-restart: the default now, still accepted)
const only = opt('only', '')?.split(';').filter(Boolean);
const root = fileURLToPath(new URL('../../../', import.meta.url));

const rows = [];
let failed = 0;
async function experiment(name, fn, check) {
  if (only.length && !only.some((o) => name.includes(o))) return;
  const t0 = Date.now();
  const r = await fn();
  const problems = check(r);
  failed += problems.length;
  console.log(JSON.stringify({ name, seconds: (Date.now() - t0) / 1000, ...r, problems }));
  rows.push({ name, r, problems });
}

const writerProblems = (r) => [
  ...(r.missing.length ? [`${r.missing.length} acknowledged commands missing`] : []),
  ...(r.gaps ? [`${r.gaps} seq gaps`] : []),
  ...(r.ledgerOk ? [] : ['ledger does not verify']),
  ...(r.oversold.length ? [`oversold: ${r.oversold.join('; ')}`] : []),
  ...(r.errors?.CONFLICT ? [`${r.errors.CONFLICT} CONFLICT reached callers`] : []),
  ...Object.keys(r.errors ?? {})
    .filter((k) => k !== 'CONFLICT' && k !== 'STORE_UNAVAILABLE')
    .map((k) => `unexpected error ${k} × ${r.errors[k]}`),
  ...(r.crashed?.length ? [`${r.crashed.length} writer processes crashed`] : []),
  ...(r.halfWritten ? [`${r.halfWritten} half-written batches`] : []),
];

for (const [label, target] of [
  ['sqlite', () => sqliteTarget('w8')],
  ['postgres', () => postgresTarget('w8')],
  ['mariadb', () => mysqlTarget('w8')],
]) {
  const t = target();
  await experiment(
    `8 writers reserving, ${label}, ${seconds} s`,
    () => concurrentWriters(t, { processes: 8, seconds }),
    writerProblems,
  );
  await t.drop();
}
for (const [label, target] of [
  ['sqlite', () => sqliteTarget('kill')],
  ['postgres', () => postgresTarget('kill')],
  ['mariadb', () => mysqlTarget('kill')],
]) {
  const t = target();
  await experiment(
    `kill -9 during ingest, ${label}, ${rounds} rounds`,
    () => killDuringIngest(t, { rounds }),
    writerProblems,
  );
  await t.drop();
}
{
  const t = postgresTarget('term');
  await experiment(
    `terminate backends mid-ingest, postgres, ${rounds} rounds`,
    () => terminateBackends(t, { processes: 3, rounds, count: 40 * rounds }),
    writerProblems,
  );
  await t.drop();
}
if (restart) {
  const t = postgresTarget('restart');
  await experiment(
    'restart the PostgreSQL server mid-ingest',
    () => terminateBackends(t, { processes: 2, rounds: 2, count: 150, restart: true }),
    writerProblems,
  );
  await t.drop();
}
if (!only.length || only.some((o) => 'fuzz'.includes(o))) {
  // Random bad input through every public function and random tampering: the property tests, at soak size.
  const t0 = Date.now();
  const r = spawnSync(
    'npx',
    ['vitest', 'run', 'packages/sdk/test/reliability.test.ts', '-t', 'property', '--testTimeout=3600000'],
    {
      cwd: root,
      env: { ...process.env, LOTGRAPH_FUZZ_RUNS: String(fuzz) },
      encoding: 'utf8',
    },
  );
  const ok = r.status === 0;
  if (!ok) failed++;
  console.log(
    JSON.stringify({ name: `fuzz: ${fuzz} cases per property`, seconds: (Date.now() - t0) / 1000, ok }),
  );
  if (!ok) console.log(r.stdout.slice(-4000), r.stderr.slice(-2000));
  rows.push({
    name: `fuzz + tamper properties, ${fuzz} cases each`,
    r: { ok },
    problems: ok ? [] : ['property failed'],
  });
}

console.log('\n| experiment | figures | problems |\n|---|---|---|');
for (const { name, r, problems } of rows) {
  const f = [];
  if (r.total !== undefined)
    f.push(
      `${r.total} commands, ${r.commandsPerSecond}/s, per process ${r.perProcess.join('/')} (max/min ${r.fairness.toFixed(2)}), p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms`,
    );
  if (r.kills)
    f.push(
      `${r.kills.length} kills after ${r.kills.map((k) => k.acked).join('/')} acks; ${r.acked} acked, ${r.events} events`,
    );
  if (r.backendsKilled)
    f.push(
      `backends killed ${r.backendsKilled.join('/')}, restarts ${r.restarts}, ${r.acked} acked, typed errors ${JSON.stringify(r.errors)}, store errors reported ${r.storeErrors}`,
    );
  if (r.ok !== undefined) f.push(r.ok ? 'passed' : 'FAILED');
  console.log(`| ${name} | ${f.join('; ')} | ${problems.length ? problems.join('; ') : 'none'} |`);
}
console.log(`\nsoak: ${rows.length} experiments, ${failed} problems`);
process.exit(failed ? 1 : 0);
