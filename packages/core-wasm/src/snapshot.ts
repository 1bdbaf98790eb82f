// Snapshot bytes: a self-describing, versioned, little-endian copy of a graph.
//
//   offset  size      field
//   0       4         magic "LGGR" (4c 47 47 52)
//   4       2 (u16)   format version (2; version 1 is still read)
//   6       2 (u16)   flags: bits 0-1 = quantity encoding: 0 none (no section), 1 float32, 2 decimal, 3 float64
//                     (version 1: bit 0 = a float64 quantity section follows)
//   8       4 (u32)   node count n
//   12      4 (u32)   edge count m
//   16      n         kind code per node (u8)
//   pad to 4
//           4m (i32)  edge sources
//           4m (i32)  edge targets
//   quantities, in the graph's own lossless encoding (the one `quantityEncoding` reports):
//     float32  4m (f32), NaN = unknown
//     decimal  4m (u32) words: value = (w & 0x1fffffff) / 10^(w >>> 29), correctly rounded; 0xffffffff = unknown
//     float64  pad to 8, 8m (f64), NaN = unknown

import { GenealogyError } from './errors.js';

/** First four bytes of every snapshot: ASCII "LGGR". */
export const SNAPSHOT_MAGIC = 0x5247474c; // "LGGR" read as a little-endian u32
/** Snapshot format version written by this build (it also reads version 1). */
export const SNAPSHOT_VERSION = 2;

const HEADER = 16;
const ENC_NONE = 0;
const ENC_F32 = 1;
const ENC_DEC = 2;
const ENC_F64 = 3;
/** Flags value (and `qtyMode()`) of the 32-bit decimal word encoding. */
export const QTY_DECIMAL = ENC_DEC;
const DEC_UNKNOWN = 0xffffffff;
const DEC_MANT = 0x1fffffff;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7];
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bytes per stored quantity of an encoding (0: no quantity section). */
export function quantityWidth(encoding: number): number {
  return encoding === ENC_NONE ? 0 : encoding === ENC_F64 ? 8 : 4;
}

/**
 * Rewrites decimal words (little-endian u32) in place to their smallest scale, so a value has one word
 * whatever scale the graph happened to store it at (the core tries the previous value's scale first, so
 * 2 may sit in memory as 2000 / 10^3). Both words are the same rational — two different m / 10^k with
 * m < 2^29 lie further apart than a double's rounding — so they decode to the same double.
 */
export function canonicalDecimalWords(words: Uint8Array): void {
  const n = words.byteLength >>> 2;
  const aligned = littleEndian && words.byteOffset % 4 === 0;
  const u32 = aligned ? new Uint32Array(words.buffer, words.byteOffset, n) : null;
  const view = new DataView(words.buffer, words.byteOffset, words.byteLength);
  for (let i = 0; i < n; i++) {
    const w = u32 ? u32[i]! : view.getUint32(4 * i, true);
    let k = w >>> 29;
    let m = w & DEC_MANT;
    if (k === 0 || w === DEC_UNKNOWN || m % 10 !== 0) continue;
    do {
      m /= 10;
      k--;
    } while (k > 0 && m % 10 === 0);
    const x = ((k << 29) | m) >>> 0;
    if (u32) u32[i] = x;
    else view.setUint32(4 * i, x, true);
  }
}

/** What {@link encodeSnapshot} writes: the quantities as the raw little-endian words of their encoding. */
export interface SnapshotParts {
  kinds: Uint8Array;
  src: Int32Array;
  dst: Int32Array;
  encoding: number; // 0 none, 1 float32, 2 decimal, 3 float64
  qtyWords: Uint8Array | null; // m * quantityWidth(encoding) bytes
}

/** What {@link decodeSnapshot} returns: quantities decoded (NaN = unknown), null when none is known. */
export interface SnapshotContent {
  kinds: Uint8Array;
  src: Int32Array;
  dst: Int32Array;
  qty: Float64Array | null;
}

const pad = (x: number, to: number) => Math.ceil(x / to) * to;

function layout(n: number, m: number, width: number) {
  const srcAt = pad(HEADER + n, 4);
  const dstAt = srcAt + 4 * m;
  const qtyAt = width === 8 ? pad(dstAt + 4 * m, 8) : dstAt + 4 * m;
  return { srcAt, dstAt, qtyAt, end: qtyAt + width * m };
}

export function encodeSnapshot(s: SnapshotParts): Uint8Array {
  const n = s.kinds.length;
  const m = s.src.length;
  const width = quantityWidth(s.encoding);
  const { srcAt, dstAt, qtyAt, end } = layout(n, m, width);
  const out = new Uint8Array(end);
  const view = new DataView(out.buffer);
  view.setUint32(0, SNAPSHOT_MAGIC, true);
  view.setUint16(4, SNAPSHOT_VERSION, true);
  view.setUint16(6, s.encoding, true);
  view.setUint32(8, n, true);
  view.setUint32(12, m, true);
  out.set(s.kinds, HEADER);
  if (littleEndian) {
    new Int32Array(out.buffer, srcAt, m).set(s.src);
    new Int32Array(out.buffer, dstAt, m).set(s.dst);
  } else {
    for (let i = 0; i < m; i++) {
      view.setInt32(srcAt + 4 * i, s.src[i]!, true);
      view.setInt32(dstAt + 4 * i, s.dst[i]!, true);
    }
  }
  if (width > 0) out.set(s.qtyWords!.subarray(0, width * m), qtyAt); // already little-endian words
  return out;
}

function bad(message: string): GenealogyError {
  return new GenealogyError('BAD_SNAPSHOT', `not a usable genealogy snapshot: ${message}`, 'bytes');
}

/** Parses and fully validates a snapshot (version 2, or version 1); throws BAD_SNAPSHOT on any problem. */
export function decodeSnapshot(bytes: Uint8Array): SnapshotContent {
  if (!(bytes instanceof Uint8Array)) throw bad('expected a Uint8Array');
  if (bytes.length < HEADER) throw bad(`truncated (${bytes.length} bytes, header needs ${HEADER})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== SNAPSHOT_MAGIC) throw bad('wrong magic (expected "LGGR")');
  const version = view.getUint16(4, true);
  if (version !== SNAPSHOT_VERSION && version !== 1)
    throw bad(`unsupported version ${version} (this build reads 1 and ${SNAPSHOT_VERSION})`);
  const flags = view.getUint16(6, true);
  const known = version === 1 ? 1 : 3;
  if ((flags & ~known) !== 0) throw bad(`unknown flags 0x${flags.toString(16)}`);
  // version 1 had one flag: float64 quantities present
  const encoding = version === 1 ? (flags === 1 ? ENC_F64 : ENC_NONE) : flags;
  const n = view.getUint32(8, true);
  const m = view.getUint32(12, true);
  if (n > 0x7fffffff || m > 0x7fffffff) throw bad('counts out of range');
  const width = quantityWidth(encoding);
  const { srcAt, dstAt, qtyAt, end } = layout(n, m, width);
  if (bytes.length < end) throw bad(`truncated (${bytes.length} bytes, expected ${end})`);
  if (bytes.length > end) throw bad(`${bytes.length - end} trailing bytes`);
  const kinds = bytes.slice(HEADER, HEADER + n);
  // Little-endian hosts take aligned copies of the two sections; others read word by word.
  const src = littleEndian ? new Int32Array(bytes.slice(srcAt, srcAt + 4 * m).buffer) : new Int32Array(m);
  const dst = littleEndian ? new Int32Array(bytes.slice(dstAt, dstAt + 4 * m).buffer) : new Int32Array(m);
  if (!littleEndian) {
    for (let i = 0; i < m; i++) {
      src[i] = view.getInt32(srcAt + 4 * i, true);
      dst[i] = view.getInt32(dstAt + 4 * i, true);
    }
  }
  for (let i = 0; i < m; i++) {
    const s = src[i]!;
    const d = dst[i]!;
    if (s < 0 || s >= n || d < 0 || d >= n)
      throw bad(`edge ${i} (${s} -> ${d}) names a node outside 0..${n - 1}`);
  }
  const qty = encoding === ENC_NONE ? null : decodeQuantities(bytes, view, qtyAt, m, encoding);
  return { kinds, src, dst, qty };
}

function decodeQuantities(
  bytes: Uint8Array,
  view: DataView,
  at: number,
  m: number,
  encoding: number,
): Float64Array {
  const width = quantityWidth(encoding);
  // Little-endian hosts read the section through an aligned copy; others word by word.
  const copy = littleEndian ? bytes.slice(at, at + width * m).buffer : null;
  let qty: Float64Array;
  if (encoding === ENC_DEC) {
    qty = new Float64Array(m);
    const words = copy ? new Uint32Array(copy) : null;
    for (let i = 0; i < m; i++) {
      const w = words ? words[i]! : view.getUint32(at + 4 * i, true);
      if (w === DEC_UNKNOWN) {
        qty[i] = Number.NaN;
        continue;
      }
      const mant = w & DEC_MANT;
      if (mant === DEC_MANT) throw bad(`edge ${i} has the reserved decimal word 0x${w.toString(16)}`);
      qty[i] = mant / POW10[w >>> 29]!;
    }
    return qty; // m / 10^k is never negative or infinite
  }
  if (encoding === ENC_F32) {
    const f32 = copy ? new Float32Array(copy) : null;
    qty = new Float64Array(m);
    for (let i = 0; i < m; i++) qty[i] = f32 ? f32[i]! : view.getFloat32(at + 4 * i, true);
  } else if (copy) {
    qty = new Float64Array(copy);
  } else {
    qty = new Float64Array(m);
    for (let i = 0; i < m; i++) qty[i] = view.getFloat64(at + 8 * i, true);
  }
  for (let i = 0; i < m; i++) {
    const q = qty[i]!;
    if (!(q >= 0 && q < Number.POSITIVE_INFINITY) && !Number.isNaN(q))
      throw bad(`edge ${i} has quantity ${q}`);
  }
  return qty;
}
