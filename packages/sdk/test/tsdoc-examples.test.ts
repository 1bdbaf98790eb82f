// Every fenced ```ts @example in the public entry points runs: imports are stripped and the packages'
// exports (plus a ready `lg` over a memory store with a flour lot "F-1") are put in scope.
import { readFileSync } from 'node:fs';
import * as sqlite from '@lotgraph/adapters/sqlite';
import * as core from '@lotgraph/core-wasm';
import * as gs1 from '@lotgraph/gs1';
import * as sdk from '@lotgraph/sdk';
import { describe, expect, it } from 'vitest';

const FILES = [
  'packages/core-wasm/src/graph.ts',
  'packages/gs1/src/parse.ts',
  'packages/sdk/src/index.ts',
  'packages/sdk/src/lotgraph.ts',
  // The facades of lg.stock, lg.trace, lg.allocation, lg.quality, lg.recall… live in their feature folders.
  'packages/sdk/src/genealogy/facade.ts',
  'packages/sdk/src/stock/facade.ts',
  'packages/sdk/src/allocation/facade.ts',
  'packages/sdk/src/quality/facade.ts',
  'packages/sdk/src/recall/facade.ts',
  'packages/sdk/src/exports/facade.ts',
  'packages/sdk/src/alerts/facade.ts',
  'packages/sdk/src/serials/facade.ts',
  'packages/sdk/src/ledger/import.ts',
  'packages/sdk/src/store/memory-store.ts',
  'packages/adapters/src/sqlite/index.ts',
];

function examples(file: string): { file: string; n: number; code: string }[] {
  const text = readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');
  const out: { file: string; n: number; code: string }[] = [];
  const re = /@example\s*\n\s*\*\s*```ts\n([\s\S]*?)\n\s*\*\s*```/g;
  for (let m = re.exec(text), n = 1; m; m = re.exec(text), n++) {
    out.push({
      file,
      n,
      code: m[1]!
        .split('\n')
        .map((l) => l.replace(/^\s*\* ?/, ''))
        .join('\n'),
    });
  }
  return out;
}

const all = FILES.flatMap(examples);

describe('TSDoc @example blocks run', () => {
  it('finds the examples', () => expect(all.length).toBeGreaterThanOrEqual(10));
  for (const ex of all) {
    it(`${ex.file} #${ex.n}`, async () => {
      const lg = await sdk.Lotgraph.open({ store: new sdk.MemoryStore() });
      await lg.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3, gtin: '09506000134352' });
      await lg.defineProduct({ id: 'bread', name: 'Bread', unit: 'pc', decimals: 0 });
      await lg.defineParty({ id: 'shop1', name: 'Shop', roles: ['customer'] });
      await lg.defineParty({ id: 'shop', name: 'Corner shop', roles: ['customer'] });
      await lg.defineParty({ id: 'mill', name: 'Mill', roles: ['supplier'] });
      await lg.defineLocation({ id: 'WH', site: 'plant' });
      await lg.receive({
        lotId: 'F-1',
        productId: 'flour',
        locationId: 'WH',
        quantity: '100',
        expiry: '2030-01-01',
      });
      await lg.receive({ lotId: 'B-0', productId: 'bread', locationId: 'WH', quantity: '50' });
      const scope: Record<string, unknown> = {
        ...core,
        ...gs1,
        ...sdk,
        ...sqlite,
        lg,
        console: { log: () => {} },
      };
      const body = ex.code
        .replace(/^import .*$/gm, '')
        .replace(/filename: '[^']+\.db'/g, "filename: ':memory:'")
        // an example that opens its own `lg` shadows the prepared one
        .replace(/\bconst lg =/g, 'lg =');
      const names = Object.keys(scope).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k));
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
        ...a: string[]
      ) => (...v: unknown[]) => Promise<void>;
      const fn = new AsyncFunction(
        ...names.filter((n) => n !== 'lg'),
        `let lg = arguments[arguments.length - 1];\n${body}`,
      );
      await fn(...names.filter((n) => n !== 'lg').map((n) => scope[n]), lg);
    });
  }
});
