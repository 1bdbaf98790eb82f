import { MemoryStore } from '@lotgraph/sdk';
import { runStoreConformance } from '@lotgraph/sdk/testing';

runStoreConformance('memory', async () => {
  const store = new MemoryStore();
  return {
    store,
    cleanup: () => store.close(),
    tamper: async (seq, mutate) => store.tamperForTesting(seq, mutate),
  };
});
