// Bulk build: a counting sort of staged edge chunks into the forward and reverse CSR arrays.

import { blockAlloc, blockRealloc } from './allocator';
import { encodeDec, gf, gi, putQ, qbytes, release, si } from './cells';
import {
  fAdj,
  fOff,
  mBase,
  n,
  QDEC,
  QF32,
  QF64,
  QNAN,
  QNONE,
  qAllDec,
  qAllF32,
  qKnown,
  qmode,
  rAdj,
  rOff,
  rQty,
  STAGE,
  stage,
} from './state';

// ---- bulk build: counting sort over staged chunks -----------------------------------------------

export let buildM: i32 = 0;

// Counting sort without cursor arrays: degrees are counted into off[v+1], an exclusive prefix sum turns
// off[v+1] into the start of v, and placing an edge bumps off[v+1], which leaves it at the end of v = the
// start of v+1: a finished CSR, stable in input order.
// Quantities are encoded while they are placed, optimistically as decimal words (the common case: one
// pass); buildFinish() then settles the encoding and, only when some quantity has no decimal word, asks
// for one more pass (buildRequantify) that re-places the quantities as float32 or float64.
export let buildHasQty = false;

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
