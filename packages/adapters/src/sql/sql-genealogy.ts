/**
 * Genealogy streaming and the pack, for every SQL dialect: keyset pages of nodes (by id) and edges (by
 * id) bounded by seq, stable under concurrent appends without a long-lived snapshot; the pack (every node
 * and edge up to a seq as typed arrays in one row) makes opening a large store read a few blobs.
 *
 * @module
 */
import type { GenealogyChunk } from '@lotgraph/sdk';
import type { SqlDialect } from './dialect.js';
import type { Row } from './driver.js';
import { type Collector, type GenealogyPack, LITTLE_ENDIAN, newCollector } from './pack.js';
import { insertRows } from './sql-writes.js';

/** What streaming needs from the store. */
export interface GenealogySource {
  d: SqlDialect;
  q(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Write on the pool (outside any transaction). */
  write(statements: { sql: string; params?: readonly unknown[] }[]): Promise<void>;
}

/** Pages of nodes with id ≥ fromNode, then edges with id > fromEdge, created in (since, until]. */
export async function* streamRows(
  g: GenealogySource,
  since: number,
  until: number,
  size: number,
  fromNode: number,
  fromEdge: number,
): AsyncGenerator<GenealogyChunk> {
  const nodes = g.d.table('nodes');
  let last = fromNode - 1;
  for (;;) {
    const rows = await g.q(
      `SELECT id, kind, ref FROM ${nodes} WHERE id > ? AND seq > ? AND seq <= ? ORDER BY id LIMIT ?`,
      [last, since, until, size],
    );
    if (rows.length === 0) break;
    const kinds = new Uint8Array(rows.length);
    const refs = new Array<string>(rows.length);
    let start = 0;
    let prev = Number(rows[0]!.id) - 1;
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k]!;
      const id = Number(r.id);
      if (k > start && id !== prev + 1) {
        yield {
          type: 'nodes',
          firstId: Number(rows[start]!.id),
          kinds: kinds.slice(start, k),
          refs: refs.slice(start, k),
        };
        start = k;
      }
      kinds[k] = Number(r.kind);
      refs[k] = r.ref as string;
      prev = id;
    }
    yield {
      type: 'nodes',
      firstId: Number(rows[start]!.id),
      kinds: start === 0 ? kinds : kinds.slice(start),
      refs: start === 0 ? refs : refs.slice(start),
    };
    last = prev;
    if (rows.length < size) break;
  }
  const edges = g.d.table('edges');
  let lastEdge = fromEdge;
  for (;;) {
    const rows = await g.q(
      `SELECT id, src, dst, quantity, scale FROM ${edges} WHERE id > ? AND seq > ? AND seq <= ? ORDER BY id LIMIT ?`,
      [lastEdge, since, until, size],
    );
    if (rows.length === 0) break;
    const n = rows.length;
    const src = new Int32Array(n);
    const dst = new Int32Array(n);
    const qty = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const r = rows[k]!;
      src[k] = Number(r.src);
      dst[k] = Number(r.dst);
      const scale = Number(r.scale);
      qty[k] = scale === 0 ? Number(r.quantity) : Number(r.quantity) / 10 ** scale;
    }
    yield { type: 'edges', src, dst, qty };
    lastEdge = Number(rows[n - 1]!.id);
    if (n < size) break;
  }
}

/**
 * The refs column of the pack: a NUL byte, then the refs joined by NUL (a stored string holds none) — at a
 * million nodes splitting it takes half the time of `JSON.parse`. A pack written before holds a JSON array
 * (first byte `[`), still read; a ref with a NUL in it (never from the sdk) is written that way too.
 */
export function encodeRefs(refs: readonly string[]): Uint8Array {
  const joined = refs.join('\u0000');
  const plain = refs.length === 0 || joined.split('\u0000').length === refs.length;
  return new TextEncoder().encode(plain ? `\u0000${joined}` : JSON.stringify(refs));
}

/** The refs of a pack's refs column ({@link encodeRefs}, or the older JSON array); throws when malformed. */
export function decodeRefs(bytes: Uint8Array, count: number): string[] {
  if (bytes[0] !== 0) return JSON.parse(new TextDecoder().decode(bytes)) as string[];
  if (count === 0) return [];
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(1)).split('\u0000');
}

/** Bytes per stored part of the pack: well under MariaDB's default 16 MiB packet, and small protocol messages. */
const PART_BYTES = 4 * 1024 * 1024;
/** Columns of the pack, as stored in `genealogy_pack_parts.col`. */
const COLS = ['kinds', 'refs', 'src', 'dst', 'qty'] as const;

/**
 * The stored pack, if one covers at most `until` and this host reads it (little-endian). The header row
 * names the seq; the bytes are in `genealogy_pack_parts` (at most 4 MB each). A pack whose parts do not add
 * up (being replaced by another process right now) counts as none: the rows are streamed instead.
 */
export async function readPack(g: GenealogySource, until: number): Promise<GenealogyPack | undefined> {
  if (!LITTLE_ENDIAN) return undefined;
  const [head] = await g.q(
    `SELECT upto_seq, node_count, edge_count FROM ${g.d.table('genealogy_pack')}
     WHERE id = 1 AND upto_seq <= ? AND little_endian = 1`,
    [until],
  );
  if (!head) return undefined;
  const upto = Number(head.upto_seq);
  const n = Number(head.node_count);
  const m = Number(head.edge_count);
  const parts = await g.q(
    `SELECT col, part, bytes FROM ${g.d.table('genealogy_pack_parts')} WHERE upto_seq = ? ORDER BY col, part`,
    [upto],
  );
  const byCol: Uint8Array[][] = COLS.map(() => []);
  for (const r of parts) byCol[Number(r.col)]?.push(r.bytes as Uint8Array);
  const join = (chunks: Uint8Array[], bytes: number): Uint8Array | undefined => {
    const out = new Uint8Array(bytes);
    let o = 0;
    for (const c of chunks) {
      if (o + c.byteLength > bytes) return undefined;
      out.set(c, o);
      o += c.byteLength;
    }
    return o === bytes ? out : undefined;
  };
  const refsBytes = byCol[1]!.reduce((a, c) => a + c.byteLength, 0);
  const kinds = join(byCol[0]!, n);
  const refsText = join(byCol[1]!, refsBytes);
  const src = join(byCol[2]!, 4 * m);
  const dst = join(byCol[3]!, 4 * m);
  const qty = join(byCol[4]!, 8 * m);
  if (!kinds || !refsText || !src || !dst || !qty) return undefined;
  let refs: string[];
  try {
    refs = decodeRefs(refsText, n);
  } catch {
    return undefined;
  }
  if (!Array.isArray(refs) || refs.length !== n) return undefined;
  return {
    uptoSeq: upto,
    nodeCount: n,
    edgeCount: m,
    kinds,
    refs,
    src: new Int32Array(src.buffer, src.byteOffset, m),
    dst: new Int32Array(dst.buffer, dst.byteOffset, m),
    qty: new Float64Array(qty.buffer, qty.byteOffset, m),
  };
}

/**
 * Write the pack of a complete stream of (0, upto]; only ever moves the pack forward. Parts first (keyed by
 * `upto`, so two processes writing the same pack write the same rows), then the header, then the parts of
 * older packs are removed.
 */
export async function writePack(g: GenealogySource, c: Collector, upto: number): Promise<void> {
  if (!LITTLE_ENDIAN) return;
  const { kinds, refs, src, dst, qty } = c.concat();
  const bytes = (a: Uint8Array | Int32Array | Float64Array) =>
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const cols = [bytes(kinds), encodeRefs(refs), bytes(src), bytes(dst), bytes(qty)];
  const parts = g.d.table('genealogy_pack_parts');
  const table = g.d.table('genealogy_pack');
  const statements: { sql: string; params?: readonly unknown[] }[] = [];
  cols.forEach((col, i) => {
    for (let o = 0, part = 0; o < col.byteLength || part === 0; o += PART_BYTES, part++) {
      const slice = col.subarray(o, Math.min(col.byteLength, o + PART_BYTES));
      statements.push(
        ...insertRows(
          g.d,
          'genealogy_pack_parts',
          ['upto_seq', 'col', 'part', 'bytes'],
          [[upto, i, part, Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength)]],
          'ignore',
        ),
      );
    }
  });
  const empty = Buffer.alloc(0);
  statements.push(
    { sql: `DELETE FROM ${table} WHERE id = 1 AND upto_seq < ?`, params: [upto] },
    ...insertRows(
      g.d,
      'genealogy_pack',
      [
        'id',
        'upto_seq',
        'node_count',
        'edge_count',
        'little_endian',
        'kinds',
        'refs',
        'src',
        'dst',
        'qty',
        'written_at',
      ],
      [[1, upto, kinds.length, src.length, 1, empty, '', empty, empty, empty, new Date().toISOString()]],
      'ignore',
    ),
    {
      sql: `DELETE FROM ${parts} WHERE upto_seq < (SELECT upto_seq FROM ${table} WHERE id = 1)`,
    },
  );
  await g.write(statements);
}

/** Stream (since, until]: from the pack when one covers a prefix, then the rows after it. */
export async function* streamGenealogy(
  g: GenealogySource,
  o: { since: number; until: number; size: number; pack: boolean; threshold: number },
  savePack: (c: Collector, upto: number) => Promise<void>,
): AsyncGenerator<GenealogyChunk> {
  const { since, until, size } = o;
  const pack = since === 0 && o.pack ? await readPack(g, until) : undefined;
  if (!pack) {
    const collect = since === 0 && o.pack ? newCollector() : undefined;
    for await (const c of streamRows(g, since, until, size, 0, 0)) {
      collect?.add(c);
      yield c;
    }
    if (collect && collect.rows() >= o.threshold) await savePack(collect, until);
    return;
  }
  for (let i = 0; i < pack.nodeCount; i += size) {
    const j = Math.min(pack.nodeCount, i + size);
    yield { type: 'nodes', firstId: i, kinds: pack.kinds.subarray(i, j), refs: pack.refs.slice(i, j) };
  }
  const tail = newCollector();
  const rows = streamRows(g, pack.uptoSeq, until, size, pack.nodeCount, pack.edgeCount)[
    Symbol.asyncIterator
  ]();
  let next = await rows.next();
  while (!next.done && next.value.type === 'nodes') {
    tail.add(next.value);
    yield next.value;
    next = await rows.next();
  }
  for (let i = 0; i < pack.edgeCount; i += size) {
    const j = Math.min(pack.edgeCount, i + size);
    yield {
      type: 'edges',
      src: pack.src.subarray(i, j),
      dst: pack.dst.subarray(i, j),
      qty: pack.qty.subarray(i, j),
    };
  }
  while (!next.done) {
    tail.add(next.value);
    yield next.value;
    next = await rows.next();
  }
  if (tail.rows() >= o.threshold) {
    const all = newCollector();
    all.add({ type: 'nodes', firstId: 0, kinds: pack.kinds, refs: pack.refs });
    all.add({ type: 'edges', src: pack.src, dst: pack.dst, qty: pack.qty });
    for (const c of tail.chunks) all.add(c);
    await savePack(all, until);
  }
}
