// Shared by the random-ledger properties (trace-catalogue, recall-drill): the stock movements both generate
// — produce, ship, split, return — as fast-check arbitraries, and how a generated one runs against the
// stock a store holds now. Each property adds its own commands (corrections, drills, checks …).
import { fromSteps, type Lotgraph, type Store } from '@lotgraph/sdk';
import fc from 'fast-check';
import type { GenealogyIndex } from '../src/genealogy/genealogy-index.js';

/** Decimals of the bakery fixture's products (helpers.ts). */
const DECIMALS: Record<string, number> = { flour: 3, salt: 3, dough: 3, bread: 0, crumbs: 3 };
export const dec = (productId: string) => DECIMALS[productId] ?? 0;
/** `f` % of `q` steps, at least one. */
export const part = (q: bigint, f: number) => {
  const v = (q * BigInt(f)) / 100n;
  return v < 1n ? 1n : v;
};
/** The genealogy index of an instance (internal; tests read its catalogue). */
export const indexOf = (lg: Lotgraph) => (lg as unknown as { index: GenealogyIndex }).index;

const frac = fc.integer({ min: 1, max: 90 });
const picks = fc.array(fc.nat(), { minLength: 1, maxLength: 3 });

/** A stock movement picked from what is on hand (inputs by position in `listStock()`, wrapped). */
export type Movement =
  | { t: 'produce'; picks: number[]; frac: number; out: 'dough' | 'bread'; intoExisting: boolean }
  | { t: 'ship'; picks: number[]; frac: number; customer: 'shop1' | 'shop2' }
  | { t: 'split'; pick: number; frac: number }
  | { t: 'return'; pick: number; frac: number };

/** The movements with their weights, for `fc.oneof(...movements, ...own)`. */
export const movements = [
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('produce' as const),
      picks,
      frac,
      out: fc.constantFrom('dough' as const, 'bread' as const),
      intoExisting: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('ship' as const),
      picks,
      frac,
      customer: fc.constantFrom('shop1' as const, 'shop2' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('split' as const), pick: fc.nat(), frac }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('return' as const), pick: fc.nat(), frac }) },
];

export { frac, picks };

/**
 * Run movement `c` (the `n`-th step) as `who` against the stock `store` holds now. `refused` is told of a
 * command the ledger refused (and rethrows what the property does not accept).
 */
export async function applyMovement(
  who: Lotgraph,
  store: Store,
  c: Movement,
  n: number,
  refused: (e: { code?: string }, t: Movement['t']) => void,
): Promise<void> {
  const rows = await store.listStock();
  const picked = (ps: number[]) => [...new Set(ps.map((p) => p % rows.length))].map((i) => rows[i]!);
  const quantity = (q: bigint, f: number, productId: string) => fromSteps(part(q, f), dec(productId));
  const onRefused = (e: { code?: string }) => refused(e, c.t);
  switch (c.t) {
    case 'produce': {
      if (!rows.length) return;
      const existing = (await store.listLots({ productId: c.out }))[0];
      await who
        .produce({
          orderId: `PO${n}`,
          inputs: picked(c.picks).map((r) => ({
            lotId: r.lotId,
            locationId: r.locationId,
            quantity: quantity(r.quantity, c.frac, r.productId),
          })),
          outputs: [
            {
              lotId: c.intoExisting && existing ? existing.id : `P${n}`,
              productId: c.out,
              locationId: 'WH',
              quantity: c.out === 'bread' ? '12' : '3.5',
            },
          ],
        })
        .catch(onRefused);
      return;
    }
    case 'ship':
      if (!rows.length) return;
      await who
        .ship({
          shipmentId: `SH${n}`,
          customerId: c.customer,
          lines: picked(c.picks).map((r) => ({
            lotId: r.lotId,
            locationId: r.locationId,
            quantity: quantity(r.quantity, c.frac, r.productId),
          })),
        })
        .catch(onRefused);
      return;
    case 'split': {
      if (!rows.length) return;
      const r = rows[c.pick % rows.length]!;
      await who
        .split({
          lotId: r.lotId,
          locationId: r.locationId,
          outputs: [{ lotId: `S${n}`, quantity: quantity(r.quantity, c.frac, r.productId) }],
        })
        .catch(onRefused);
      return;
    }
    case 'return': {
      const lines = await store.listShipmentLines();
      if (!lines.length) return;
      const l = lines[c.pick % lines.length]!;
      await who
        .return({
          returnId: `RT${n}`,
          customerId: l.customerId,
          lotId: l.lotId,
          locationId: 'WH',
          quantity: quantity(l.quantity, c.frac, l.productId),
        })
        .catch(onRefused);
      return;
    }
  }
}
