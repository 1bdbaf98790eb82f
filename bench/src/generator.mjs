// Deterministic, seeded generator of a realistic food-manufacturer lot genealogy (DESIGN.md §7).
//
// Tiers, in production-time order:
//   supplier (raw) lots → intermediate batches (2–8 inputs) → finished-goods lots → deliveries
//   (shipments, 1–5 shipment lines each) → customers (thousands, Zipf-like skew: a few big retailers).
// Realism knobs:
//   - heavy hitters: silo lots (sugar, salt, oil …) that each feed thousands of batches during their
//     time window;
//   - rework bins: a finished lot occasionally goes back into a rework bin that later batches consume →
//     genuine cycles (bin → batch → finished → bin);
//   - intermediates occasionally consume earlier intermediates (multi-level recipes);
//   - edge quantities include zero, tiny (1e-6) and huge (1e6) values.
// Everything lives in typed arrays (no per-node objects): 1M lots in a couple of seconds, 5M within memory.
//
// Node ids: lots 0..N-1 (kind 0), deliveries N..N+D-1 (kind 1), customers N+D..N+D+C-1 (kind 2).

export const KIND_LOT = 0;
export const KIND_DELIVERY = 1;
export const KIND_CUSTOMER = 2;

/** mulberry32: tiny, fast, good-enough 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Growable edge list over typed arrays. */
class EdgeBuf {
  constructor(cap) {
    this.src = new Int32Array(cap);
    this.dst = new Int32Array(cap);
    this.qty = new Float64Array(cap);
    this.length = 0;
  }
  push(s, d, q) {
    if (this.length === this.src.length) this.grow();
    const i = this.length++;
    this.src[i] = s;
    this.dst[i] = d;
    this.qty[i] = q;
  }
  grow() {
    const cap = Math.ceil(this.src.length * 1.5) + 16;
    const s = new Int32Array(cap);
    s.set(this.src);
    const d = new Int32Array(cap);
    d.set(this.dst);
    const q = new Float64Array(cap);
    q.set(this.qty);
    this.src = s;
    this.dst = d;
    this.qty = q;
  }
}

/**
 * @typedef {object} Genealogy
 * @property {Uint8Array} kinds   kind per node (0 lot, 1 delivery, 2 customer)
 * @property {Int32Array} src     edge sources (input side)
 * @property {Int32Array} dst     edge targets (output side)
 * @property {Float64Array} qty   edge quantities (≥ 0, finite)
 * @property {Uint8Array} role    per lot: 0 raw, 1 heavy hitter (silo), 2 rework bin, 3 intermediate, 4 finished
 * @property {{lots:number, raw:number, heavy:number, rework:number, intermediate:number, finished:number,
 *   deliveries:number, customers:number, nodes:number, edges:number, seed:number}} counts
 * @property {{typicalRawLots:Int32Array, heavyHitterLots:Int32Array, reworkLots:Int32Array,
 *   intermediateLots:Int32Array, finishedLots:Int32Array}} samples
 */

export const ROLE_RAW = 0;
export const ROLE_HEAVY = 1;
export const ROLE_REWORK = 2;
export const ROLE_INTERMEDIATE = 3;
export const ROLE_FINISHED = 4;

/**
 * Generate a genealogy of `lots` lot nodes (raw + intermediate + finished), plus deliveries and customers.
 * @param {number} lots
 * @param {{ seed?: number, progress?: (fraction: number) => void }} [opts]
 * @returns {Genealogy}
 */
export function generate(lots, opts = {}) {
  const seed = opts.seed ?? 42;
  const progress = opts.progress ?? (() => {});
  const rnd = mulberry32(seed);
  const ri = (n) => (rnd() * n) | 0; // int in [0, n)
  const N = Math.max(200, lots | 0);

  const H = Math.max(16, Math.round(N / 10_000)); // silo lots (heavy hitters)
  const R = Math.max(4, Math.round(N / 100_000)); // rework bins
  const role = new Uint8Array(N);
  for (let i = 0; i < H; i++) role[i] = ROLE_HEAVY;
  for (let i = H; i < H + R; i++) role[i] = ROLE_REWORK;

  const edges = new EdgeBuf(Math.ceil(N * 4.2));
  // Recent-window rings: batches consume what arrived recently.
  const RAW_W = 2048;
  const INT_W = 1024;
  const rawRing = new Int32Array(RAW_W);
  let rawN = 0;
  const intRing = new Int32Array(INT_W);
  let intN = 0;
  const finished = new Int32Array(N);
  let finN = 0;

  const quantity = () => {
    const u = rnd();
    if (u < 0.01) return 0; // booked with zero quantity
    if (u < 0.015) return 1e-6; // trace amount
    if (u < 0.02) return 1e6; // bulk
    return Math.round((1 + rnd() * 999) * 1000) / 1000;
  };

  const first = H + R;
  const span = N - first;
  const tick = Math.max(1, Math.floor(span / 100));
  for (let id = first; id < N; id++) {
    if ((id - first) % tick === 0) progress((0.8 * (id - first)) / span);
    const t = (id - first) / span; // production time 0..1
    const u = rnd();
    // Start-up: make sure rings have something before consuming from them.
    if (u < 0.3 || rawN < 16) {
      role[id] = ROLE_RAW;
      rawRing[rawN++ % RAW_W] = id;
    } else if (u < 0.7 || intN < 16) {
      role[id] = ROLE_INTERMEDIATE;
      const nIn = 2 + ri(7); // 2..8 inputs
      let rawIn = nIn;
      if (rnd() < 0.6) {
        // one silo active in this time window (refilled ~H times over the period)
        let h = Math.floor(t * H) + ri(3) - 1;
        h = h < 0 ? 0 : h >= H ? H - 1 : h;
        edges.push(h, id, quantity());
        rawIn--;
      }
      if (rawIn > 1 && rnd() < 0.3) {
        edges.push(intRing[(intN - 1 - ri(Math.min(intN, INT_W))) % INT_W], id, quantity());
        rawIn--;
      }
      if (rawIn > 1 && rnd() < 0.01) {
        edges.push(H + Math.min(R - 1, Math.floor(t * R)), id, quantity()); // rework bin
        rawIn--;
      }
      const avail = Math.min(rawN, RAW_W);
      for (let k = 0; k < rawIn; k++) edges.push(rawRing[(rawN - 1 - ri(avail)) % RAW_W], id, quantity());
      intRing[intN++ % INT_W] = id;
    } else {
      role[id] = ROLE_FINISHED;
      const nIn = 1 + ri(3);
      const avail = Math.min(intN, 512);
      for (let k = 0; k < nIn; k++) edges.push(intRing[(intN - 1 - ri(avail)) % INT_W], id, quantity());
      if (rnd() < 0.2) edges.push(ri(H), id, quantity()); // salt/oil straight into packing
      finished[finN++] = id;
      if (rnd() < 0.0005) edges.push(id, H + Math.min(R - 1, Math.floor(t * R)), quantity()); // rework → cycle
    }
  }
  const lotEdges = edges.length;

  // Deliveries: shipments of 1–5 lines from recently finished lots, each to one customer.
  const D = Math.max(1, Math.round(finN * 0.6));
  const C = Math.max(1000, Math.round(N / 200));
  const dTick = Math.max(1, Math.floor(D / 20));
  for (let d = 0; d < D; d++) {
    if (d % dTick === 0) progress(0.8 + (0.2 * d) / D);
    const dn = N + d;
    const center = Math.floor((d / D) * finN);
    const lines = 1 + ri(5);
    for (let k = 0; k < lines; k++) {
      let f = center - ri(256);
      if (f < 0) f = 0;
      if (f >= finN) f = finN - 1;
      edges.push(finished[f], dn, quantity());
    }
    const c = Math.floor(rnd() * rnd() * C); // skewed: low ids are big customers
    edges.push(dn, N + D + c, 1);
  }
  progress(1);

  const nodes = N + D + C;
  const kinds = new Uint8Array(nodes);
  kinds.fill(KIND_DELIVERY, N, N + D);
  kinds.fill(KIND_CUSTOMER, N + D);
  const m = edges.length;
  const src = edges.src.slice(0, m);
  const dst = edges.dst.slice(0, m);
  const qty = edges.qty.slice(0, m);

  // Samples for queries. Typical raw lots: ordinary supplier lots that were consumed.
  const used = new Uint8Array(N);
  for (let i = 0; i < lotEdges; i++) used[src[i]] = 1;
  const pick = (r) => {
    let c = 0;
    for (let i = 0; i < N; i++) if (role[i] === r && used[i]) c++;
    const out = new Int32Array(c);
    c = 0;
    for (let i = 0; i < N; i++) if (role[i] === r && used[i]) out[c++] = i;
    return out;
  };
  const counts = {
    lots: N,
    raw: 0,
    heavy: H,
    rework: R,
    intermediate: 0,
    finished: finN,
    deliveries: D,
    customers: C,
    nodes,
    edges: m,
    seed,
  };
  for (let i = 0; i < N; i++) {
    if (role[i] === ROLE_RAW) counts.raw++;
    else if (role[i] === ROLE_INTERMEDIATE) counts.intermediate++;
  }
  return {
    kinds,
    src,
    dst,
    qty,
    role,
    counts,
    samples: {
      typicalRawLots: pick(ROLE_RAW),
      heavyHitterLots: pick(ROLE_HEAVY),
      reworkLots: pick(ROLE_REWORK),
      intermediateLots: pick(ROLE_INTERMEDIATE),
      finishedLots: finished.slice(0, finN),
    },
  };
}

const PREFIX = ['LOT-', 'DLV-', 'CUS-'];

/** String key of a node, as an application would store it ("LOT-123", "DLV-…", "CUS-…"). */
export function nodeKey(g, id) {
  return PREFIX[g.kinds[id]] + id;
}

/** Inverse of nodeKey. */
export function keyToId(key) {
  return Number(key.slice(4));
}

/**
 * The same genealogy as string-keyed records, in generation order: first every node
 * `{ type: 'node', key, kind: 'lot'|'delivery'|'customer' }`, then every edge `{ type: 'edge', from, to, qty }`.
 * @param {Genealogy} g
 */
export function* records(g) {
  const names = ['lot', 'delivery', 'customer'];
  for (let i = 0; i < g.kinds.length; i++)
    yield { type: 'node', key: nodeKey(g, i), kind: names[g.kinds[i]] };
  for (let i = 0; i < g.src.length; i++) {
    yield { type: 'edge', from: nodeKey(g, g.src[i]), to: nodeKey(g, g.dst[i]), qty: g.qty[i] };
  }
}

/** Random sets of `k` distinct ids from `pool`, deterministic for the seed. */
export function randomSets(pool, k, count, seed = 7) {
  const rnd = mulberry32(seed);
  const sets = [];
  for (let s = 0; s < count; s++) {
    const set = new Set();
    const want = Math.min(k, pool.length);
    while (set.size < want) set.add(pool[(rnd() * pool.length) | 0]);
    sets.push(Int32Array.from(set));
  }
  return sets;
}
