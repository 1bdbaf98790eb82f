// The genealogy core. One instance = one graph; all state lives in module globals and raw memory blocks
// (./allocator.ts), addressed with load/store. No managed objects, so no GC and no runtime allocator.
//
// Calling protocol (the TS side, src/graph.ts, owns it):
//   bulk build:   addNodes(n) → write kinds at kindsPtr()+first; buildBegin(m, hasQty); per staged chunk
//                 buildCount(len) (degrees); buildAlloc(); per staged chunk buildPlace(len) (edges and
//                 quantities); if buildFinish() returns 1, per staged chunk buildRequantify(len)
//   append:       per staged chunk appendEdges(len) (re-encodes stored quantities first if the chunk needs
//                 a wider encoding); compact() when the buffer is large
//   query:        queryBegin(); per staged chunk of roots querySeed(len); then closure/scope/exposure —
//                 or, for at most stageCapacity() roots, closureFrom/scopeFrom(nRoots, …) in one call;
//                 path(from, to) stands alone
//   results:      nodes in queuePtr() (path too), level ends in levelsPtr() (levelCount() of them: the
//                 nodes at depth d are queue[levels[d-1] .. levels[d])), kinds in resultKindsPtr(),
//                 shares in sharePtr()
// Inputs are validated by the TS side before they are staged: nothing here checks ids again.
//
// Edges point input → output. Forward CSR (fOff/fAdj) lists out-edges, reverse CSR (rOff/rAdj/rQty)
// in-edges; quantities are stored once, in reverse order, in the narrowest lossless encoding (see qmode). Appended edges sit in a buffer threaded by
// per-node linked lists (next arrays) that every traversal reads after the CSR range. The list heads are
// found through a bitset ("has appended edges", n/8 bytes) and a small hash table sized by the buffer, so
// appending costs nothing per node of the graph.
// "Visited" is a bitset (n/8 bytes, small enough to stay in cache) that every query clears again by walking
// its own result, so a query costs O(nodes and edges touched), never O(n). A breadth-first level that is
// large and dense is put in id order before it is expanded (through a second bitset), so the offset and
// adjacency arrays are read front to back instead of at random: that is what makes recalls of
// heavy-hitter lots (a tenth of the graph) fast. Per-query scratch other than the queue grows with the
// largest result asked for, not with the graph.

import { blockAlloc, blockFree, blockRealloc } from './allocator';

const STAGE: i32 = 16384;
const INT_MAX: i32 = 0x7fffffff;
const TOLERANCE: f64 = 1e-12;
const MAX_ITERATIONS: i32 = 1000;

// Fixed areas: staging for inputs (src i32 | dst i32 | qty f64), kind mask, counts per kind.
const stage: usize = blockAlloc(<usize>STAGE * 16);
const mask: usize = blockAlloc(256);
const counts: usize = blockAlloc(1024);
// Three more count tables: scope() counts into four in turn, so consecutive nodes of one kind do not wait
// on each other's increment.
const counts4: usize = blockAlloc(3 * 1024);

// Nodes.
let n: i32 = 0;
let ncap: i32 = 0;
let kinds: usize = 0; // u8[ncap]
let fOff: usize = 0; // i32[ncap+1]
let rOff: usize = 0; // i32[ncap+1]
let seen: usize = 0; // u32[ceil(ncap/32)] visited bits, all zero between queries
let lvlBits: usize = 0; // u32[ceil(ncap/32)] level-sorting bits, all zero between uses (on first use)
let queue: usize = 0; // i32[ncap] BFS queue = query result; path output
let okind: usize = 0; // u8[okcap] kind per result slot (scope), grown on demand
let okcap: i32 = 0;
let levels: usize = 0; // i32[lvcap] end of each BFS level in the queue
let lvcap: i32 = 0;
let nlevels: i32 = 0;
let aux: usize = 0; // i32[ncap] per node: BFS parent (path), queue position (exposure), cursor (compact);
// allocated on first use, so a graph that is only traced does not pay for it
let hasOut: usize = 0; // u32 bitset: node has appended out-edges (allocated on first append)
let hasIn: usize = 0;
// Head tables, one per direction (0 out, 1 in): open addressing, node → newest appended edge.
// Fields at heads + 20·d: keys ptr, values ptr, capacity (power of 2), count, hash shift.
const heads: usize = blockAlloc(40);
memory.fill(heads, 0, 40);

// Compacted edges.
let mBase: i32 = 0;
let fAdj: usize = 0; // i32[mBase]
let rAdj: usize = 0; // i32[mBase]
let rQty: usize = 0; // [mBase] in the encoding `qmode`; 0 (nothing) while no quantity is known

// Quantity encodings, always lossless (a value that an encoding cannot give back bit for bit moves every
// stored quantity to a wider one, so the choice depends only on the values, never on their order):
//   QNONE  no quantity known: nothing stored, every quantity reads as NaN (unknown)
//   QDEC   every known quantity is the double nearest to m / 10^k with m < 2^29 - 1 and k ≤ 7, i.e. a
//          decimal of at most 9 significant digits and 7 places (kilograms to the gram, litres to the ml,
//          1e-6 trace amounts, a million units): 4 bytes, k in the top 3 bits, m below; decoded by one
//          correctly rounded division, which gives back exactly the double the caller passed
//   QF32   otherwise, when every known quantity is exactly a float32 (binary fractions such as 2^-10,
//          integers up to 2^24): 4 bytes
//   QF64   anything else: 8 bytes
// Unknown quantities (NaN) are NaN in QF32/QF64 and the reserved word 0xFFFFFFFF in QDEC.
const QNONE: i32 = 0;
const QF32: i32 = 1;
const QDEC: i32 = 2;
const QF64: i32 = 3;
const QNAN: u32 = 0xffffffff;
const MANT: u32 = 0x1fffffff;
const POW10: usize = memory.data<f64>([1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7]);
let qmode: i32 = QNONE;
// What the stored quantities (plus those being classified) allow: any known, all float32, all decimal.
let qKnown = false;
let qAllF32 = true;
let qAllDec = true;
let qLastK: i32 = 3;

// Append buffer.
let na: i32 = 0;
let acap: i32 = 0;
let appSrc: usize = 0;
let appDst: usize = 0;
let appQty: usize = 0;
let appNextOut: usize = 0;
let appNextIn: usize = 0;

// Queries.
let qlen: i32 = 0;
let nroots: i32 = 0;

// Exposure scratch (allocated on first use).
let xcap: i32 = 0;
let xIdx: usize = 0;
let xLow: usize = 0;
let xStack: usize = 0;
let xIt: usize = 0;
let xOrder: usize = 0;
let xShare: usize = 0;
let xTmp: usize = 0;
let xFrame: usize = 0;

function gi(p: usize, i: i32): i32 {
  return load<i32>(p + ((<usize>i) << 2));
}
function si(p: usize, i: i32, v: i32): void {
  store<i32>(p + ((<usize>i) << 2), v);
}
function gf(p: usize, i: i32): f64 {
  return load<f64>(p + ((<usize>i) << 3));
}
function sf(p: usize, i: i32, v: f64): void {
  store<f64>(p + ((<usize>i) << 3), v);
}
// @ts-expect-error: decorator
function getQ(mode: i32, p: usize, i: i32): f64 {
  if (mode === QF32) return <f64>load<f32>(p + ((<usize>i) << 2));
  if (mode === QDEC) {
    const x = load<u32>(p + ((<usize>i) << 2));
    if (x === QNAN) return NaN;
    return <f64>(x & MANT) / load<f64>(POW10 + ((<usize>(x >>> 29)) << 3));
  }
  if (mode === QF64) return load<f64>(p + ((<usize>i) << 3));
  return NaN;
}
// @ts-expect-error: decorator
function putQ(mode: i32, p: usize, i: i32, v: f64): void {
  if (mode === QF32) store<f32>(p + ((<usize>i) << 2), <f32>v);
  else if (mode === QDEC) store<u32>(p + ((<usize>i) << 2), encodeDec(v));
  else if (mode === QF64) store<f64>(p + ((<usize>i) << 3), v);
}
function gq(p: usize, i: i32): f64 {
  return getQ(qmode, p, i);
}
function sq(p: usize, i: i32, v: f64): void {
  putQ(qmode, p, i, v);
}
function qbytes(mode: i32, count: usize): usize {
  return mode === QNONE ? 0 : mode === QF64 ? count << 3 : count << 2;
}

/** The QDEC word of v, or QNAN when v has none (also for NaN). Tries the last value's scale first. */
// @ts-expect-error: decorator
function encodeDec(v: f64): u32 {
  const x = decAt(v, qLastK);
  return x !== QNAN ? x : encodeDecSearch(v);
}
function encodeDecSearch(v: f64): u32 {
  if (isNaN(v)) return QNAN;
  let x: u32 = QNAN;
  for (let k = 0; k < 8; k++) {
    x = decAt(v, k);
    if (x !== QNAN) {
      qLastK = k;
      return x;
    }
  }
  return QNAN;
}
// @ts-expect-error: decorator
function decAt(v: f64, k: i32): u32 {
  const s = load<f64>(POW10 + ((<usize>k) << 3));
  const m = nearest(v * s);
  // m < MANT keeps the word below QNAN; NaN fails the comparisons
  return m >= 0 && m < <f64>MANT && m / s === v ? ((<u32>k) << 29) | <u32>m : QNAN;
}

/** Folds staged quantities [0, len) into the qKnown / qAllF32 / qAllDec flags. */
function classify(q: usize, len: i32): void {
  for (let i = 0; i < len; i++) {
    const v = load<f64>(q + ((<usize>i) << 3));
    if (isNaN(v)) continue;
    qKnown = true;
    if (qAllF32 && <f64>(<f32>v) !== v) qAllF32 = false;
    if (qAllDec && encodeDec(v) === QNAN) qAllDec = false;
    if (!qAllF32 && !qAllDec) return;
  }
}
function modeFromFlags(): i32 {
  return !qKnown ? QNONE : qAllDec ? QDEC : qAllF32 ? QF32 : QF64;
}

/** Re-encodes every stored quantity (compacted and appended) in `mode`. */
function recode(mode: i32): void {
  if (mode === qmode) return;
  const old = qmode;
  if (mBase > 0) {
    const q: usize = mode === QNONE ? 0 : blockAlloc(qbytes(mode, <usize>mBase));
    for (let i = 0; i < mBase; i++) putQ(mode, q, i, getQ(old, rQty, i));
    release(rQty);
    rQty = q;
  }
  if (acap > 0) {
    const q: usize = mode === QNONE ? 0 : blockAlloc(qbytes(mode, <usize>acap));
    for (let i = 0; i < na; i++) putQ(mode, q, i, getQ(old, appQty, i));
    release(appQty);
    appQty = q;
  }
  qmode = mode;
}
function resize(p: usize, bytes: usize): usize {
  return p === 0 ? blockAlloc(bytes) : blockRealloc(p, bytes);
}
function release(p: usize): void {
  if (p !== 0) blockFree(p);
}
function grownCapacity(cap: i32, need: i32, min: i32): i32 {
  let c = <i64>cap * 2;
  if (c < <i64>need) c = <i64>need;
  if (c < <i64>min) c = <i64>min;
  if (c > <i64>INT_MAX) c = <i64>INT_MAX;
  return <i32>c;
}

// ---- exported accessors -------------------------------------------------------------------------

export function alloc(size: usize): usize {
  return blockAlloc(size);
}
export function free(ptr: usize): void {
  blockFree(ptr);
}
export function stageCapacity(): i32 {
  return STAGE;
}
export function stagePtr(): usize {
  return stage;
}
export function maskPtr(): usize {
  return mask;
}
export function countsPtr(): usize {
  return counts;
}
export function nodeCount(): i32 {
  return n;
}
export function baseEdgeCount(): i32 {
  return mBase;
}
export function appendedEdgeCount(): i32 {
  return na;
}
export function kindsPtr(): usize {
  return kinds;
}
export function fOffPtr(): usize {
  return fOff;
}
export function fAdjPtr(): usize {
  return fAdj;
}
export function rOffPtr(): usize {
  return rOff;
}
export function rAdjPtr(): usize {
  return rAdj;
}
/** The quantity encoding: 0 none, 1 float32, 2 decimal word, 3 float64 (see QNONE … QF64). */
export function qtyMode(): i32 {
  return qmode;
}
/** Quantity `i` of a quantity array (rQtyPtr() or appQtyPtr()) as a double, NaN when unknown. */
export function qtyAt(p: usize, i: i32): f64 {
  return gq(p, i);
}
/** Decodes quantities [start, start+len) of a quantity array into the staging area's f64 part. */
export function qtyDecode(p: usize, start: i32, len: i32): void {
  const out = stage + ((<usize>STAGE) << 3);
  for (let i = 0; i < len; i++) store<f64>(out + ((<usize>i) << 3), gq(p, start + i));
}
export function rQtyPtr(): usize {
  return rQty;
}
export function appSrcPtr(): usize {
  return appSrc;
}
export function appDstPtr(): usize {
  return appDst;
}
export function appQtyPtr(): usize {
  return appQty;
}
export function appNextOutPtr(): usize {
  return appNextOut;
}
export function appNextInPtr(): usize {
  return appNextIn;
}
/** Newest appended edge of `node` in `direction` (0 out, 1 in), -1 if none; follow appNext*Ptr(). */
export function appendedHead(direction: i32, node: i32): i32 {
  return na > 0 ? headGet(direction, node) : -1;
}
export function queuePtr(): usize {
  return queue;
}
export function levelsPtr(): usize {
  return levels;
}
export function levelCount(): i32 {
  return nlevels;
}
export function resultKindsPtr(): usize {
  return okind;
}
export function sharePtr(): usize {
  return xShare;
}

// ---- nodes --------------------------------------------------------------------------------------

function ensureAux(): void {
  if (aux === 0) aux = blockAlloc((<usize>ncap) << 2);
}

function ensureNodes(need: i32): void {
  if (need <= ncap) return;
  const cap = grownCapacity(ncap, need, 16);
  const old = <usize>ncap;
  const c = <usize>cap;
  kinds = resize(kinds, c);
  fOff = resize(fOff, (c + 1) << 2);
  rOff = resize(rOff, (c + 1) << 2);
  if (old === 0) {
    si(fOff, 0, 0);
    si(rOff, 0, 0);
  }
  const oldWords = (old + 31) >>> 5;
  const words = (c + 31) >>> 5;
  seen = resize(seen, words << 2);
  memory.fill(seen + (oldWords << 2), 0, (words - oldWords) << 2);
  if (lvlBits !== 0) {
    lvlBits = resize(lvlBits, words << 2);
    memory.fill(lvlBits + (oldWords << 2), 0, (words - oldWords) << 2);
  }
  queue = resize(queue, (c + 1) << 2); // + 1: absorb() writes one slot past the last new node
  if (aux !== 0) aux = resize(aux, c << 2);
  if (hasOut !== 0) {
    hasOut = resize(hasOut, words << 2);
    memory.fill(hasOut + (oldWords << 2), 0, (words - oldWords) << 2);
    hasIn = resize(hasIn, words << 2);
    memory.fill(hasIn + (oldWords << 2), 0, (words - oldWords) << 2);
  }
  ncap = cap;
}

/** Adds `count` nodes (kind 0 until the caller writes their kinds); returns the first new id. */
export function addNodes(count: i32): i32 {
  const first = n;
  ensureNodes(n + count);
  memory.fill(kinds + <usize>first, 0, <usize>count);
  for (let i = first; i < first + count; i++) {
    si(fOff, i + 1, mBase);
    si(rOff, i + 1, mBase);
  }
  n = first + count;
  return first;
}

// ---- bulk build: counting sort over staged chunks -----------------------------------------------

let buildM: i32 = 0;

// Counting sort without cursor arrays: degrees are counted into off[v+1], an exclusive prefix sum turns
// off[v+1] into the start of v, and placing an edge bumps off[v+1], which leaves it at the end of v = the
// start of v+1: a finished CSR, stable in input order.
// Quantities are encoded while they are placed, optimistically as decimal words (the common case: one
// pass); buildFinish() then settles the encoding and, only when some quantity has no decimal word, asks
// for one more pass (buildRequantify) that re-places the quantities as float32 or float64.
let buildHasQty = false;

export function buildBegin(m: i32, hasQty: i32): void {
  buildM = m;
  buildHasQty = hasQty !== 0;
  qKnown = false;
  qAllF32 = true;
  qAllDec = true;
  memory.fill(fOff, 0, (<usize>n + 1) << 2);
  memory.fill(rOff, 0, (<usize>n + 1) << 2);
}

export function buildCount(len: i32): void {
  const s = stage;
  const d = stage + ((<usize>STAGE) << 2);
  for (let i = 0; i < len; i++) {
    const a = gi(s, i) + 1;
    const b = gi(d, i) + 1;
    si(fOff, a, gi(fOff, a) + 1);
    si(rOff, b, gi(rOff, b) + 1);
  }
}

export function buildAlloc(): void {
  let fs = 0;
  let rs = 0;
  for (let i = 1; i <= n; i++) {
    const fd = gi(fOff, i);
    si(fOff, i, fs);
    fs += fd;
    const rd = gi(rOff, i);
    si(rOff, i, rs);
    rs += rd;
  }
  const m = <usize>buildM;
  fAdj = blockAlloc((m + 4) << 2); // + 4: bfs() copies adjacency 4 entries at a time
  rAdj = blockAlloc((m + 4) << 2);
  qmode = buildHasQty ? QDEC : QNONE;
  rQty = buildHasQty ? blockAlloc(m << 2) : 0;
  mBase = buildM;
}

export function buildPlace(len: i32): void {
  const s = stage;
  const d = stage + ((<usize>STAGE) << 2);
  const q = stage + ((<usize>STAGE) << 3);
  const withQty = buildHasQty;
  let known = qKnown;
  let allF32 = qAllF32;
  let allDec = qAllDec;
  for (let i = 0; i < len; i++) {
    const a = gi(s, i);
    const b = gi(d, i);
    const pf = gi(fOff, a + 1);
    si(fOff, a + 1, pf + 1);
    si(fAdj, pf, b);
    const pr = gi(rOff, b + 1);
    si(rOff, b + 1, pr + 1);
    si(rAdj, pr, a);
    if (!withQty) continue;
    const v = gf(q, i);
    let x = QNAN;
    if (!isNaN(v)) {
      known = true;
      if (allF32 && <f64>(<f32>v) !== v) allF32 = false;
      if (allDec) {
        x = encodeDec(v);
        if (x === QNAN) allDec = false; // settled by buildFinish + buildRequantify
      }
    }
    store<u32>(rQty + ((<usize>pr) << 2), x);
  }
  qKnown = known;
  qAllF32 = allF32;
  qAllDec = allDec;
}

/** Settles the quantity encoding; returns 1 when a buildRequantify pass over every edge is needed. */
export function buildFinish(): i32 {
  if (!buildHasQty) return 0;
  if (!qKnown) {
    release(rQty);
    rQty = 0;
    qmode = QNONE;
    return 0;
  }
  if (qAllDec) return 0;
  qmode = qAllF32 ? QF32 : QF64;
  // rQty is the newest block, normally at the top of memory: this grows it in place (no second copy).
  rQty = blockRealloc(rQty, qbytes(qmode, <usize>mBase));
  for (let v = n - 1; v >= 0; v--) si(rOff, v + 1, gi(rOff, v)); // back to placement cursors
  return 1;
}

/** Re-places the staged quantities in the settled encoding (same chunks as buildPlace). */
export function buildRequantify(len: i32): void {
  const d = stage + ((<usize>STAGE) << 2);
  const q = stage + ((<usize>STAGE) << 3);
  const mode = qmode;
  for (let i = 0; i < len; i++) {
    const b = gi(d, i);
    const pr = gi(rOff, b + 1);
    si(rOff, b + 1, pr + 1);
    putQ(mode, rQty, pr, gf(q, i));
  }
}

// ---- append-list heads ----------------------------------------------------------------------------

function tField(d: i32, f: i32): usize {
  return heads + <usize>(d * 20 + f * 4);
}

function hashSlot(v: i32, shift: i32): i32 {
  return <i32>((<u32>v * 0x9e3779b1) >>> <u32>shift);
}

function headGet(d: i32, v: i32): i32 {
  const bits = d === 0 ? hasOut : hasIn;
  if ((load<u32>(bits + ((<usize>(v >>> 5)) << 2)) & (1 << (v & 31))) === 0) return -1;
  const keys = load<usize>(tField(d, 0));
  const mask = load<i32>(tField(d, 2)) - 1;
  let i = hashSlot(v, load<i32>(tField(d, 4)));
  let k = gi(keys, i);
  while (k !== v) {
    if (k === -1) return -1;
    i = (i + 1) & mask;
    k = gi(keys, i);
  }
  return gi(load<usize>(tField(d, 1)), i);
}

function headSet(d: i32, v: i32, e: i32): void {
  let cap = load<i32>(tField(d, 2));
  if ((load<i32>(tField(d, 3)) + 1) * 2 > cap) {
    headsGrow(d, cap < 1024 ? 1024 : cap * 2);
    cap = load<i32>(tField(d, 2));
  }
  const keys = load<usize>(tField(d, 0));
  const vals = load<usize>(tField(d, 1));
  let i = hashSlot(v, load<i32>(tField(d, 4)));
  while (true) {
    const k = gi(keys, i);
    if (k === v) break;
    if (k === -1) {
      si(keys, i, v);
      store<i32>(tField(d, 3), load<i32>(tField(d, 3)) + 1);
      break;
    }
    i = (i + 1) & (cap - 1);
  }
  si(vals, i, e);
  const bits = d === 0 ? hasOut : hasIn;
  const p = bits + ((<usize>(v >>> 5)) << 2);
  store<u32>(p, load<u32>(p) | (1 << (v & 31)));
}

function headsGrow(d: i32, cap: i32): void {
  const oldKeys = load<usize>(tField(d, 0));
  const oldVals = load<usize>(tField(d, 1));
  const oldCap = load<i32>(tField(d, 2));
  const keys = blockAlloc((<usize>cap) << 2);
  const vals = blockAlloc((<usize>cap) << 2);
  memory.fill(keys, 0xff, (<usize>cap) << 2);
  const shift = 32 - <i32>ctz(<u32>cap);
  for (let j = 0; j < oldCap; j++) {
    const k = gi(oldKeys, j);
    if (k === -1) continue;
    let i = hashSlot(k, shift);
    while (gi(keys, i) !== -1) i = (i + 1) & (cap - 1);
    si(keys, i, k);
    si(vals, i, gi(oldVals, j));
  }
  release(oldKeys);
  release(oldVals);
  store<usize>(tField(d, 0), keys);
  store<usize>(tField(d, 1), vals);
  store<i32>(tField(d, 2), cap);
  store<i32>(tField(d, 4), shift);
}

function headsClear(d: i32): void {
  const cap = load<i32>(tField(d, 2));
  if (cap > 0) memory.fill(load<usize>(tField(d, 0)), 0xff, (<usize>cap) << 2);
  store<i32>(tField(d, 3), 0);
}

// ---- incremental edges --------------------------------------------------------------------------

export function appendEdges(len: i32): void {
  if (hasOut === 0) {
    const bytes = ((<usize>ncap + 31) >>> 5) << 2;
    hasOut = blockAlloc(bytes);
    memory.fill(hasOut, 0, bytes);
    hasIn = blockAlloc(bytes);
    memory.fill(hasIn, 0, bytes);
  }
  // size both head tables for the whole chunk at once (at most one rehash per call)
  for (let d = 0; d < 2; d++) {
    const want = (load<i32>(tField(d, 3)) + len) * 2;
    const cap = load<i32>(tField(d, 2));
    if (want > cap) headsGrow(d, <i32>max<u32>(1024, (<u32>1) << (32 - clz<u32>(<u32>want - 1))));
  }
  classify(stage + ((<usize>STAGE) << 3), len);
  recode(modeFromFlags());
  if (na + len > acap) {
    const cap = <usize>grownCapacity(acap, na + len, 1024);
    appSrc = resize(appSrc, cap << 2);
    appDst = resize(appDst, cap << 2);
    if (qmode !== QNONE) appQty = resize(appQty, qbytes(qmode, cap));
    appNextOut = resize(appNextOut, cap << 2);
    appNextIn = resize(appNextIn, cap << 2);
    acap = <i32>cap;
  }
  const s = stage;
  const d = stage + ((<usize>STAGE) << 2);
  const q = stage + ((<usize>STAGE) << 3);
  for (let i = 0; i < len; i++) {
    const a = gi(s, i);
    const b = gi(d, i);
    const e = na + i;
    si(appSrc, e, a);
    si(appDst, e, b);
    sq(appQty, e, gf(q, i));
    si(appNextOut, e, headGet(0, a));
    headSet(0, a, e);
    si(appNextIn, e, headGet(1, b));
    headSet(1, b, e);
  }
  na += len;
}

/**
 * Merges the append buffer into the CSR arrays in place: each edge array is grown (blockRealloc, in place
 * when memory allows), then nodes are walked from the last to the first, moving each node's range up to
 * its new position and writing its appended edges after it. New positions never fall below old ones, so
 * nothing unread is overwritten. O(n + m); stable (CSR range first, then append order).
 */
export function compact(): void {
  if (na === 0) return;
  const total = mBase + na;
  // forward
  fAdj = blockRealloc(fAdj, (<usize>total + 4) << 2);
  let cursor = total;
  for (let i = n - 1; i >= 0; i--) {
    const oldStart = gi(fOff, i);
    const deg = gi(fOff, i + 1) - oldStart;
    let cnt = 0;
    for (let e = headGet(0, i); e >= 0; e = gi(appNextOut, e)) cnt++;
    const newEnd = cursor;
    const newStart = newEnd - deg - cnt;
    if (deg > 0 && newStart !== oldStart) {
      memory.copy(fAdj + ((<usize>newStart) << 2), fAdj + ((<usize>oldStart) << 2), (<usize>deg) << 2);
    }
    let pos = newEnd;
    for (let e = headGet(0, i); e >= 0; e = gi(appNextOut, e)) si(fAdj, --pos, gi(appDst, e));
    si(fOff, i + 1, newEnd);
    cursor = newStart;
  }
  // reverse, with quantities
  const qs: usize = qmode === QF64 ? 3 : 2;
  const hasQ = qmode !== QNONE;
  rAdj = blockRealloc(rAdj, (<usize>total + 4) << 2);
  if (hasQ) rQty = resize(rQty, (<usize>total) << qs);
  cursor = total;
  for (let i = n - 1; i >= 0; i--) {
    const oldStart = gi(rOff, i);
    const deg = gi(rOff, i + 1) - oldStart;
    let cnt = 0;
    for (let e = headGet(1, i); e >= 0; e = gi(appNextIn, e)) cnt++;
    const newEnd = cursor;
    const newStart = newEnd - deg - cnt;
    if (deg > 0 && newStart !== oldStart) {
      memory.copy(rAdj + ((<usize>newStart) << 2), rAdj + ((<usize>oldStart) << 2), (<usize>deg) << 2);
      if (hasQ) {
        memory.copy(rQty + ((<usize>newStart) << qs), rQty + ((<usize>oldStart) << qs), (<usize>deg) << qs);
      }
    }
    let pos = newEnd;
    for (let e = headGet(1, i); e >= 0; e = gi(appNextIn, e)) {
      pos--;
      si(rAdj, pos, gi(appSrc, e));
      sq(rQty, pos, gq(appQty, e));
    }
    si(rOff, i + 1, newEnd);
    cursor = newStart;
  }
  for (let e = 0; e < na; e++) {
    const a = gi(appSrc, e);
    const b = gi(appDst, e);
    store<u32>(hasOut + ((<usize>(a >>> 5)) << 2), 0);
    store<u32>(hasIn + ((<usize>(b >>> 5)) << 2), 0);
  }
  headsClear(0);
  headsClear(1);
  mBase = total;
  na = 0;
}

// ---- queries ------------------------------------------------------------------------------------

function isSeen(v: i32): bool {
  return (load<u32>(seen + ((<usize>(v >>> 5)) << 2)) & (1 << (v & 31))) !== 0;
}
function mark(v: i32): void {
  const p = seen + ((<usize>(v >>> 5)) << 2);
  store<u32>(p, load<u32>(p) | (1 << (v & 31)));
}
/** Clears the visited bits of queue[0..count): the bitset is all zero again, in O(count). */
function unmarkQueue(count: i32): void {
  for (let i = 0; i < count; i++) {
    const v = gi(queue, i);
    store<u32>(seen + ((<usize>(v >>> 5)) << 2), 0);
  }
}

export function queryBegin(): void {
  qlen = 0;
  nroots = 0;
}

/** Adds roots (staged ids) to the queue, once each; they stay marked until the query ends. */
export function querySeed(len: i32): void {
  let t = qlen;
  for (let i = 0; i < len; i++) {
    const r = gi(stage, i);
    if (!isSeen(r)) {
      mark(r);
      si(queue, t, r);
      t++;
    }
  }
  qlen = t;
  nroots = t;
}

function pushLevel(end: i32): void {
  if (nlevels === lvcap) {
    lvcap = grownCapacity(lvcap, nlevels + 1, 64);
    levels = resize(levels, (<usize>lvcap) << 2);
  }
  si(levels, nlevels++, end);
}

// A level is put in id order only when it is big and its ids dense enough that scanning the bitset words
// between its smallest and largest id costs less than the random reads it saves.
const SORT_MIN: i32 = 2048;
const SORT_WORDS_PER_NODE: i32 = 8;

/** Puts queue[from, to) in increasing id order (a bitset pass: O(count + id range / 32)), if it pays. */
function sortLevel(from: i32, to: i32): void {
  const count = to - from;
  if (count < SORT_MIN) return;
  let lo = INT_MAX;
  let hi = 0;
  for (let i = from; i < to; i++) {
    const v = gi(queue, i);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const w0 = lo >>> 5;
  const w1 = hi >>> 5;
  if (w1 - w0 + 1 > count * SORT_WORDS_PER_NODE) return;
  if (lvlBits === 0) {
    const bytes = ((<usize>ncap + 31) >>> 5) << 2;
    lvlBits = blockAlloc(bytes);
    memory.fill(lvlBits, 0, bytes);
  }
  const bits = lvlBits;
  for (let i = from; i < to; i++) {
    const v = gi(queue, i);
    const p = bits + ((<usize>(v >>> 5)) << 2);
    store<u32>(p, load<u32>(p) | (1 << (v & 31)));
  }
  let j = from;
  for (let w = w0; w <= w1; w++) {
    const p = bits + ((<usize>w) << 2);
    let word = load<u32>(p);
    if (word === 0) continue;
    store<u32>(p, 0);
    const base = w << 5;
    while (word !== 0) {
      si(queue, j++, base + <i32>ctz(word));
      word &= word - 1;
    }
  }
}

// Levels smaller than this are expanded node by node, without the gather buffer.
const SMALL_LEVEL: i32 = 64;

// Edges gathered per absorb() pass of the BFS (a fixed 32 kB buffer, small enough for L1/L2).
const GATHER: i32 = 8192;
const gather: usize = blockAlloc((<usize>GATHER + 8) << 2);

// Marks the targets p[0..len) and appends the new ones to the queue at t; returns the new t. Branch-free:
// every target is written to the queue slot, which only advances when the target was not yet seen, so
// random visited bits do not cost a misprediction each (the queue has one spare slot for this).
// @ts-expect-error: decorator
function absorb(p: usize, len: i32, t: i32): i32 {
  const bits = seen;
  const q = queue;
  for (let i = 0; i < len; i++) {
    const w = load<i32>(p + ((<usize>i) << 2));
    const wp = bits + ((<usize>(w >>> 5)) << 2);
    const word = load<u32>(wp);
    const bit: u32 = 1 << (w & 31);
    store<u32>(wp, word | bit);
    store<i32>(q + ((<usize>t) << 2), w);
    t += <i32>((word & bit) === 0);
  }
  return t;
}

// Level-synchronous BFS from the seeded queue; records level ends; leaves the visited bits set (callers
// clear them). Each level is expanded in two phases: the targets of low-degree nodes are gathered into a
// small buffer with fixed-size copies (no data-dependent branch, so the loads of many nodes overlap), then
// absorbed in one branch-free pass; a node with more than 4 out-edges is absorbed straight from the CSR.
function bfs(direction: i32, maxDepth: i32): i32 {
  const off = direction === 0 ? fOff : rOff;
  const adj = direction === 0 ? fAdj : rAdj;
  const next = direction === 0 ? appNextOut : appNextIn;
  const other = direction === 0 ? appDst : appSrc;
  const has = direction === 0 ? hasOut : hasIn;
  const q = queue;
  const g = gather;
  const appended = na > 0;
  let h = 0;
  let t = qlen;
  let d = 0;
  nlevels = 0;
  pushLevel(t);
  while (h < t && d < maxDepth) {
    const levelEnd = t;
    if (levelEnd - h < SMALL_LEVEL) {
      // A small level gains nothing from gathering: absorb each node's targets straight from the CSR.
      for (; h < levelEnd; h++) {
        const v = gi(q, h);
        const s = gi(off, v);
        t = absorb(adj + ((<usize>s) << 2), gi(off, v + 1) - s, t);
        if (appended && (load<u32>(has + ((<usize>(v >>> 5)) << 2)) & (1 << (v & 31))) !== 0) {
          for (let e = headGet(direction, v); e >= 0; e = gi(next, e)) {
            const w = gi(other, e);
            if (!isSeen(w)) {
              mark(w);
              si(q, t++, w);
            }
          }
        }
      }
      d++;
      if (t > levelEnd) pushLevel(t);
      continue;
    }
    sortLevel(h, levelEnd);
    let k = 0;
    for (; h < levelEnd; h++) {
      const v = gi(q, h);
      const s = gi(off, v);
      const deg = gi(off, v + 1) - s;
      const from = adj + ((<usize>s) << 2);
      if (deg <= 4) {
        const to = g + ((<usize>k) << 2);
        store<u64>(to, load<u64>(from));
        store<u64>(to + 8, load<u64>(from + 8));
        k += deg;
      } else {
        t = absorb(from, deg, t);
      }
      if (appended && (load<u32>(has + ((<usize>(v >>> 5)) << 2)) & (1 << (v & 31))) !== 0) {
        for (let e = headGet(direction, v); e >= 0; e = gi(next, e)) {
          if (k === GATHER) {
            t = absorb(g, k, t);
            k = 0;
          }
          si(g, k++, gi(other, e));
        }
      }
      if (k > GATHER - 4) {
        t = absorb(g, k, t);
        k = 0;
      }
    }
    t = absorb(g, k, t);
    d++;
    if (t > levelEnd) pushLevel(t);
  }
  qlen = t;
  return t;
}

/** Breadth-first walk from the seeded roots; with useMask, keeps only nodes whose kind is in the mask. */
export function closure(direction: i32, maxDepth: i32, useMask: i32): i32 {
  const t = bfs(direction, maxDepth);
  unmarkQueue(t);
  if (useMask === 0) return t;
  let j = 0;
  let i = 0;
  for (let l = 0; l < nlevels; l++) {
    const end = gi(levels, l);
    for (; i < end; i++) {
      const v = gi(queue, i);
      if (load<u8>(mask + <usize>load<u8>(kinds + <usize>v)) !== 0) si(queue, j++, v);
    }
    si(levels, l, j);
  }
  return j;
}

/** queryBegin + querySeed(nRoots) + closure in one call (nRoots ≤ stageCapacity()). */
export function closureFrom(nRoots: i32, direction: i32, maxDepth: i32, useMask: i32): i32 {
  queryBegin();
  querySeed(nRoots);
  return closure(direction, maxDepth, useMask);
}

/** Forward closure of the seeded roots, the kind of each (in resultKindsPtr()) and counts per kind. */
export function scope(): i32 {
  const count = bfs(0, INT_MAX);
  unmarkQueue(count);
  if (count > okcap) {
    release(okind);
    okcap = grownCapacity(okcap, count, 1024);
    if (okcap > ncap) okcap = ncap;
    okind = blockAlloc(<usize>okcap);
  }
  memory.fill(counts, 0, 1024);
  memory.fill(counts4, 0, 3 * 1024);
  const t1 = counts4;
  const t2 = counts4 + 1024;
  const t3 = counts4 + 2048;
  const q = queue;
  const o = okind;
  const kb = kinds;
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const p = q + ((<usize>i) << 2);
    const k0 = <usize>load<u8>(kb + <usize>load<i32>(p));
    const k1 = <usize>load<u8>(kb + <usize>load<i32>(p, 4));
    const k2 = <usize>load<u8>(kb + <usize>load<i32>(p, 8));
    const k3 = <usize>load<u8>(kb + <usize>load<i32>(p, 12));
    store<u32>(o + <usize>i, <u32>(k0 | (k1 << 8) | (k2 << 16) | (k3 << 24)));
    const c0 = counts + (k0 << 2);
    store<u32>(c0, load<u32>(c0) + 1);
    const c1 = t1 + (k1 << 2);
    store<u32>(c1, load<u32>(c1) + 1);
    const c2 = t2 + (k2 << 2);
    store<u32>(c2, load<u32>(c2) + 1);
    const c3 = t3 + (k3 << 2);
    store<u32>(c3, load<u32>(c3) + 1);
  }
  for (; i < count; i++) {
    const k = <usize>load<u8>(kb + <usize>gi(q, i));
    store<u8>(o + <usize>i, <u8>k);
    const c = counts + (k << 2);
    store<u32>(c, load<u32>(c) + 1);
  }
  for (let k: usize = 0; k < 1024; k += 4) {
    store<u32>(counts + k, load<u32>(counts + k) + load<u32>(t1 + k) + load<u32>(t2 + k) + load<u32>(t3 + k));
  }
  return count;
}

/** queryBegin + querySeed(nRoots) + scope in one call (nRoots ≤ stageCapacity()). */
export function scopeFrom(nRoots: i32): i32 {
  queryBegin();
  querySeed(nRoots);
  return scope();
}

/** Shortest chain from → to (forward); written to queuePtr(). Returns its node count, 0 if none. */
export function path(from: i32, to: i32): i32 {
  ensureAux();
  mark(from);
  si(queue, 0, from);
  si(aux, from, -1);
  let found = from === to;
  let h = 0;
  let t = 1;
  const appended = na > 0;
  while (h < t && !found) {
    const v = gi(queue, h++);
    const end = gi(fOff, v + 1);
    for (let p = gi(fOff, v); p < end; p++) {
      const w = gi(fAdj, p);
      if (!isSeen(w)) {
        mark(w);
        si(aux, w, v);
        si(queue, t++, w);
        if (w === to) {
          found = true;
          break;
        }
      }
    }
    if (appended && !found) {
      for (let e = headGet(0, v); e >= 0; e = gi(appNextOut, e)) {
        const w = gi(appDst, e);
        if (!isSeen(w)) {
          mark(w);
          si(aux, w, v);
          si(queue, t++, w);
          if (w === to) {
            found = true;
            break;
          }
        }
      }
    }
  }
  unmarkQueue(t);
  if (!found) return 0;
  let len = 0;
  for (let v = to; v >= 0; v = gi(aux, v)) len++;
  let i = len;
  for (let v = to; v >= 0; v = gi(aux, v)) si(queue, --i, v);
  return len;
}

// ---- exposure -----------------------------------------------------------------------------------

let nextIt: i32 = 0;

// Out-neighbour iterator: it >= 0 is a forward-CSR index, it <= -2 is appended edge (-it - 2), -1 = end.
function nextOut(u: i32, it: i32): i32 {
  if (it >= 0) {
    if (it < gi(fOff, u + 1)) {
      nextIt = it + 1;
      return gi(fAdj, it);
    }
    it = na > 0 ? -(headGet(0, u) + 2) : -1;
  }
  if (it === -1) {
    nextIt = -1;
    return -1;
  }
  const e = -it - 2;
  nextIt = -(gi(appNextOut, e) + 2);
  return gi(appDst, e);
}

let pullSelfLoop = false;

// share(v) = Σ over in-edges u→v of share(u)·w(u→v), w = qty / Σqty, or 1/indegree when any in-edge
// quantity is unknown (NaN makes the sum NaN) or they sum to 0. Nodes outside the downstream set are 0.
function pull(v: i32): f64 {
  // One pass: Σ qty, Σ share·qty and Σ share together; the weights are applied at the end.
  const b = gi(rOff, v);
  const end = gi(rOff, v + 1);
  let total: f64 = 0;
  let byQty: f64 = 0;
  let plain: f64 = 0;
  let deg: i32 = end - b;
  for (let p = b; p < end; p++) {
    const q = gq(rQty, p);
    total += q;
    const u = gi(rAdj, p);
    if (u === v) pullSelfLoop = true;
    if (!isSeen(u)) continue;
    const s = gf(xShare, gi(aux, u));
    byQty += s * q;
    plain += s;
  }
  if (na > 0) {
    for (let e = headGet(1, v); e >= 0; e = gi(appNextIn, e)) {
      const q = gq(appQty, e);
      total += q;
      deg++;
      const u = gi(appSrc, e);
      if (u === v) pullSelfLoop = true;
      if (!isSeen(u)) continue;
      const s = gf(xShare, gi(aux, u));
      byQty += s * q;
      plain += s;
    }
  }
  // NaN total (an unknown quantity) or 0 → equal weights
  const sum = total > 0 ? byQty / total : plain / <f64>deg;
  return sum < 1 ? sum : 1;
}

// Scratch indexed by position in the downstream set, so it grows with the largest exposure asked for,
// not with the graph. Contents need not survive, so blocks are replaced rather than reallocated.
function ensureScratch(k: i32): void {
  if (xcap >= k) return;
  let cap = grownCapacity(xcap, k, 1024);
  if (cap > ncap) cap = ncap;
  const c = <usize>cap;
  release(xIdx);
  release(xLow);
  release(xStack);
  release(xIt);
  release(xOrder);
  release(xShare);
  release(xTmp);
  release(xFrame);
  xIdx = blockAlloc(c << 2);
  xLow = blockAlloc(c << 2);
  xStack = blockAlloc(c << 2);
  xIt = blockAlloc(c << 2);
  xOrder = blockAlloc(c << 2);
  xShare = blockAlloc(c << 3);
  xTmp = blockAlloc(c << 3);
  xFrame = blockAlloc(c << 2);
  xcap = cap;
}

/**
 * Shares of the seeded roots in every downstream node. Strongly connected components (Tarjan, iterative)
 * are processed in topological order; an acyclic node takes one pull, a cycle is iterated (Jacobi) until
 * no share moves more than TOLERANCE or MAX_ITERATIONS passes. Roots stay 1; edges into roots are ignored.
 */
export function exposure(): i32 {
  const k = bfs(0, INT_MAX);
  const roots = nroots;
  ensureAux();
  ensureScratch(k);
  for (let i = 0; i < k; i++) {
    si(aux, gi(queue, i), i);
    si(xIdx, i, -1);
    sf(xShare, i, i < roots ? 1.0 : 0.0);
  }
  // Tarjan over queue positions; call frames: node position in xFrame, iterator in xIt.
  let index = 0;
  let sp = 0;
  let ol = 0;
  for (let s = 0; s < k; s++) {
    if (gi(xIdx, s) !== -1) continue;
    si(xIdx, s, index);
    si(xLow, s, index);
    index++;
    si(xStack, sp++, s);
    let cs = 0;
    si(xFrame, cs, s);
    si(xIt, cs, gi(fOff, gi(queue, s)));
    cs++;
    while (cs > 0) {
      const p = gi(xFrame, cs - 1);
      const u = gi(queue, p);
      let w = nextOut(u, gi(xIt, cs - 1));
      let pushed = false;
      while (w >= 0) {
        const pw = gi(aux, w);
        if (pw >= roots) {
          if (gi(xIdx, pw) === -1) {
            si(xIt, cs - 1, nextIt);
            si(xIdx, pw, index);
            si(xLow, pw, index);
            index++;
            si(xStack, sp++, pw);
            si(xFrame, cs, pw);
            si(xIt, cs, gi(fOff, w));
            cs++;
            pushed = true;
            break;
          }
          const low = gi(xLow, pw);
          if (low !== INT_MAX && gi(xIdx, pw) < gi(xLow, p)) si(xLow, p, gi(xIdx, pw));
        }
        w = nextOut(u, nextIt);
      }
      if (pushed) continue;
      cs--;
      if (gi(xLow, p) === gi(xIdx, p)) {
        let first = true;
        let x: i32;
        do {
          x = gi(xStack, --sp);
          si(xLow, x, INT_MAX);
          si(xOrder, ol++, first ? ~x : x);
          first = false;
        } while (x !== p);
      }
      if (cs > 0) {
        const q = gi(xFrame, cs - 1);
        if (gi(xLow, p) < gi(xLow, q)) si(xLow, q, gi(xLow, p));
      }
    }
  }
  // Components came out sinks first: walk them backwards (sources first).
  let end = ol;
  while (end > 0) {
    let start = end - 1;
    while (gi(xOrder, start) >= 0) start--;
    const size = end - start;
    const firstPos = ~gi(xOrder, start);
    if (size === 1) {
      if (firstPos >= roots) {
        pullSelfLoop = false;
        const val = pull(gi(queue, firstPos));
        if (pullSelfLoop) iterate(start, end);
        else sf(xShare, firstPos, val);
      }
    } else {
      iterate(start, end);
    }
    end = start;
  }
  unmarkQueue(k);
  return k;
}

function member(i: i32): i32 {
  const x = gi(xOrder, i);
  return x < 0 ? ~x : x;
}

function iterate(start: i32, end: i32): void {
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    for (let i = start; i < end; i++) {
      const p = member(i);
      sf(xTmp, p, pull(gi(queue, p)));
    }
    let delta: f64 = 0;
    for (let i = start; i < end; i++) {
      const p = member(i);
      const d = Math.abs(gf(xTmp, p) - gf(xShare, p));
      if (d > delta) delta = d;
      sf(xShare, p, gf(xTmp, p));
    }
    if (delta <= TOLERANCE) break;
  }
}
