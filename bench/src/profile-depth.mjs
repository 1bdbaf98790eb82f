// Where a heavy-hitter recall spends its time, level by level: the forward closure of 10 silo lots with
// maxDepth = 1, 2, 3 … (each row includes the levels before it), median of 100 sets × 3.
//   node --expose-gc bench/src/profile-depth.mjs [1m]
import { GenealogyGraph } from '@lotgraph/core-wasm';
import { generate, randomSets } from './generator.mjs';
import { parseSize } from './run.mjs';

const lots = parseSize(process.argv[2] ?? '1m');
const g = generate(lots, { seed: 42 });
const graph = await GenealogyGraph.create({ kinds: g.kinds, src: g.src, dst: g.dst, qty: g.qty });
const sets = randomSets(g.samples.heavyHitterLots, 10, 100, 5);
for (const s of sets) graph.forward(s); // warm up
console.log('maxDepth\tnodes\tmedian ms');
for (let d = 1; d <= 12; d++) {
  const times = [];
  let nodes = 0;
  for (let r = 0; r < 3; r++) {
    for (const s of sets) {
      const t0 = performance.now();
      nodes = graph.forward(s, { maxDepth: d }).length;
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  console.log(`${d}\t${nodes}\t${times[times.length >> 1].toFixed(3)}`);
}
const t0 = performance.now();
const all = graph.forward(sets[0]).length;
console.log(`unbounded\t${all}\t${(performance.now() - t0).toFixed(3)} (one set)`);
