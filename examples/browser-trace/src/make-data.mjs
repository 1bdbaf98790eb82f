// The "server side": run the quickstart sample through the sdk, then export the genealogy index as a
// snapshot (`graph.toBytes()`) plus a sidecar of node kinds, refs and display labels, into <outDir>/data/.
// Usage: node src/make-data.mjs <outDir> [days]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Lotgraph, MemoryStore } from '@lotgraph/sdk';
import { days, masterData } from '../../quickstart/src/sample.mjs';

/** Build the sample and write `genealogy.bin` + `nodes.json`; returns the Lotgraph for checks. */
export async function makeData(outDir, dayCount = 40) {
  const lg = await Lotgraph.open({ store: new MemoryStore(), actor: 'browser-trace-data' });
  await lg.batch(masterData({ customers: 40 }));
  for (const cmds of days({ days: dayCount, customers: 40 })) await lg.batch(cmds);
  const g = await lg.exportGenealogy();
  const products = new Map((await lg.store.listProducts()).map((p) => [p.id, p]));
  const parties = new Map((await lg.store.listParties()).map((p) => [p.id, p]));
  const lots = new Map((await lg.store.listLots()).map((l) => [l.id, l]));
  const labels = g.refs.map((ref, i) => {
    if (g.kinds[i] === 0) {
      const l = lots.get(ref);
      const p = l && products.get(l.productId);
      return p ? `${p.name}${l.supplierLotNumber ? ` · supplier lot ${l.supplierLotNumber}` : ''}` : '';
    }
    if (g.kinds[i] === 2) return parties.get(ref)?.name ?? ref;
    return '';
  });
  const lineUnit = new Map(
    (await lg.store.listShipmentLines()).map((l) => [
      `${l.shipmentId}/${l.lineNo}`,
      products.get(l.productId)?.unit ?? '',
    ]),
  );
  const units = g.refs.map((ref, i) =>
    g.kinds[i] === 0
      ? (products.get(lots.get(ref)?.productId ?? '')?.unit ?? '')
      : g.kinds[i] === 1
        ? (lineUnit.get(ref) ?? '')
        : '',
  );
  mkdirSync(path.join(outDir, 'data'), { recursive: true });
  writeFileSync(path.join(outDir, 'data', 'genealogy.bin'), g.snapshot);
  writeFileSync(
    path.join(outDir, 'data', 'nodes.json'),
    JSON.stringify({ seq: g.seq, kinds: g.kinds, refs: g.refs, labels, units }),
  );
  return { lg, nodes: g.refs.length, bytes: g.snapshot.length };
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2] ?? 'public';
  const { nodes, bytes } = await makeData(out, Number(process.argv[3] ?? 40));
  console.log(`wrote ${out}/data/genealogy.bin (${bytes} bytes, ${nodes} nodes) and nodes.json`);
}
