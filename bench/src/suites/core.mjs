// core suite: @lotgraph/core-wasm against a hand-written plain-JS CSR BFS (strong baseline) and a naive
// Map<string, string[]> BFS, on the same seeded genealogy, in the same process, with the same query sets.
import { GenealogyGraph } from '@lotgraph/core-wasm';
import { CsrGraph } from '../baselines/csr.mjs';
import { NaiveGraph } from '../baselines/naive.mjs';
import { int, silentProgress, sizeLabel } from '../format.mjs';
import { generate, keyToId, nodeKey, randomSets, records } from '../generator.mjs';

const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => {};
const now = () => performance.now();
const MB = 1e6;

// ---------------------------------------------------------------- stats & formatting

function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

function stats(times) {
  const s = Float64Array.from(times).sort();
  return { median: quantile(s, 0.5), p95: quantile(s, 0.95), max: s[s.length - 1], n: s.length };
}

function ms(x) {
  if (!Number.isFinite(x)) return 'n/a';
  if (x >= 100) return `${x.toFixed(0)} ms`;
  if (x >= 10) return `${x.toFixed(1)} ms`;
  if (x >= 1) return `${x.toFixed(2)} ms`;
  if (x >= 0.1) return `${x.toFixed(3)} ms`;
  return `${(x * 1000).toFixed(2)} µs`;
}

const mbytes = (b) => (Number.isFinite(b) ? `${(b / MB).toFixed(1)} MB` : 'n/a');
const ratio = (slow, fast) => (fast > 0 && Number.isFinite(slow) ? `${(slow / fast).toFixed(2)}×` : 'n/a');

async function heapAfterGc() {
  gc();
  await new Promise((r) => setTimeout(r, 0));
  gc();
  return process.memoryUsage().heapUsed;
}

// ---------------------------------------------------------------- correctness

function sortedCopy(a) {
  return Int32Array.from(a).sort();
}

function sameSet(a, b) {
  if (a.length !== b.length) return false;
  const x = sortedCopy(a);
  const y = sortedCopy(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

// ---------------------------------------------------------------- timing

/**
 * Time `fn(set)` for every set (after a few untimed warm-up calls). Returns per-call times and result
 * sizes (from `size(result)`), so that callers can compare implementations on counts.
 */
function timeQueries(label, sets, fn, size, progress) {
  const warm = Math.min(5, sets.length);
  for (let i = 0; i < warm; i++) fn(sets[i]);
  const times = new Float64Array(sets.length);
  const sizes = new Float64Array(sets.length);
  const p = progress(label);
  for (let i = 0; i < sets.length; i++) {
    const t0 = now();
    const r = fn(sets[i]);
    times[i] = now() - t0;
    sizes[i] = size(r);
    if ((i & 7) === 0) p(i / sets.length);
  }
  p.done();
  return { ...stats(times), sizes };
}

// ---------------------------------------------------------------- one size

/** wasm `byteLength` of the same graph with quantities rounded to float32, and with no quantities. */
async function qtyVariants(g) {
  gc();
  const f32 = Float64Array.from(g.qty, Math.fround);
  let w = await GenealogyGraph.create({ kinds: g.kinds, src: g.src, dst: g.dst, qty: f32 });
  const float32 = w.byteLength;
  w.dispose();
  gc();
  w = await GenealogyGraph.create({ kinds: g.kinds, src: g.src, dst: g.dst });
  const none = w.byteLength;
  w.dispose();
  gc();
  return { float32, none };
}

/** Mean wall time per call of `reps` calls of `fn(s)` in a row. */
function perCall(fn, s, reps) {
  const t = now();
  for (let k = 0; k < reps; k++) fn(s);
  return (now() - t) / reps;
}

/** Times `runs` builds of core-wasm graphs from `input` (each after a GC, each disposed). */
async function timeBuilds(input, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    gc();
    const t0 = now();
    const w = await GenealogyGraph.create(input);
    times.push(now() - t0);
    w.dispose();
  }
  return stats(times);
}

async function benchSize(lots, { quick, log, progress }) {
  const out = { lots };
  let p = progress(`core ${sizeLabel(lots)}: generate`);
  let t0 = now();
  const g = generate(lots, { seed: 42, progress: p });
  out.genMs = now() - t0;
  p.done();
  out.counts = g.counts;
  const n = g.kinds.length;

  // -- build: core-wasm (median of runs; the module is compiled once per process, warmed here)
  (
    await GenealogyGraph.create({ kinds: Uint8Array.of(0, 0), src: Int32Array.of(0), dst: Int32Array.of(1) })
  ).dispose();
  const input = { kinds: g.kinds, src: g.src, dst: g.dst, qty: g.qty };
  const buildRuns = quick ? 3 : 9;
  out.wasmBuild = await timeBuilds(input, buildRuns);
  gc();
  const wasm = await GenealogyGraph.create(input);
  out.wasmBytes = wasm.byteLength;
  // The same graph with float32-exact quantities (core-wasm then stores them as float32) and without any.
  out.wasmBytesVariants = await qtyVariants(g);
  // Build without quantities: the same work as the CSR baseline (which keeps none).
  out.wasmBuildBare = await timeBuilds({ kinds: g.kinds, src: g.src, dst: g.dst }, buildRuns);
  // Snapshot: size, toBytes and fromBytes (median of 3).
  const snapWrite = [];
  const snapRead = [];
  let snapshot = null;
  for (let i = 0; i < 3; i++) {
    gc();
    t0 = now();
    snapshot = wasm.toBytes();
    snapWrite.push(now() - t0);
    t0 = now();
    const copy = await GenealogyGraph.fromBytes(snapshot);
    snapRead.push(now() - t0);
    copy.dispose();
  }
  out.snapshot = { bytes: snapshot.byteLength, write: stats(snapWrite), read: stats(snapRead) };
  snapshot = null;
  gc();
  log(`core ${sizeLabel(lots)}: wasm build ${ms(out.wasmBuild.median)}, ${mbytes(out.wasmBytes)}`);

  // -- build: plain-JS CSR
  const csrBuild = [];
  let csr = null;
  for (let i = 0; i < buildRuns; i++) {
    csr = null;
    gc();
    t0 = now();
    csr = new CsrGraph(g.kinds, g.src, g.dst);
    csrBuild.push(now() - t0);
  }
  out.csrBuild = stats(csrBuild);
  out.csrBytes = csr.byteLength;
  log(`core ${sizeLabel(lots)}: CSR build ${ms(out.csrBuild.median)}, ${mbytes(out.csrBytes)}`);

  // -- query sets (the same for every implementation)
  const Q = quick ? 20 : 200;
  const QH = quick ? 10 : 100;
  const QE = quick ? 10 : 50;
  const sets = {
    forward: randomSets(g.samples.typicalRawLots, 1, Q, 1),
    backward: randomSets(g.samples.finishedLots, 1, Q, 2),
    recallTypical: randomSets(g.samples.typicalRawLots, 10, Q, 3),
    recallHeavy: randomSets(g.samples.heavyHitterLots, 10, QH, 4),
  };
  const keys = (set) => Array.from(set, (id) => nodeKey(g, id));
  const naiveSets = Object.fromEntries(Object.entries(sets).map(([k, v]) => [k, v.map(keys)]));
  const recall = (x) => ({ wasm: (s) => wasm.recallScope(s), csr: (s) => csr.recallScope(s), naive: x });
  const impls = {
    forward: { wasm: (s) => wasm.forward(s), csr: (s) => csr.forward(s), naive: (s) => naive.forward(s) },
    backward: { wasm: (s) => wasm.backward(s), csr: (s) => csr.backward(s), naive: (s) => naive.backward(s) },
    recallTypical: recall((s) => naive.recallScope(s)),
    recallHeavy: recall((s) => naive.recallScope(s)),
  };
  const sizeOf = (r) => (r.nodes ? r.nodes.length : r.length);
  const nodesOf = (r) => (r.nodes ? r.nodes : r);

  // -- correctness before timing: full set equality wasm == CSR (and countByKind) on every set.
  //    The CSR answers of the first 3 sets of each kind are kept to check naive later.
  p = progress(`core ${sizeLabel(lots)}: check`);
  let checked = 0;
  const totalChecks = Object.values(sets).reduce((a, s) => a + s.length, 0);
  const reference = {};
  for (const [q, list] of Object.entries(sets)) {
    reference[q] = [];
    for (let i = 0; i < list.length; i++) {
      const a = nodesOf(impls[q].wasm(list[i]));
      const b = nodesOf(impls[q].csr(list[i]));
      if (!sameSet(a, b))
        throw new Error(`core: wasm and CSR disagree on ${q} set ${i} (${a.length} vs ${b.length})`);
      if (q.startsWith('recall')) {
        const wc = impls[q].wasm(list[i]).countByKind;
        const cc = impls[q].csr(list[i]).countByKind;
        for (let k = 0; k < 3; k++) {
          if (wc[k] !== cc[k])
            throw new Error(`core: recallScope countByKind[${k}] differs on ${q} set ${i}`);
        }
      }
      if (i < 3) reference[q].push(sortedCopy(b));
      if ((++checked & 15) === 0) p(checked / totalChecks);
    }
  }
  p.done();
  out.checked = totalChecks;

  // -- timing wasm vs CSR: per set, both run back to back (order alternating), so drift and GC noise
  //    hit both alike. The naive baseline runs later, alone (its ~1 GB heap would make every GC —
  //    including those triggered by the others' result arrays — far more expensive).
  out.q = {};
  for (const q of Object.keys(sets)) {
    const list = sets[q];
    const fw = impls[q].wasm;
    const fc = impls[q].csr;
    // Warm up, and calibrate `reps` for the hot measurement of µs-scale queries.
    let warmT = now();
    const warmN = Math.min(5, list.length);
    for (let i = 0; i < warmN; i++) {
      fw(list[i]);
      fc(list[i]);
    }
    warmT = (now() - warmT) / (2 * warmN);
    const reps = Math.max(1, Math.min(50, Math.ceil(0.2 / Math.max(warmT, 1e-4))));
    const tw = new Float64Array(list.length);
    const tc = new Float64Array(list.length);
    const sz = new Float64Array(list.length);
    const twh = new Float64Array(list.length);
    const tch = new Float64Array(list.length);
    // the wasm result's size is recorded from the cold call
    let lastSize = 0;
    const fwSized = (x) => {
      lastSize = sizeOf(fw(x));
    };
    p = progress(`core ${sizeLabel(lots)}: ${q} wasm+csr`);
    gc();
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      // cold: each set once (what a service answering random recalls sees) …
      if (i & 1) {
        tc[i] = perCall(fc, s, 1);
        tw[i] = perCall(fwSized, s, 1);
      } else {
        tw[i] = perCall(fwSized, s, 1);
        tc[i] = perCall(fc, s, 1);
      }
      sz[i] = lastSize;
      // … and, for µs-scale queries, hot: the same set `reps` times in a row (fixed per-call cost),
      // in the same alternating order
      if (reps > 1) {
        if (i & 1) {
          tch[i] = perCall(fc, s, reps);
          twh[i] = perCall(fw, s, reps);
        } else {
          twh[i] = perCall(fw, s, reps);
          tch[i] = perCall(fc, s, reps);
        }
      }
      if ((i & 7) === 0) p(i / list.length);
    }
    p.done();
    let sum = 0;
    for (const x of sz) sum += x;
    out.q[q] = { wasm: stats(tw), csr: stats(tc), sizes: sz, meanSize: sum / list.length };
    if (reps > 1) out.q[q].hot = { reps, wasm: stats(twh), csr: stats(tch) };
  }

  // -- exposure (core-wasm only: no baseline implements mass balance)
  out.exposure = {};
  for (const [name, pool, seed] of [
    ['typical', g.samples.typicalRawLots, 5],
    ['heavy', g.samples.heavyHitterLots, 6],
  ]) {
    const es = randomSets(pool, 10, QE, seed);
    const r = timeQueries(
      `core ${sizeLabel(lots)}: exposure ${name}`,
      es,
      (s) => wasm.exposure(s),
      sizeOf,
      progress,
    );
    let sum = 0;
    for (const x of r.sizes) sum += x;
    r.meanSize = sum / r.sizes.length;
    out.exposure[name] = r;
  }

  // -- append 10k edges then trace: rounds of 10k edges withheld from the generated graph (every k-th
  //    edge, so they are spread over the whole genealogy); trace = forward closure of 10 typical lots.
  const ROUNDS = quick ? 3 : 8;
  const CHUNK = Math.min(10_000, Math.floor(g.src.length / (ROUNDS * 4)));
  const held = ROUNDS * CHUNK;
  const stride = Math.floor(g.src.length / held);
  const isHeld = new Uint8Array(g.src.length);
  for (let i = 0; i < held; i++) isHeld[i * stride] = 1;
  const baseM = g.src.length - held;
  const bSrc = new Int32Array(baseM);
  const bDst = new Int32Array(baseM);
  const bQty = new Float64Array(baseM);
  const hSrc = new Int32Array(held);
  const hDst = new Int32Array(held);
  const hQty = new Float64Array(held);
  for (let i = 0, b = 0, h = 0; i < g.src.length; i++) {
    if (isHeld[i]) {
      hSrc[h] = g.src[i];
      hDst[h] = g.dst[i];
      hQty[h++] = g.qty[i];
    } else {
      bSrc[b] = g.src[i];
      bDst[b] = g.dst[i];
      bQty[b++] = g.qty[i];
    }
  }
  const traceRoots = randomSets(g.samples.typicalRawLots, 10, ROUNDS, 8);
  const chunk = (a, r) => a.subarray(r * CHUNK, (r + 1) * CHUNK);
  wasm.dispose();
  csr = null;
  gc();
  const wInc = await GenealogyGraph.create({ kinds: g.kinds, src: bSrc, dst: bDst, qty: bQty });
  const appendW = [];
  const appendC = [];
  const appendSizes = [];
  let curSrc = bSrc;
  let curDst = bDst;
  p = progress(`core ${sizeLabel(lots)}: append+trace wasm+csr`);
  for (let r = 0; r < ROUNDS; r++) {
    const cs = chunk(hSrc, r);
    const cd = chunk(hDst, r);
    const roots = traceRoots[r];
    gc();
    t0 = now();
    wInc.addEdges(cs, cd, chunk(hQty, r));
    const a = wInc.forward(roots);
    appendW.push(now() - t0);
    gc();
    // CSR baseline: no incremental structure — concatenate and rebuild, then trace.
    t0 = now();
    const ns = new Int32Array(curSrc.length + CHUNK);
    ns.set(curSrc);
    ns.set(cs, curSrc.length);
    const nd = new Int32Array(curDst.length + CHUNK);
    nd.set(curDst);
    nd.set(cd, curDst.length);
    const c2 = new CsrGraph(g.kinds, ns, nd);
    const b = c2.forward(roots);
    appendC.push(now() - t0);
    curSrc = ns;
    curDst = nd;
    if (!sameSet(a, b)) throw new Error(`core: append round ${r}: wasm and CSR differ`);
    appendSizes.push(b.length);
    p((r + 1) / ROUNDS);
  }
  p.done();
  wInc.dispose();
  curSrc = null;
  curDst = null;
  gc();

  // -- naive Map baseline, alone: build, check, time, then its own append rounds.
  const heap0 = await heapAfterGc();
  t0 = now();
  let naive = new NaiveGraph(records(g));
  out.naiveBuild = stats([now() - t0]);
  out.naiveBytes = (await heapAfterGc()) - heap0;
  log(`core ${sizeLabel(lots)}: naive build ${ms(out.naiveBuild.median)}, ~${mbytes(out.naiveBytes)} heap`);
  for (const q of Object.keys(sets)) {
    for (let i = 0; i < reference[q].length; i++) {
      const ids = Int32Array.from(nodesOf(impls[q].naive(naiveSets[q][i])), keyToId);
      if (!sameSet(ids, reference[q][i])) throw new Error(`core: naive and CSR disagree on ${q} set ${i}`);
    }
    const r = timeQueries(
      `core ${sizeLabel(lots)}: ${q} naive`,
      naiveSets[q],
      impls[q].naive,
      sizeOf,
      progress,
    );
    for (let i = 0; i < sets[q].length; i++) {
      if (r.sizes[i] !== out.q[q].sizes[i])
        throw new Error(`core: naive result size differs on ${q} set ${i}`);
    }
    out.q[q].naive = r;
    const x = out.q[q];
    log(
      `core ${sizeLabel(lots)}: ${q}: wasm ${ms(x.wasm.median)} csr ${ms(x.csr.median)} naive ${ms(r.median)} (mean ${int(x.meanSize)} nodes)`,
    );
  }
  naive = null;
  gc();
  // naive append: Map adjacency is trivially incremental — built on the base edges first.
  const naiveInc = new NaiveGraph(
    (function* () {
      for (let i = 0; i < n; i++) yield { type: 'node', key: nodeKey(g, i), kind: 'lot' };
      for (let i = 0; i < baseM; i++)
        yield { type: 'edge', from: nodeKey(g, bSrc[i]), to: nodeKey(g, bDst[i]) };
    })(),
  );
  const appendN = [];
  for (let r = 0; r < ROUNDS; r++) {
    const csKeys = keys(chunk(hSrc, r));
    const cdKeys = keys(chunk(hDst, r));
    const rootKeys = keys(traceRoots[r]);
    gc();
    t0 = now();
    for (let i = 0; i < CHUNK; i++) naiveInc.addEdge(csKeys[i], cdKeys[i]);
    const c = naiveInc.forward(rootKeys);
    appendN.push(now() - t0);
    if (c.length !== appendSizes[r]) throw new Error(`core: append round ${r}: naive differs`);
  }
  out.append = {
    chunk: CHUNK,
    rounds: ROUNDS,
    wasm: stats(appendW),
    csr: stats(appendC),
    naive: stats(appendN),
  };
  return out;
}

/** 5M (or any size given with `memoryOnly`): generation, wasm build time and memory, CSR bytes. */
async function benchMemory(lots, { log, progress }) {
  gc();
  const p = progress(`core ${sizeLabel(lots)}: generate`);
  let t0 = now();
  const g = generate(lots, { seed: 42, progress: p });
  p.done();
  const out = { lots, counts: g.counts, genMs: now() - t0 };
  gc();
  t0 = now();
  const w = await GenealogyGraph.create({ kinds: g.kinds, src: g.src, dst: g.dst, qty: g.qty });
  out.wasmBuildMs = now() - t0;
  out.wasmBytes = w.byteLength;
  w.dispose();
  out.wasmBytesVariants = await qtyVariants(g);
  const w2 = await GenealogyGraph.create({ kinds: g.kinds, src: g.src, dst: g.dst, qty: g.qty });
  const heavy = randomSets(g.samples.heavyHitterLots, 10, 20, 4);
  const times = heavy.map((s) => {
    const t = now();
    w2.recallScope(s);
    return now() - t;
  });
  out.heavyRecall = stats(times.slice(3));
  w2.dispose();
  gc();
  t0 = now();
  const c = new CsrGraph(g.kinds, g.src, g.dst);
  out.csrBuildMs = now() - t0;
  out.csrBytes = c.byteLength;
  out.inputBytes = g.kinds.byteLength + g.src.byteLength + g.dst.byteLength + g.qty.byteLength;
  log(`core ${sizeLabel(lots)}: wasm ${mbytes(out.wasmBytes)} build ${ms(out.wasmBuildMs)}`);
  return out;
}

// ---------------------------------------------------------------- report

const QUERY_LABEL = {
  forward: 'forward closure, 1 typical raw lot',
  backward: 'backward closure, 1 finished lot',
  recallTypical: 'recall scope, 10 typical raw lots',
  recallHeavy: 'recall scope, 10 heavy-hitter (silo) lots',
};

function report(results, memResults, { quick }) {
  const L = [];
  L.push('## core: genealogy index and traversals');
  L.push('');
  L.push(
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}${quick ? ' (**--quick**: tiny sizes, not representative)' : ''}. ` +
      'Genealogy from `bench/src/generator.mjs` (seed 42): supplier lots → batches (2–8 inputs) → finished lots → ' +
      'deliveries → customers, silo lots feeding thousands of batches, rework cycles; quantities with 3 decimals ' +
      '(not float32-exact; core-wasm stores them losslessly as 32-bit decimal words). Implementations, all in this process on the same ' +
      'graph and the same query sets: **wasm** = `@lotgraph/core-wasm`; **CSR** = hand-written plain-JS BFS over ' +
      '`Int32Array` CSR (counting-sort build, typed-array queue, epoch-stamped visited array); **naive** = ' +
      '`Map<string,string[]>` + `Set` BFS over string keys. Before timing, every query set was checked: wasm and ' +
      'CSR return the same node set (full comparison; same `countByKind` for recall scope), naive the same set on ' +
      'the first 3 sets of each kind and the same count on all. Times are per query, wall clock (`performance.now()`), ' +
      'after warm-up calls, each set run once (cold: different lots each time, as a service sees them; ' +
      'µs-scale queries are also shown hot, repeated on the same set); wasm and CSR run back to back on each set (order alternating), the naive baseline ' +
      'afterwards on its own (its ~1 GB of Maps would make every GC in the process slower for the others); ' +
      'every implementation returns a fresh result array per query (wasm copies its result out of linear memory); "ratio" = baseline median ÷ wasm median (> 1 means wasm is faster). 1 MB = 10⁶ bytes.',
  );
  for (const r of results) {
    const c = r.counts;
    L.push('');
    L.push(`### ${sizeLabel(r.lots)} lots`);
    L.push('');
    L.push(
      `${int(c.nodes)} nodes (${int(c.raw)} raw + ${c.heavy} silo + ${c.rework} rework-bin + ${int(c.intermediate)} ` +
        `intermediate + ${int(c.finished)} finished lots, ${int(c.deliveries)} deliveries, ${int(c.customers)} customers), ` +
        `${int(c.edges)} edges; generated in ${ms(r.genMs)}.`,
    );
    L.push('');
    L.push('| build | wasm | CSR | naive | CSR ÷ wasm |');
    L.push('|---|---:|---:|---:|---:|');
    L.push(
      `| build time (median of ${r.wasmBuild.n}; naive: 1 run) | ${ms(r.wasmBuild.median)} | ${ms(r.csrBuild.median)} | ${ms(r.naiveBuild.median)} | ${ratio(r.csrBuild.median, r.wasmBuild.median)} |`,
    );
    L.push(
      `| build time without quantities (the CSR baseline keeps none) | ${ms(r.wasmBuildBare.median)} | ${ms(r.csrBuild.median)} | | ${ratio(r.csrBuild.median, r.wasmBuildBare.median)} |`,
    );
    L.push(
      `| memory held (wasm: \`byteLength\`; CSR: typed arrays; naive: heap growth after GC) | ${mbytes(r.wasmBytes)} | ${mbytes(r.csrBytes)} | ${mbytes(r.naiveBytes)} | |`,
    );
    L.push(
      `| wasm \`byteLength\` of the same graph with float32-exact quantities / without quantities | ${mbytes(r.wasmBytesVariants.float32)} / ${mbytes(r.wasmBytesVariants.none)} | | | |`,
    );
    L.push(
      `| snapshot: \`toBytes()\` size / write / \`fromBytes\` read (median of 3) | ${mbytes(r.snapshot.bytes)} / ${ms(r.snapshot.write.median)} / ${ms(r.snapshot.read.median)} | | | |`,
    );
    L.push('');
    L.push(
      '| query | sets | mean result (nodes) | wasm median | wasm p95 | CSR median | CSR p95 | naive median | naive p95 | CSR ÷ wasm | naive ÷ wasm |',
    );
    L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const [q, x] of Object.entries(r.q)) {
      L.push(
        `| ${QUERY_LABEL[q]} | ${x.wasm.n} | ${int(x.meanSize)} | ${ms(x.wasm.median)} | ${ms(x.wasm.p95)} | ${ms(x.csr.median)} | ${ms(x.csr.p95)} | ${ms(x.naive.median)} | ${ms(x.naive.p95)} | ${ratio(x.csr.median, x.wasm.median)} | ${ratio(x.naive.median, x.wasm.median)} |`,
      );
    }
    const a = r.append;
    L.push(
      `| append ${int(a.chunk)} edges then trace 10 typical lots (${a.rounds} rounds; wasm \`addEdges\`, CSR concat + rebuild, naive \`Map\` push) | ${a.rounds} | | ${ms(a.wasm.median)} | max ${ms(a.wasm.max)} | ${ms(a.csr.median)} | max ${ms(a.csr.max)} | ${ms(a.naive.median)} | max ${ms(a.naive.max)} | ${ratio(a.csr.median, a.wasm.median)} | ${ratio(a.naive.median, a.wasm.median)} |`,
    );
    const hot = Object.entries(r.q).filter(([, x]) => x.hot);
    if (hot.length) {
      L.push('');
      L.push(
        '| query, hot (same set repeated k times in a row: fixed per-call cost) | k | wasm median | CSR median | CSR ÷ wasm |',
      );
      L.push('|---|---:|---:|---:|---:|');
      for (const [q, x] of hot) {
        L.push(
          `| ${QUERY_LABEL[q]} | ${x.hot.reps} | ${ms(x.hot.wasm.median)} | ${ms(x.hot.csr.median)} | ${ratio(x.hot.csr.median, x.hot.wasm.median)} |`,
        );
      }
    }
    L.push('');
    L.push(
      '| exposure / mass balance (wasm only — no baseline implements it) | sets | mean result (nodes) | median | p95 |',
    );
    L.push('|---|---:|---:|---:|---:|');
    for (const [name, x] of Object.entries(r.exposure)) {
      L.push(
        `| exposure of 10 ${name} lots | ${x.n} | ${int(x.meanSize)} | ${ms(x.median)} | ${ms(x.p95)} |`,
      );
    }
  }
  for (const m of memResults) {
    L.push('');
    L.push(`### ${sizeLabel(m.lots)} lots (memory footprint)`);
    L.push('');
    L.push(
      `${int(m.counts.nodes)} nodes, ${int(m.counts.edges)} edges (input arrays ${mbytes(m.inputBytes)}); generated in ${ms(m.genMs)}. ` +
        `core-wasm: build ${ms(m.wasmBuildMs)}, **${mbytes(m.wasmBytes)}** of wasm memory; heavy recall of 10 lots median ${ms(m.heavyRecall.median)} (${m.heavyRecall.n} sets). ` +
        `Same graph with float32-exact quantities: ${mbytes(m.wasmBytesVariants.float32)}; without quantities: ${mbytes(m.wasmBytesVariants.none)}. ` +
        `Plain-JS CSR: build ${ms(m.csrBuildMs)}, ${mbytes(m.csrBytes)} (no quantities).`,
    );
  }

  // targets (issue 2 §4) — for 1M lots; fall back to the largest size run
  const t = results.find((r) => r.lots === 1e6) ?? results[results.length - 1];
  const m5 = memResults.find((m) => m.lots === 5e6);
  if (t) {
    const mark = (ok) => (ok ? '✅' : '❌');
    L.push('');
    L.push(
      `### Targets (issue 2 §4, at 1M lots on 2 cores)${t.lots === 1e6 ? '' : ` — **measured at ${sizeLabel(t.lots)}, not 1M**`}`,
    );
    L.push('');
    L.push('| target | measured | met |');
    L.push('|---|---|:-:|');
    L.push(`| build ≤ 150 ms | ${ms(t.wasmBuild.median)} (median) | ${mark(t.wasmBuild.median <= 150)} |`);
    L.push(
      `| wasm memory for the graph ≤ 60 MB | ${mbytes(t.wasmBytes)} (float32-exact quantities: ${mbytes(t.wasmBytesVariants.float32)}; none: ${mbytes(t.wasmBytesVariants.none)}) | ${mark(t.wasmBytes <= 60 * MB)} |`,
    );
    const h = t.q.recallHeavy;
    L.push(
      `| heavy recall of 10 lots, median ≤ 1.5 ms | ${ms(h.wasm.median)} (p95 ${ms(h.wasm.p95)}) | ${mark(h.wasm.median <= 1.5)} |`,
    );
    const hr = h.csr.median / h.wasm.median;
    L.push(
      `| heavy recall ≥ 1.5× faster than plain-JS CSR | ${hr.toFixed(2)}× (CSR ${ms(h.csr.median)}) | ${mark(hr >= 1.5)} |`,
    );
    const slower = Object.entries(t.q)
      .filter(([, x]) => x.wasm.median > x.csr.median)
      .map(([q, x]) => `${QUERY_LABEL[q]} (${ratio(x.csr.median, x.wasm.median)})`);
    if (t.append.wasm.median > t.append.csr.median) slower.push('append+trace');
    const hotSlower = Object.entries(t.q)
      .filter(([, x]) => x.hot && x.hot.wasm.median > x.hot.csr.median)
      .map(([q, x]) => `${QUERY_LABEL[q]} (${ratio(x.hot.csr.median, x.hot.wasm.median)})`);
    L.push(
      `| never slower than plain-JS CSR on any query type (cold medians) | ${slower.length ? `slower on: ${slower.join('; ')}` : 'faster or equal on all 5 query types'}` +
        `${hotSlower.length ? `. Hot, same set repeated (fixed per-call cost), wasm is slower on: ${hotSlower.join('; ')}` : ''}` +
        `${t.wasmBuild.median > t.csrBuild.median ? `. Build (not a query) is slower: ${ratio(t.csrBuild.median, t.wasmBuild.median)} with quantities, ${ratio(t.csrBuild.median, t.wasmBuildBare.median)} without (as the baseline)` : ''} | ${mark(slower.length === 0)}${hotSlower.length && slower.length === 0 ? ' cold / ❌ hot' : ''} |`,
    );
    L.push(
      `| append 10k edges then trace ≤ 10 ms | ${ms(t.append.wasm.median)} median, ${ms(t.append.wasm.max)} max over ${t.append.rounds} rounds | ${mark(t.append.wasm.median <= 10)}${t.append.wasm.max > 10 ? ' (max over)' : ''} |`,
    );
    L.push(
      m5
        ? `| 5M lots ≤ 300 MB | ${mbytes(m5.wasmBytes)} (float32-exact quantities: ${mbytes(m5.wasmBytesVariants.float32)}) | ${mark(m5.wasmBytes <= 300 * MB)} |`
        : '| 5M lots ≤ 300 MB | not run (add `--sizes 100k,1m,5m`) | – |',
    );
  }
  return L.join('\n');
}

/** @param {{ sizes: number[], quick: boolean, log: (m: string) => void, progress: Function }} ctx */
export async function run({ sizes, quick = false, log = () => {}, progress }) {
  const prog = progress ?? silentProgress;
  const ctx = { quick, log, progress: prog };
  const results = [];
  const memResults = [];
  for (const lots of [...sizes].sort((a, b) => a - b)) {
    if (lots >= 5e6) memResults.push(await benchMemory(lots, ctx));
    else results.push(await benchSize(lots, ctx));
    gc();
  }
  return report(results, memResults, { quick });
}
