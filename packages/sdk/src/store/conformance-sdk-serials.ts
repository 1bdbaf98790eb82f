import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LotgraphError } from '../errors.js';
import { Lotgraph } from '../lotgraph.js';
import { clock } from './conformance-sdk.js';
import type { ConformanceFactory } from './conformance-types.js';
import { MemoryStore } from './memory-store.js';
import type { Store } from './port.js';

const GTIN = '09506000134352';
const SSCC = ['006141410000000012', '006141410000000029', '006141410000000036', '006141410000000043'];

async function open(store: Store): Promise<Lotgraph> {
  const lg = await Lotgraph.open({ store, clock: clock(), actor: 'conformance' });
  if ((await store.head()).seq > 0) return lg;
  await lg.defineProduct({ id: 'amox', name: 'Amoxicillin', unit: 'pack', decimals: 0, gtin: GTIN });
  await lg.defineParty({ id: 'ph', name: 'Pharmacy', roles: ['customer'] });
  await lg.defineLocation({ id: 'WH', site: 'S' });
  await lg.defineLocation({ id: 'DOCK', site: 'S' });
  await lg.receive({ lotId: 'A1', productId: 'amox', locationId: 'WH', quantity: '40' });
  return lg;
}

/** Every serial, unit and stock row (what must agree between a store and MemoryStore). */
async function serialState(store: Store): Promise<unknown> {
  return {
    serials: await store.listSerials({}),
    units: await store.listUnits({}),
    stock: await store.listStock(),
    lines: await store.listShipmentLines(),
  };
}

type Op =
  | { op: 'commission'; n: number }
  | { op: 'pack'; unit: number; serials: number[]; loose: number }
  | { op: 'nest'; child: number; parent: number }
  | { op: 'move'; unit: number }
  | { op: 'ship'; units: number[]; serials: number[] }
  | { op: 'state'; serials: number[]; state: 'destroyed' | 'dispensed' | 'returned' | 'active' }
  | { op: 'unpack'; unit: number };

async function apply(lg: Lotgraph, store: Store, o: Op, k: { next: number; ship: number }): Promise<string> {
  const ref = (i: number) => ({ gtin: GTIN, serial: `Z${i}` });
  const where = async (u: number) => (await store.getUnits([SSCC[u] as string]))[0]?.locationId ?? 'WH';
  try {
    switch (o.op) {
      case 'commission': {
        const first = k.next;
        k.next += o.n;
        await lg.serials.commission({
          lotId: 'A1',
          locationId: 'WH',
          range: { prefix: 'Z', start: first, count: o.n },
        });
        break;
      }
      case 'pack':
        await lg.units.pack({
          unitId: SSCC[o.unit] as string,
          kind: 'case',
          locationId: await where(o.unit),
          serials: o.serials.map(ref),
          ...(o.loose > 0 ? { lots: [{ lotId: 'A1', quantity: String(o.loose) }] } : {}),
        });
        break;
      case 'nest':
        await lg.units.pack({
          unitId: SSCC[o.parent] as string,
          kind: 'pallet',
          units: [SSCC[o.child] as string],
        });
        break;
      case 'move':
        await lg.units.move({
          unitId: SSCC[o.unit] as string,
          toLocationId: (await where(o.unit)) === 'WH' ? 'DOCK' : 'WH',
        });
        break;
      case 'ship':
        await lg.ship({
          shipmentId: `S${k.ship++}`,
          customerId: 'ph',
          units: o.units.map((u) => SSCC[u] as string),
          serials: o.serials.map(ref),
        });
        break;
      case 'state':
        await lg.serials.setState({
          serials: o.serials.map(ref),
          state: o.state,
          ...(o.state === 'destroyed' ? { reason: 'damaged' } : {}),
          ...(o.state === 'returned' ? { locationId: 'DOCK' } : {}),
        });
        break;
      case 'unpack':
        await lg.units.unpack({ unitId: SSCC[o.unit] as string, all: true });
        break;
    }
    return 'ok';
  } catch (e) {
    if (!(e instanceof LotgraphError)) throw e;
    return e.code;
  }
}

/**
 * Serials and logistic units through the sdk on the store under test, against MemoryStore running the same
 * commands: same answers, same rows, same refusals.
 */
export function sdkSerialScenarios(factory: ConformanceFactory): void {
  describe('sdk serials and logistic units over the store', () => {
    it('agrees with MemoryStore on random serial and unit commands, and after reopening (property)', async () => {
      const idx = fc.integer({ min: 0, max: 11 });
      const unit = fc.integer({ min: 0, max: SSCC.length - 1 });
      const op: fc.Arbitrary<Op> = fc.oneof(
        fc.record({ op: fc.constant('commission' as const), n: fc.integer({ min: 1, max: 6 }) }),
        fc.record({
          op: fc.constant('pack' as const),
          unit,
          serials: fc.uniqueArray(idx, { maxLength: 3 }),
          loose: fc.integer({ min: 0, max: 3 }),
        }),
        fc.record({ op: fc.constant('nest' as const), child: unit, parent: unit }),
        fc.record({ op: fc.constant('move' as const), unit }),
        fc.record({
          op: fc.constant('ship' as const),
          units: fc.uniqueArray(unit, { maxLength: 2 }),
          serials: fc.uniqueArray(idx, { maxLength: 2 }),
        }),
        fc.record({
          op: fc.constant('state' as const),
          serials: fc.uniqueArray(idx, { minLength: 1, maxLength: 2 }),
          state: fc.constantFrom(
            'destroyed' as const,
            'dispensed' as const,
            'returned' as const,
            'active' as const,
          ),
        }),
        fc.record({ op: fc.constant('unpack' as const), unit }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
          const fx = await factory();
          try {
            const lg = await open(fx.store);
            const model = new MemoryStore();
            const ref = await open(model);
            const a = { next: 0, ship: 0 };
            const b = { next: 0, ship: 0 };
            for (const o of ops) {
              const mine = await apply(lg, fx.store, o, a);
              const theirs = await apply(ref, model, o, b);
              expect(mine, JSON.stringify(o)).toBe(theirs);
            }
            expect(await serialState(fx.store)).toEqual(await serialState(model));
            // A second instance on the same store describes every serial the same way (lot, state, unit
            // path, history with event types and times, customer) — through the store's describeSerial
            // where it has one.
            const again = await Lotgraph.open({ store: fx.store });
            const settle = (p: Promise<unknown>) =>
              p.then(
                (ok) => ({ ok }),
                (e: { code?: string }) => ({ error: e.code ?? String(e) }),
              );
            for (let i = 0; i < a.next; i++)
              expect(await settle(again.serials.get(GTIN, `Z${i}`))).toEqual(
                await settle(ref.serials.get(GTIN, `Z${i}`)),
              );
          } finally {
            await fx.cleanup?.();
          }
        }),
        { numRuns: 8 },
      );
    });
  });
}
