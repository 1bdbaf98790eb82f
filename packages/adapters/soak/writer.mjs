// One writer process of the soak suite. Imports the built packages. Config: one JSON argument
//   { store: 'sqlite' | 'postgres' | 'mysql', filename?, url?, schema?, worker, count?, untilMs?, mode: 'reserve' | 'ingest' }
// `reserve`: reserve 1 kg FEFO per command (refusals for lack of stock are domain answers, counted).
// `ingest`: receive a lot and produce from it, as an ERP import would.
// Prints `ack <key> <ms>` after each committed command, `err <code> <message>` for an unexpected failure,
// and one `stats {json}` line at the end.
import { isLotgraphError, Lotgraph } from '@lotgraph/sdk';

const cfg = JSON.parse(process.argv[2]);
const out = (line) => process.stdout.write(`${line}\n`);

async function openStore() {
  if (cfg.store === 'postgres') {
    const { PostgresStore } = await import('@lotgraph/adapters/postgres');
    return PostgresStore.open({
      connectionString: cfg.url,
      schema: cfg.schema,
      max: 3,
      onError: (e) => out(`store-error ${String(e?.code ?? '')} ${String(e?.message ?? e).split('\n')[0]}`),
    });
  }
  if (cfg.store === 'mysql') {
    const { MysqlStore } = await import('@lotgraph/adapters/mysql');
    return MysqlStore.open({
      uri: cfg.url,
      max: 3,
      onError: (e) => out(`store-error ${String(e?.code ?? '')} ${String(e?.message ?? e).split('\n')[0]}`),
    });
  }
  const { SqliteStore } = await import('@lotgraph/adapters/sqlite');
  return SqliteStore.open({ filename: cfg.filename });
}

const store = await openStore();
const lg = await Lotgraph.open({
  store,
  actor: `writer-${cfg.worker}`,
  onError: (e, ctx) => out(`hook-error ${ctx.source} ${String(e?.message ?? e).split('\n')[0]}`),
});

const stats = { worker: cfg.worker, ok: 0, refused: 0, errors: {}, latencies: [] };
const deadline = cfg.untilMs ?? Number.POSITIVE_INFINITY;
const count = cfg.count ?? Number.POSITIVE_INFINITY;
for (let i = 0; i < count && Date.now() < deadline; i++) {
  const key = `w${cfg.worker}-${i}`;
  const t0 = performance.now();
  try {
    if (cfg.mode === 'reserve') {
      await lg.allocation.reserve({
        idempotencyKey: key,
        orderId: `O-${cfg.worker}-${i}`,
        productId: 'flour',
        quantity: '1',
        date: '2026-03-01',
      });
    } else {
      await lg.batch([
        {
          command: 'receive',
          input: {
            idempotencyKey: `${key}-r`,
            lotId: `W${cfg.worker}-L${i}`,
            productId: 'flour',
            locationId: 'WH',
            quantity: '10.5',
          },
        },
        {
          command: 'produce',
          input: {
            idempotencyKey: key,
            orderId: `W${cfg.worker}-PO${i}`,
            inputs: [{ lotId: `W${cfg.worker}-L${i}`, locationId: 'WH', quantity: '10.5' }],
            outputs: [
              { lotId: `W${cfg.worker}-B${i}`, productId: 'bread', locationId: 'WH', quantity: '20' },
            ],
          },
        },
      ]);
    }
    const ms = performance.now() - t0;
    stats.ok++;
    stats.latencies.push(Math.round(ms * 100) / 100);
    out(`ack ${key} ${ms.toFixed(2)}`);
  } catch (e) {
    if (isLotgraphError(e, 'INSUFFICIENT_STOCK')) {
      stats.refused++;
      continue;
    }
    const code = isLotgraphError(e) ? e.code : (e?.constructor?.name ?? 'unknown');
    stats.errors[code] = (stats.errors[code] ?? 0) + 1;
    out(`err ${code} ${String(e?.message ?? e).split('\n')[0]}`);
    if (!cfg.keepGoing) break;
    await new Promise((r) => setTimeout(r, 50));
  }
}
out(`stats ${JSON.stringify(stats)}`);
await lg.close();
await store.close();
out('done');
