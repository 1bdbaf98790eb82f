// The genealogy core. One instance = one graph; all state lives in module globals and raw memory blocks
// (./allocator.ts), addressed with load/store. No managed objects, so no GC and no runtime allocator.
//
// Calling protocol (the TS side, src/graph.ts, owns it):
//   bulk build:   addNodes(n) → write kinds at kindsPtr()+first; buildBegin(m, wideQty); per staged
//                 chunk buildCount(len); buildAlloc(); per staged chunk buildPlace(len)
//   append:       widen() first if a quantity needs f64; per staged chunk appendEdges(len); compact()
//                 when the buffer is large
//   query:        queryBegin(); per staged chunk of roots querySeed(len); then closure/scope/exposure;
//                 path(from, to) stands alone
//   results:      nodes in queuePtr(), depth (or path) in depthPtr(), kinds in resultKindsPtr(),
//                 shares in sharePtr()
// Inputs are validated by the TS side before they are staged: nothing here checks ids again.
//
// Edges point input → output. Forward CSR (fOff/fAdj) lists out-edges, reverse CSR (rOff/rAdj/rQty)
// in-edges; quantities are stored once, in reverse order. Appended edges sit in a buffer threaded by
// per-node linked lists (next arrays) that every traversal reads after the CSR range. The list heads are
// found through a bitset ("has appended edges", n/8 bytes) and a small hash table sized by the buffer, so
// appending costs nothing per node of the graph.
// "Visited" is a bitset (n/8 bytes, small enough to stay in cache) that every query clears again by walking
// its own result, so a query costs O(nodes and edges touched), never O(n).

import { blockAlloc, blockFree, blockRealloc } from './allocator';

const STAGE: i32 = 65536;
const INT_MAX: i32 = 0x7fffffff;
const TOLERANCE: f64 = 1e-12;
const MAX_ITERATIONS: i32 = 1000;

// Fixed areas: staging for inputs (src i32 | dst i32 | qty f64), kind mask, counts per kind.
const stage: usize = blockAlloc(<usize>STAGE * 16);
const mask: usize = blockAlloc(256);
const counts: usize = blockAlloc(1024);

// Nodes.
let n: i32 = 0;
let ncap: i32 = 0;
let kinds: usize = 0; // u8[ncap]
let fOff: usize = 0; // i32[ncap+1]
let rOff: usize = 0; // i32[ncap+1]
let seen: usize = 0; // u32[ceil(ncap/32)] visited bits, all zero between queries
let queue: usize = 0; // i32[ncap] BFS queue = query result
let qdep: usize = 0; // i32[ncap] depth per queue slot; build cursor; path output
let okind: usize = 0; // u8[ncap] kind per result slot (scope)
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
let rQty: usize = 0; // f32 or f64 [mBase] (see `wide`), NaN = unknown
// Quantities are stored as f32 while every one of them is exactly representable as f32 (integer counts up
// to 2^24, halves, quarters …): half the memory. The first quantity that is not widens them all to f64.
let wide = false;

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
function gq(p: usize, i: i32): f64 {
  return wide ? load<f64>(p + ((<usize>i) << 3)) : <f64>load<f32>(p + ((<usize>i) << 2));
}
function sq(p: usize, i: i32, v: f64): void {
  if (wide) store<f64>(p + ((<usize>i) << 3), v);
  else store<f32>(p + ((<usize>i) << 2), <f32>v);
}
function qshift(): usize {
  return wide ? 3 : 2;
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
export function qtyWide(): i32 {
  return wide ? 1 : 0;
}
/** Switches quantity storage from f32 to f64 (before a quantity that f32 cannot hold exactly). */
export function widen(): void {
  if (wide) return;
  if (mBase > 0) {
    const q = blockAlloc((<usize>mBase) << 3);
    for (let i = 0; i < mBase; i++)
      store<f64>(q + ((<usize>i) << 3), <f64>load<f32>(rQty + ((<usize>i) << 2)));
    blockFree(rQty);
    rQty = q;
  }
  if (acap > 0) {
    const q = blockAlloc((<usize>acap) << 3);
    for (let i = 0; i < na; i++)
      store<f64>(q + ((<usize>i) << 3), <f64>load<f32>(appQty + ((<usize>i) << 2)));
    blockFree(appQty);
    appQty = q;
  }
  wide = true;
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
export function depthPtr(): usize {
  return qdep;
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
  queue = resize(queue, c << 2);
  qdep = resize(qdep, c << 2);
  if (aux !== 0) aux = resize(aux, c << 2);
  okind = resize(okind, c);
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

export function buildBegin(m: i32, wideQty: i32): void {
  buildM = m;
  wide = wideQty !== 0;
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
  for (let i = 0; i < n; i++) {
    si(fOff, i + 1, gi(fOff, i + 1) + gi(fOff, i));
    si(rOff, i + 1, gi(rOff, i + 1) + gi(rOff, i));
  }
  const m = <usize>buildM;
  fAdj = blockAlloc(m << 2);
  rAdj = blockAlloc(m << 2);
  rQty = blockAlloc(m << qshift());
  // Cursors: queue for the forward side, qdep for the reverse side.
  memory.copy(queue, fOff, (<usize>n) << 2);
  memory.copy(qdep, rOff, (<usize>n) << 2);
  mBase = buildM;
}

export function buildPlace(len: i32): void {
  const s = stage;
  const d = stage + ((<usize>STAGE) << 2);
  const q = stage + ((<usize>STAGE) << 3);
  for (let i = 0; i < len; i++) {
    const a = gi(s, i);
    const b = gi(d, i);
    const pf = gi(queue, a);
    si(queue, a, pf + 1);
    si(fAdj, pf, b);
    const pr = gi(qdep, b);
    si(qdep, b, pr + 1);
    si(rAdj, pr, a);
    sq(rQty, pr, gf(q, i));
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
  if (na + len > acap) {
    const cap = <usize>grownCapacity(acap, na + len, 1024);
    appSrc = resize(appSrc, cap << 2);
    appDst = resize(appDst, cap << 2);
    appQty = resize(appQty, cap << qshift());
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
  fAdj = blockRealloc(fAdj, (<usize>total) << 2);
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
  const qs = qshift();
  rAdj = blockRealloc(rAdj, (<usize>total) << 2);
  rQty = blockRealloc(rQty, (<usize>total) << qs);
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
      memory.copy(rQty + ((<usize>newStart) << qs), rQty + ((<usize>oldStart) << qs), (<usize>deg) << qs);
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
      si(qdep, t, 0);
      t++;
    }
  }
  qlen = t;
  nroots = t;
}

// Level-synchronous BFS from the seeded queue; leaves the visited bits set (callers clear them).
function bfs(direction: i32, maxDepth: i32, wantDepth: bool): i32 {
  const off = direction === 0 ? fOff : rOff;
  const adj = direction === 0 ? fAdj : rAdj;
  const next = direction === 0 ? appNextOut : appNextIn;
  const other = direction === 0 ? appDst : appSrc;
  const bits = seen;
  const q = queue;
  const appended = na > 0;
  let h = 0;
  let t = qlen;
  let d = 0;
  let levelEnd = t;
  while (h < t) {
    if (h === levelEnd) {
      d++;
      levelEnd = t;
    }
    if (d >= maxDepth) break;
    const v = gi(q, h++);
    const start = t;
    const end = gi(off, v + 1);
    for (let p = gi(off, v); p < end; p++) {
      const w = gi(adj, p);
      const wp = bits + ((<usize>(w >>> 5)) << 2);
      const word = load<u32>(wp);
      const bit: u32 = 1 << (w & 31);
      if ((word & bit) === 0) {
        store<u32>(wp, word | bit);
        si(q, t++, w);
      }
    }
    if (appended) {
      for (let e = headGet(direction, v); e >= 0; e = gi(next, e)) {
        const w = gi(other, e);
        if (!isSeen(w)) {
          mark(w);
          si(q, t++, w);
        }
      }
    }
    if (wantDepth) for (let i = start; i < t; i++) si(qdep, i, d + 1);
  }
  qlen = t;
  return t;
}

/** Breadth-first walk from the seeded roots; with useMask, keeps only nodes whose kind is in the mask. */
export function closure(direction: i32, maxDepth: i32, useMask: i32, wantDepth: i32): i32 {
  const t = bfs(direction, maxDepth, wantDepth !== 0);
  unmarkQueue(t);
  if (useMask === 0) return t;
  let j = 0;
  for (let i = 0; i < t; i++) {
    const v = gi(queue, i);
    if (load<u8>(mask + <usize>load<u8>(kinds + <usize>v)) !== 0) {
      si(queue, j, v);
      si(qdep, j, gi(qdep, i));
      j++;
    }
  }
  return j;
}

/** Forward closure of the seeded roots, the kind of each (in resultKindsPtr()) and counts per kind. */
export function scope(): i32 {
  const count = bfs(0, INT_MAX, true);
  unmarkQueue(count);
  memory.fill(counts, 0, 1024);
  for (let i = 0; i < count; i++) {
    const k = load<u8>(kinds + <usize>gi(queue, i));
    store<u8>(okind + <usize>i, k);
    const c = counts + ((<usize>k) << 2);
    store<u32>(c, load<u32>(c) + 1);
  }
  return count;
}

/** Shortest chain from → to (forward); written to depthPtr(). Returns its node count, 0 if none. */
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
  for (let v = to; v >= 0; v = gi(aux, v)) si(qdep, --i, v);
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
  xIdx = blockAlloc(c << 2);
  xLow = blockAlloc(c << 2);
  xStack = blockAlloc(c << 2);
  xIt = blockAlloc(c << 2);
  xOrder = blockAlloc(c << 2);
  xShare = blockAlloc(c << 3);
  xTmp = blockAlloc(c << 3);
  xcap = cap;
}

/**
 * Shares of the seeded roots in every downstream node. Strongly connected components (Tarjan, iterative)
 * are processed in topological order; an acyclic node takes one pull, a cycle is iterated (Jacobi) until
 * no share moves more than TOLERANCE or MAX_ITERATIONS passes. Roots stay 1; edges into roots are ignored.
 */
export function exposure(): i32 {
  const k = bfs(0, INT_MAX, false);
  const roots = nroots;
  ensureAux();
  ensureScratch(k);
  for (let i = 0; i < k; i++) {
    si(aux, gi(queue, i), i);
    si(xIdx, i, -1);
    sf(xShare, i, i < roots ? 1.0 : 0.0);
  }
  // Tarjan over queue positions; call frames: node position in qdep, iterator in xIt.
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
    si(qdep, cs, s);
    si(xIt, cs, gi(fOff, gi(queue, s)));
    cs++;
    while (cs > 0) {
      const p = gi(qdep, cs - 1);
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
            si(qdep, cs, pw);
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
        const q = gi(qdep, cs - 1);
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
