// Snapshot bytes: a self-describing, versioned, little-endian copy of a graph.
//
//   offset  size      field
//   0       4         magic "LGGR" (4c 47 47 52)
//   4       2 (u16)   format version (1)
//   6       2 (u16)   flags: bit 0 = a quantity section follows the edges
//   8       4 (u32)   node count n
//   12      4 (u32)   edge count m
//   16      n         kind code per node (u8)
//   pad to 4
//           4m (i32)  edge sources
//           4m (i32)  edge targets
//   pad to 8, only if flag bit 0
//           8m (f64)  edge quantities (NaN = unknown)
import { GenealogyError } from './errors.js';

/** First four bytes of every snapshot: ASCII "LGGR". */
export const SNAPSHOT_MAGIC = 0x5247474c; // "LGGR" read as a little-endian u32
/** Snapshot format version written by this build (and the only one it reads). */
export const SNAPSHOT_VERSION = 1;

const HEADER = 16;
const FLAG_QTY = 1;

export interface SnapshotContent {
  kinds: Uint8Array;
  src: Int32Array;
  dst: Int32Array;
  qty: Float64Array | null; // null = every quantity unknown
}

const pad = (x: number, to: number) => Math.ceil(x / to) * to;

function layout(n: number, m: number, hasQty: boolean) {
  const srcAt = pad(HEADER + n, 4);
  const dstAt = srcAt + 4 * m;
  const qtyAt = hasQty ? pad(dstAt + 4 * m, 8) : dstAt + 4 * m;
  const end = hasQty ? qtyAt + 8 * m : qtyAt;
  return { srcAt, dstAt, qtyAt, end };
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeSnapshot(s: SnapshotContent): Uint8Array {
  const n = s.kinds.length;
  const m = s.src.length;
  const { srcAt, dstAt, qtyAt, end } = layout(n, m, s.qty !== null);
  const out = new Uint8Array(end);
  const view = new DataView(out.buffer);
  view.setUint32(0, SNAPSHOT_MAGIC, true);
  view.setUint16(4, SNAPSHOT_VERSION, true);
  view.setUint16(6, s.qty ? FLAG_QTY : 0, true);
  view.setUint32(8, n, true);
  view.setUint32(12, m, true);
  out.set(s.kinds, HEADER);
  if (littleEndian) {
    new Int32Array(out.buffer, srcAt, m).set(s.src);
    new Int32Array(out.buffer, dstAt, m).set(s.dst);
    if (s.qty) new Float64Array(out.buffer, qtyAt, m).set(s.qty);
  } else {
    for (let i = 0; i < m; i++) {
      view.setInt32(srcAt + 4 * i, s.src[i]!, true);
      view.setInt32(dstAt + 4 * i, s.dst[i]!, true);
      if (s.qty) view.setFloat64(qtyAt + 8 * i, s.qty[i]!, true);
    }
  }
  return out;
}

function bad(message: string): GenealogyError {
  return new GenealogyError('BAD_SNAPSHOT', `not a usable genealogy snapshot: ${message}`, 'bytes');
}

/** Parses and fully validates a snapshot; throws BAD_SNAPSHOT on any problem. */
export function decodeSnapshot(bytes: Uint8Array): SnapshotContent {
  if (!(bytes instanceof Uint8Array)) throw bad('expected a Uint8Array');
  if (bytes.length < HEADER) throw bad(`truncated (${bytes.length} bytes, header needs ${HEADER})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== SNAPSHOT_MAGIC) throw bad('wrong magic (expected "LGGR")');
  const version = view.getUint16(4, true);
  if (version !== SNAPSHOT_VERSION)
    throw bad(`unsupported version ${version} (this build reads ${SNAPSHOT_VERSION})`);
  const flags = view.getUint16(6, true);
  if ((flags & ~FLAG_QTY) !== 0) throw bad(`unknown flags 0x${flags.toString(16)}`);
  const n = view.getUint32(8, true);
  const m = view.getUint32(12, true);
  if (n > 0x7fffffff || m > 0x7fffffff) throw bad('counts out of range');
  const hasQty = (flags & FLAG_QTY) !== 0;
  const { srcAt, dstAt, qtyAt, end } = layout(n, m, hasQty);
  if (bytes.length < end) throw bad(`truncated (${bytes.length} bytes, expected ${end})`);
  if (bytes.length > end) throw bad(`${bytes.length - end} trailing bytes`);
  const kinds = bytes.slice(HEADER, HEADER + n);
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  const qty = hasQty ? new Float64Array(m) : null;
  if (littleEndian) {
    src.set(new Int32Array(bytes.slice(srcAt, srcAt + 4 * m).buffer));
    dst.set(new Int32Array(bytes.slice(dstAt, dstAt + 4 * m).buffer));
    if (qty) qty.set(new Float64Array(bytes.slice(qtyAt, qtyAt + 8 * m).buffer));
  } else {
    for (let i = 0; i < m; i++) {
      src[i] = view.getInt32(srcAt + 4 * i, true);
      dst[i] = view.getInt32(dstAt + 4 * i, true);
      if (qty) qty[i] = view.getFloat64(qtyAt + 8 * i, true);
    }
  }
  for (let i = 0; i < m; i++) {
    const s = src[i]!;
    const d = dst[i]!;
    if (s < 0 || s >= n || d < 0 || d >= n)
      throw bad(`edge ${i} (${s} -> ${d}) names a node outside 0..${n - 1}`);
  }
  if (qty) {
    for (let i = 0; i < m; i++) {
      const q = qty[i]!;
      if (!(q >= 0 && q < Infinity) && !Number.isNaN(q)) throw bad(`edge ${i} has quantity ${q}`);
    }
  }
  return { kinds, src, dst, qty };
}
