// ingest suite: only the ingest comparison of the stores suite (issue #15's write-rate targets) — the
// quickstart sample through the sdk into MemoryStore, SQLite (synchronous FULL), PostgreSQL and MariaDB,
// batched and one command per call. A few minutes, against the stores suite's half hour with the 1M-lot
// genealogy; the stores section keeps its own (older) ingest table with its date.
import { serverVersions } from '../fixtures/targets.mjs';
import { ingestSection } from './stores.mjs';

export async function run({ quick = false, log = () => {} }) {
  const versions = await serverVersions();
  const L = [];
  L.push('## ingest: write rates of every store through the sdk');
  L.push('');
  L.push(
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}${quick ? ' (**--quick**: tiny sizes, not representative)' : ''}; ` +
      `${versions.postgres} and ${versions.mysql} on the same machine (127.0.0.1, default configuration), ` +
      'SQLite file (WAL, `synchronous = FULL`) in the OS temp dir; the same code path as the stores suite ' +
      '(`ingestSection` in `suites/stores.mjs`). Other jobs may share the 2 cores during a run: treat small ' +
      'differences as noise.',
  );
  L.push('');
  L.push(...(await ingestSection({ quick, log })));
  return L.join('\n');
}
