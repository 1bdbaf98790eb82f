// export → import → export of serials and logistic units after random operations (property, random seed:
// fast-check prints it on failure).
import { type Lotgraph, LotgraphError } from '@lotgraph/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { a, i, master, sscc } from './serials-fixture.js';

describe('GS1 EPCIS 2.0 of serials and logistic units: properties', () => {
  it('export → import → export is identical after random pack, move, ship, pick and state operations (property)', async () => {
    type Op =
      | { op: 'pack'; unit: number; serials: number[]; loose: number }
      | { op: 'nest'; child: number; parent: number }
      | { op: 'unpack'; unit: number; serials: number[]; all: boolean }
      | { op: 'move'; unit: number; to: number }
      | { op: 'ship'; units: number[]; serials: number[]; line: number }
      | { op: 'state'; serials: number[]; state: number };
    const idx = fc.integer({ min: 1, max: 12 });
    const unit = fc.integer({ min: 1, max: 5 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          op: fc.constant('pack' as const),
          unit,
          serials: fc.uniqueArray(idx, { maxLength: 3 }),
          loose: fc.integer({ min: 0, max: 2 }),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          op: fc.constant('nest' as const),
          child: fc.integer({ min: 1, max: 4 }),
          parent: fc.integer({ min: 4, max: 5 }),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          op: fc.constant('unpack' as const),
          unit,
          serials: fc.uniqueArray(idx, { maxLength: 2 }),
          all: fc.boolean(),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({ op: fc.constant('move' as const), unit, to: fc.integer({ min: 0, max: 2 }) }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          op: fc.constant('ship' as const),
          units: fc.uniqueArray(unit, { maxLength: 2 }),
          serials: fc.uniqueArray(idx, { maxLength: 2 }),
          line: fc.integer({ min: 0, max: 2 }),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          op: fc.constant('state' as const),
          serials: fc.uniqueArray(idx, { minLength: 1, maxLength: 2 }),
          state: fc.integer({ min: 0, max: 5 }),
        }),
      },
    );
    const LOCS = ['WH', 'DOCK', 'DC2'];
    const STATES = ['destroyed', 'decommissioned', 'dispensed', 'returned', 'sample', 'active'] as const;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 15, maxLength: 40 }), async (ops) => {
        const lg = await master();
        await lg.receive({ lotId: 'A1', productId: 'amox', locationId: 'WH', quantity: '40' });
        await lg.receive({ lotId: 'I1', productId: 'ibu', locationId: 'WH', quantity: '20' });
        await lg.serials.commission({
          lotId: 'A1',
          locationId: 'WH',
          range: { prefix: 'A', start: 1, count: 8, width: 2 },
        });
        await lg.serials.commission({
          lotId: 'I1',
          locationId: 'WH',
          range: { prefix: 'I', start: 9, count: 4, width: 2 },
        });
        const ref = (n: number) => (n <= 8 ? a(n) : i(n));
        const where = async (u: number) => (await lg.store.getUnits([sscc(u)]))[0]?.locationId;
        let shipments = 0;
        for (const o of ops) {
          const run = async () => {
            switch (o.op) {
              case 'pack': {
                const loc = (await where(o.unit)) ?? 'WH';
                return lg.units.pack({
                  unitId: sscc(o.unit),
                  kind: o.unit <= 3 ? 'case' : 'pallet',
                  locationId: loc,
                  serials: o.serials.map(ref),
                  ...(o.loose ? { lots: [{ lotId: 'I1', quantity: String(o.loose) }] } : {}),
                });
              }
              case 'nest':
                return lg.units.pack({ unitId: sscc(o.parent), kind: 'pallet', units: [sscc(o.child)] });
              case 'unpack':
                return lg.units.unpack(
                  o.all
                    ? { unitId: sscc(o.unit), all: true }
                    : { unitId: sscc(o.unit), serials: o.serials.map(ref) },
                );
              case 'move':
                return lg.units.move({ unitId: sscc(o.unit), toLocationId: LOCS[o.to]! });
              case 'ship':
                return lg.ship({
                  shipmentId: `S${shipments++}`,
                  customerId: 'ph1',
                  ...(o.line ? { lines: [{ lotId: 'A1', locationId: 'WH', quantity: String(o.line) }] } : {}),
                  ...(o.units.length ? { units: o.units.map(sscc) } : {}),
                  ...(o.serials.length ? { serials: o.serials.map(ref) } : {}),
                });
              case 'state': {
                const state = STATES[o.state]!;
                return lg.serials.setState({
                  serials: o.serials.map(ref),
                  state,
                  ...(state === 'destroyed' || state === 'decommissioned' ? { reason: 'test' } : {}),
                  ...(state === 'returned' ? { locationId: 'DOCK' } : {}),
                });
              }
            }
          };
          await run().catch((e) => {
            if (!(e instanceof LotgraphError)) throw e;
          });
        }
        const doc1 = await lg.exports.epcis({ creationDate: '2026-11-23T00:00:00Z' });
        const b = await master();
        await b.imports.epcis(JSON.parse(JSON.stringify(doc1)));
        expect(await b.exports.epcis({ creationDate: '2026-11-23T00:00:00Z' })).toEqual(doc1);
        const rows = async (x: Lotgraph) =>
          (await x.serials.list({ limit: 100 })).map(
            ({ gtin, serial, state, locationId, unitId, shipmentId }) => ({
              gtin,
              serial,
              state,
              locationId,
              unitId,
              shipmentId,
            }),
          );
        expect(await rows(b)).toEqual(await rows(lg));
      }),
      { numRuns: 50 },
    );
  });
});
