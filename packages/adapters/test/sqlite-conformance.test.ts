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
  };
});
