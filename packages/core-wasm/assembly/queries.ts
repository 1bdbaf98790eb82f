// Queries: breadth-first closures (with id-sorted dense levels), recall scope, path.

import { free, queuePtr, resultKindsPtr, stageCapacity } from './accessors';
import { blockAlloc } from './allocator';
import { gi, grownCapacity, release, resize, si } from './cells';
import { headGet } from './heads';
import { ensureAux } from './nodes';
import {
  appDst,
  appNextIn,
  appNextOut,
  appSrc,
  aux,
  counts,
  counts4,
  fAdj,
  fOff,
  hasIn,
  hasOut,
  INT_MAX,
  kinds,
  levels,
  lvcap,
  lvlBits,
  mask,
  na,
  ncap,
  nlevels,
  nroots,
  okcap,
  okind,
  qlen,
  queue,
  rAdj,
  rOff,
  seen,
  stage,
} from './state';

// ---- queries ------------------------------------------------------------------------------------

export function isSeen(v: i32): bool {
  return (load<u32>(seen + ((<usize>(v >>> 5)) << 2)) & (1 << (v & 31))) !== 0;
}
export function mark(v: i32): void {
  const p = seen + ((<usize>(v >>> 5)) << 2);
  store<u32>(p, load<u32>(p) | (1 << (v & 31)));
}
/** Clears the visited bits of queue[0..count): the bitset is all zero again, in O(count). */
export function unmarkQueue(count: i32): void {
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

export function pushLevel(end: i32): void {
  if (nlevels === lvcap) {
    lvcap = grownCapacity(lvcap, nlevels + 1, 64);
    levels = resize(levels, (<usize>lvcap) << 2);
  }
  si(levels, nlevels++, end);
}

// A level is put in id order only when it is big and its ids dense enough that scanning the bitset words
// between its smallest and largest id costs less than the random reads it saves.
export const SORT_MIN: i32 = 2048;
export const SORT_WORDS_PER_NODE: i32 = 8;

/** Puts queue[from, to) in increasing id order (a bitset pass: O(count + id range / 32)), if it pays. */
export function sortLevel(from: i32, to: i32): void {
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
export const SMALL_LEVEL: i32 = 64;

// Edges gathered per absorb() pass of the BFS (a fixed 32 kB buffer, small enough for L1/L2).
export const GATHER: i32 = 8192;
export const gather: usize = blockAlloc((<usize>GATHER + 8) << 2);

// Marks the targets p[0..len) and appends the new ones to the queue at t; returns the new t. Branch-free:
// every target is written to the queue slot, which only advances when the target was not yet seen, so
// random visited bits do not cost a misprediction each (the queue has one spare slot for this).
// @ts-expect-error: decorator
export function absorb(p: usize, len: i32, t: i32): i32 {
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
export function bfs(direction: i32, maxDepth: i32): i32 {
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
