// Exported accessors: where the TS side finds the arrays it reads and writes (see src/graph.ts).

import { blockAlloc, blockFree } from './allocator';
import { gq } from './cells';
import { headGet } from './heads';
import {
  appDst,
  appNextIn,
  appNextOut,
  appQty,
  appSrc,
  counts,
  fAdj,
  fOff,
  kinds,
  levels,
  mask,
  mBase,
  n,
  na,
  nlevels,
  okind,
  QF64,
  QNONE,
  qmode,
  queue,
  rAdj,
  rOff,
  rQty,
  STAGE,
  stage,
  xShare,
} from './state';

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
