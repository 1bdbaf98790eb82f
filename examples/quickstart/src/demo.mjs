// Placeholder demo (until the sdk demo replaces it): a seeded food-plant genealogy traced with the
// WebAssembly core. Supplier lots → production batches → deliveries → customers; edges carry quantities.
import { GenealogyGraph } from '@lotgraph/core-wasm';

const LOT = 0;
const DELIVERY = 1;
const CUSTOMER = 2;

let seed = 2024;
const rand = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const pick = (from, count) => from + Math.floor(rand() * count);

const suppliers = 800; // supplier lots (the first 5 are silo ingredients: sugar, salt, oil …)
const batches = 2500;
const deliveries = 3000;
const customers = 400;
const kinds = new Uint8Array(suppliers + batches + deliveries + customers);
kinds.fill(DELIVERY, suppliers + batches, suppliers + batches + deliveries);
kinds.fill(CUSTOMER, suppliers + batches + deliveries);
const src = [];
const dst = [];
const qty = [];
const edge = (s, d, q) => {
  src.push(s);
  dst.push(d);
  qty.push(q);
};

for (let b = 0; b < batches; b++) {
  const batch = suppliers + b;
  const inputs = 2 + Math.floor(rand() * 7); // 2–8 inputs per batch
  for (let i = 0; i < inputs; i++)
    edge(rand() < 0.15 ? pick(0, 5) : pick(5, suppliers - 5), batch, pick(5, 200));
  if (b > 0 && rand() < 0.02) edge(batch, suppliers + pick(0, b), 3); // rework into an earlier batch
}
for (let d = 0; d < deliveries; d++) {
  const delivery = suppliers + batches + d;
  edge(suppliers + pick(0, batches), delivery, pick(10, 100));
  edge(delivery, suppliers + batches + deliveries + pick(0, customers), 1);
}

let t = performance.now();
const graph = await GenealogyGraph.create({
  kinds,
  src: Int32Array.from(src),
  dst: Int32Array.from(dst),
  qty: Float64Array.from(qty),
});
const buildMs = performance.now() - t;

const suspect = 1; // a silo lot: feeds many batches
t = performance.now();
const scope = graph.recallScope([suspect]);
const traceMs = performance.now() - t;
t = performance.now();
const exposure = graph.exposure([suspect]);
const exposureMs = performance.now() - t;
const customer = scope.byKind(CUSTOMER)[0];
const chain = customer === undefined ? null : graph.path(suspect, customer);

const lots = scope.countByKind[LOT] - 1; // minus the suspect lot itself
console.log(
  `genealogy: ${graph.nodeCount} nodes, ${graph.edgeCount} edges, built in ${buildMs.toFixed(1)} ms`,
);
console.log(`recall of supplier lot #${suspect}: traced in ${traceMs.toFixed(2)} ms`);
console.log(`  affected lots:       ${lots}`);
console.log(`  affected deliveries: ${scope.countByKind[DELIVERY]}`);
console.log(`  affected customers:  ${scope.countByKind[CUSTOMER]}`);
const maxShare = Math.max(...exposure.share.filter((_, i) => exposure.nodes[i] !== suspect));
console.log(
  `exposure computed in ${exposureMs.toFixed(2)} ms; largest share in a downstream node: ${(maxShare * 100).toFixed(1)} %`,
);
if (chain) console.log(`why customer #${customer} is affected: ${Array.from(chain).join(' → ')}`);
graph.dispose();
