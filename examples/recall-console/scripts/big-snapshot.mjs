// A large genealogy for the console's client-side mode: the bench generator's seeded food-manufacturer
// genealogy (silo "heavy hitter" lots feeding thousands of batches, rework cycles, Zipf-skewed customers),
// loaded into core-wasm and written as the console reads an exported snapshot: `<dir>/snapshot.bin`
// (GenealogyGraph.toBytes) + `<dir>/nodes.json` (refs, product groups by role, received lots, held lots).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GenealogyGraph } from '@lotgraph/core-wasm';
import { generate, nodeKey, ROLE_HEAVY, ROLE_RAW } from '../../../bench/src/generator.mjs';

const GROUPS = [
  { id: 'raw', name: 'Raw material', unit: 'kg' },
  { id: 'silo', name: 'Silo (bulk) lots', unit: 'kg' },
  { id: 'rework', name: 'Rework bins', unit: 'kg' },
  { id: 'intermediate', name: 'Intermediate batches', unit: 'kg' },
  { id: 'finished', name: 'Finished goods', unit: 'pc' },
];

/**
 * Generate `lots` lots and write the snapshot + sidecar into `dir`.
 * @returns {{ nodes: number, edges: number, heavy: number[], bytes: number, g: any }}
 */
export async function writeBigSnapshot(dir, lots, { seed = 42 } = {}) {
  const g = generate(lots, { seed });
  const graph = await GenealogyGraph.create({ kinds: g.kinds, src: g.src, dst: g.dst, qty: g.qty });
  const bytes = graph.toBytes();
  const n = g.kinds.length;
  const refs = new Array(n);
  const group = new Array(n).fill(-1);
  const received = [];
  for (let i = 0; i < n; i++) {
    refs[i] = nodeKey(g, i);
    if (g.kinds[i] === 0) {
      group[i] = g.role[i];
      if (g.role[i] === ROLE_RAW || g.role[i] === ROLE_HEAVY) received.push(i);
    }
  }
  // A handful of finished lots on hold, so the picture has something to mark.
  const held = Array.from(g.samples.finishedLots.filter((_, i) => i % 997 === 0));
  const names = {};
  for (let i = 0; i < n; i++)
    if (g.kinds[i] === 2) names[refs[i]] = `Customer ${i - g.counts.lots - g.counts.deliveries + 1}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'snapshot.bin'), bytes);
  writeFileSync(
    path.join(dir, 'nodes.json'),
    JSON.stringify({
      seq: 0,
      kinds: Array.from(g.kinds),
      refs,
      group,
      groups: GROUPS,
      received,
      held,
      names,
    }),
  );
  // The heavy hitters, biggest forward closure first.
  const heavy = Array.from(g.samples.heavyHitterLots)
    .map((h) => ({ h, size: graph.forward([h]).length }))
    .sort((a, b) => b.size - a.size);
  graph.dispose();
  return { nodes: n, edges: g.src.length, heavy, bytes: bytes.length, g };
}
