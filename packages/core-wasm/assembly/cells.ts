// Typed loads and stores over raw memory, the quantity encodings (none / decimal words / float32 / float64) and block growth.

import { blockAlloc, blockFree, blockRealloc } from './allocator';
import {
  acap,
  appQty,
  INT_MAX,
  MANT,
  mBase,
  na,
  POW10,
  QDEC,
  QF32,
  QF64,
  QNAN,
  QNONE,
  qAllDec,
  qAllF32,
  qKnown,
  qLastK,
  qmode,
  rQty,
} from './state';

export function gi(p: usize, i: i32): i32 {
  return load<i32>(p + ((<usize>i) << 2));
}
export function si(p: usize, i: i32, v: i32): void {
  store<i32>(p + ((<usize>i) << 2), v);
}
export function gf(p: usize, i: i32): f64 {
  return load<f64>(p + ((<usize>i) << 3));
}
export function sf(p: usize, i: i32, v: f64): void {
  store<f64>(p + ((<usize>i) << 3), v);
}
// @ts-expect-error: decorator
export function getQ(mode: i32, p: usize, i: i32): f64 {
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
export function putQ(mode: i32, p: usize, i: i32, v: f64): void {
  if (mode === QF32) store<f32>(p + ((<usize>i) << 2), <f32>v);
  else if (mode === QDEC) store<u32>(p + ((<usize>i) << 2), encodeDec(v));
  else if (mode === QF64) store<f64>(p + ((<usize>i) << 3), v);
}
export function gq(p: usize, i: i32): f64 {
  return getQ(qmode, p, i);
}
export function sq(p: usize, i: i32, v: f64): void {
  putQ(qmode, p, i, v);
}
export function qbytes(mode: i32, count: usize): usize {
  return mode === QNONE ? 0 : mode === QF64 ? count << 3 : count << 2;
}

/** The QDEC word of v, or QNAN when v has none (also for NaN). Tries the last value's scale first. */
// @ts-expect-error: decorator
export function encodeDec(v: f64): u32 {
  const x = decAt(v, qLastK);
  return x !== QNAN ? x : encodeDecSearch(v);
}
export function encodeDecSearch(v: f64): u32 {
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
export function decAt(v: f64, k: i32): u32 {
  const s = load<f64>(POW10 + ((<usize>k) << 3));
  const m = nearest(v * s);
  // m < MANT keeps the word below QNAN; NaN fails the comparisons
  return m >= 0 && m < <f64>MANT && m / s === v ? ((<u32>k) << 29) | <u32>m : QNAN;
}

/** Folds staged quantities [0, len) into the qKnown / qAllF32 / qAllDec flags. */
export function classify(q: usize, len: i32): void {
  for (let i = 0; i < len; i++) {
    const v = load<f64>(q + ((<usize>i) << 3));
    if (isNaN(v)) continue;
    qKnown = true;
    if (qAllF32 && <f64>(<f32>v) !== v) qAllF32 = false;
    if (qAllDec && encodeDec(v) === QNAN) qAllDec = false;
    if (!qAllF32 && !qAllDec) return;
  }
}
export function modeFromFlags(): i32 {
  return !qKnown ? QNONE : qAllDec ? QDEC : qAllF32 ? QF32 : QF64;
}

/** Re-encodes every stored quantity (compacted and appended) in `mode`. */
export function recode(mode: i32): void {
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
export function resize(p: usize, bytes: usize): usize {
  return p === 0 ? blockAlloc(bytes) : blockRealloc(p, bytes);
}
export function release(p: usize): void {
  if (p !== 0) blockFree(p);
}
export function grownCapacity(cap: i32, need: i32, min: i32): i32 {
  let c = <i64>cap * 2;
  if (c < <i64>need) c = <i64>need;
  if (c < <i64>min) c = <i64>min;
  if (c > <i64>INT_MAX) c = <i64>INT_MAX;
  return <i32>c;
}
