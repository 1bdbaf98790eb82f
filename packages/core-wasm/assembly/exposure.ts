// Exposure: attributed shares of the roots in every downstream node (a fixed point over the closure).

import { blockAlloc } from './allocator';
import { gf, gi, gq, grownCapacity, release, sf, si } from './cells';
import { headGet } from './heads';
import { ensureAux } from './nodes';
import { bfs, isSeen, unmarkQueue } from './queries';
import {
  appDst,
  appNextIn,
  appNextOut,
  appQty,
  appSrc,
  aux,
  fAdj,
  fOff,
  INT_MAX,
  MAX_ITERATIONS,
  na,
  ncap,
  nroots,
  queue,
  rAdj,
  rOff,
  rQty,
  TOLERANCE,
  xcap,
  xFrame,
  xIdx,
  xIt,
  xLow,
  xOrder,
  xShare,
  xStack,
  xTmp,
} from './state';

// ---- exposure -----------------------------------------------------------------------------------

export let nextIt: i32 = 0;

// Out-neighbour iterator: it >= 0 is a forward-CSR index, it <= -2 is appended edge (-it - 2), -1 = end.
export function nextOut(u: i32, it: i32): i32 {
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

export let pullSelfLoop = false;

// share(v) = Σ over in-edges u→v of share(u)·w(u→v), w = qty / Σqty, or 1/indegree when any in-edge
// quantity is unknown (NaN makes the sum NaN) or they sum to 0. Nodes outside the downstream set are 0.
export function pull(v: i32): f64 {
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
export function ensureScratch(k: i32): void {
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

export function member(i: i32): i32 {
  const x = gi(xOrder, i);
  return x < 0 ? ~x : x;
}

export function iterate(start: i32, end: i32): void {
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
