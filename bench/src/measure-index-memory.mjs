// Memory held by one process's genealogy index (sdk `Lotgraph` over SQLite) at a given size:
// node --expose-gc bench/src/measure-index-memory.mjs 1m
// Prints bytes per node and per edge (wasm memory + JS heap/external growth after GC). Used for docs/scaling.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteStore } from '@lotgraph/adapters/sqlite';
import { Lotgraph } from '@lotgraph/sdk';
import { bulkLoad } from './fixtures/bulk-store.mjs';
import { generate } from './generator.mjs';
import { parseSize } from './run.mjs';

const lots = parseSize(process.argv[2] ?? '100k');
const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-mem-'));
const file = path.join(dir, 'm.db');
try {
  let g = generate(lots);
  const store = SqliteStore.open({ filename: file, synchronous: 'NORMAL' });
  await bulkLoad(store, g);
  await store.packGenealogy();
  await store.close();
  const nodes = g.kinds.length;
  const edges = g.src.length;
  g = undefined;
  const mem = () => {
    globalThis.gc();
    globalThis.gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external; // external includes ArrayBuffers (and wasm memory)
  };
  const before = mem();
  const lg = await Lotgraph.open({ store: SqliteStore.open({ filename: file }) });
  const after = mem();
  const held = after - before;
  console.log(
    JSON.stringify({
      lots,
      nodes,
      edges,
      heldBytes: held,
      perNode: held / nodes,
      perEdge: held / edges,
      perLot: held / lots,
    }),
  );
  await lg.close();
  await lg.store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
