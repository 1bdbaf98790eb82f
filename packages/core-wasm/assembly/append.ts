// Incremental edges: the append buffer and its compaction into the CSR arrays.

import { blockAlloc, blockRealloc } from './allocator';
import { classify, gf, gi, gq, grownCapacity, modeFromFlags, qbytes, recode, resize, si, sq } from './cells';
import { headGet, headSet, headsClear, headsGrow, tField } from './heads';
import {
  acap,
  appDst,
  appNextIn,
  appNextOut,
  appQty,
  appSrc,
  fAdj,
  fOff,
  hasIn,
  hasOut,
  mBase,
  n,
  na,
  ncap,
  QF64,
  QNONE,
  qmode,
  rAdj,
  rOff,
  rQty,
  STAGE,
  stage,
} from './state';

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
