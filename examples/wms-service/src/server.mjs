// Start the WMS service: `node src/server.mjs` (or `npm start -w @lotgraph/example-wms-service`).
// Environment: PORT (default 8080), HOST (default 127.0.0.1), LOTGRAPH_SQLITE (file, default ./wms.db),
// LOTGRAPH_POSTGRES_URL (a postgres:// connection string: use PostgreSQL instead of SQLite) and
// LOTGRAPH_POSTGRES_SCHEMA (default `lotgraph`).
import { createServer } from 'node:http';
import { Lotgraph } from '@lotgraph/sdk';
import { createApp } from './app.mjs';
import { integrationsFromEnv, startIntegrations } from './integrations.mjs';

const log = (line) => {
  if (process.env.LOTGRAPH_QUIET !== '1') console.error(`[wms-service] ${line}`);
};

/** Open the store the environment asks for. */
export async function openStore(env = process.env) {
  if (env.LOTGRAPH_POSTGRES_URL) {
    const { PostgresStore } = await import('@lotgraph/adapters/postgres');
    return PostgresStore.open({
      connectionString: env.LOTGRAPH_POSTGRES_URL,
      schema: env.LOTGRAPH_POSTGRES_SCHEMA,
      // A dropped connection is logged, never fatal; requests meanwhile answer 503 STORE_UNAVAILABLE.
      onError: (e, ctx) => log(`store ${ctx.source}: ${e?.message ?? e}`),
    });
  }
  const { SqliteStore } = await import('@lotgraph/adapters/sqlite');
  return SqliteStore.open({ filename: env.LOTGRAPH_SQLITE ?? 'wms.db' });
}

/**
 * Start listening; resolves to `{ server, url, lg, close }`. `staticDir` also serves a folder (the recall
 * console's build) for GETs no route answers; `integrations` (default: from the environment) turns on the
 * e-mail alerts and the customer feed of integrations.mjs.
 */
export async function start({
  port = 0,
  host = '127.0.0.1',
  store,
  actor = 'wms-service',
  staticDir,
  setup,
  integrations,
} = {}) {
  const lg = await Lotgraph.open({
    store: store ?? (await openStore()),
    actor,
    follow: true,
    onError: (e, ctx) => log(`lotgraph ${ctx.source}: ${e?.message ?? e}`),
  });
  // `setup(lg)` runs before the port opens (e.g. loading demo data into a fresh store).
  if (setup) await setup(lg);
  // E-mail alerts through the outbox and the customer feed (see integrations.mjs).
  const extras = await startIntegrations(lg, integrations ?? integrationsFromEnv());
  const server = createServer(createApp({ lg, staticDir, feed: extras.feed }));
  await new Promise((resolve) => server.listen(port, host, resolve));
  const { port: bound } = server.address();
  return {
    server,
    lg,
    url: `http://${host}:${bound}`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await extras.close();
      await lg.close();
      await lg.store.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await start({ port: Number(process.env.PORT ?? 8080), host: process.env.HOST ?? '127.0.0.1' });
  console.log(`lotgraph WMS service listening on ${s.url}`);
  const stop = async () => {
    await s.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
