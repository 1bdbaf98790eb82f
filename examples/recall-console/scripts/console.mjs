// `npm run console` (repo root): the wms-service with the demo data, serving the built recall console.
// Flags: --port N (default $PORT or 8080) --days N (demo days, default 60) --db FILE (SQLite, default
// examples/recall-console/out/console.db; reused when it already holds a ledger) --fresh (start over)
// --memory (an in-memory store instead of SQLite: nothing kept after Ctrl-C).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryStore } from '@lotgraph/sdk';
import { loadDemo } from '../../wms-service/src/demo-data.mjs';
import { openStore, start } from '../../wms-service/src/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const port = Number(flag('port', process.env.PORT ?? '8080'));
const dayCount = Number(flag('days', '60'));
const db = path.resolve(flag('db', path.join(here, '..', 'out', 'console.db')));
const dist = path.join(here, '..', 'dist');
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError('--port: expected 0…65535');
if (!existsSync(path.join(dist, 'index.html')))
  throw new Error(
    `${dist}/index.html is missing: build the console first (npm run build -w @lotgraph/example-recall-console)`,
  );

const memory = args.includes('--memory');
if (!memory) mkdirSync(path.dirname(db), { recursive: true });
if (!memory && args.includes('--fresh'))
  for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });

const svc = await start({
  port,
  host: '127.0.0.1',
  store: memory ? new MemoryStore() : await openStore({ LOTGRAPH_SQLITE: db }),
  actor: 'recall-console',
  staticDir: dist,
  setup: async (lg) => {
    if ((await lg.store.head()).seq > 0) return;
    process.stderr.write(
      `Loading ${dayCount} days of the demo bakery into ${memory ? 'memory' : path.relative(process.cwd(), db)} …\n`,
    );
    const ids = await loadDemo(lg, { days: dayCount });
    process.stderr.write(`Try the scan ${ids.scan} (lot ${ids.scanLot}), or the held lot ${ids.heldLot}.\n`);
  },
});
console.log(`lotgraph recall console on ${svc.url}/  (Ctrl-C to stop)`);
const stop = async () => {
  await svc.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
