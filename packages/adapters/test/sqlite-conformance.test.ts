import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteStore } from '@lotgraph/adapters/sqlite';
import { runStoreConformance } from '@lotgraph/sdk/testing';

runStoreConformance('sqlite :memory:', async () => {
  const store = SqliteStore.open({ filename: ':memory:' });
  return {
    store,
    cleanup: () => store.close(),
    tamper: (seq, mutate) => store.tamperForTesting(seq, mutate),
    corrupt: (kind, seq) => store.corruptForTesting(kind, seq),
  };
});

runStoreConformance('sqlite file (WAL)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-sqlite-'));
  const store = SqliteStore.open({ filename: path.join(dir, 'conformance.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
    tamper: (seq, mutate) => store.tamperForTesting(seq, mutate),
    corrupt: (kind, seq) => store.corruptForTesting(kind, seq),
  };
});

// The genealogy pack (a cached packed copy of the genealogy) rewritten on every full stream: the whole
// suite must see exactly the same streams through it.
runStoreConformance('sqlite :memory: (genealogy pack after every stream)', async () => {
  const store = SqliteStore.open({ filename: ':memory:', packThreshold: 1 });
  return {
    store,
    cleanup: () => store.close(),
    tamper: (seq, mutate) => store.tamperForTesting(seq, mutate),
    corrupt: (kind, seq) => store.corruptForTesting(kind, seq),
  };
});
