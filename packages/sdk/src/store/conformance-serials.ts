import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { bindSuite, expectCode, lot, product, putChanges, type SuiteState } from './conformance-kit.js';
import { MemoryStore } from './memory-store.js';
import type { ProjectionChange, Store } from './port.js';
import type { LogisticUnitRecord, SerialPatch, SerialState } from './serial-port.js';

const G1 = '09506000134352';
const G2 = '00614141000012';
const SSCC_P = '106141411234567897';
const SSCC_C = '006141411234567890';

const unit = (id: string, seq: number, extra: Partial<LogisticUnitRecord> = {}): LogisticUnitRecord => ({
  id,
  kind: 'pallet',
  state: 'active',
  locationId: 'W',
  lots: [],
  createdSeq: seq,
  seq,
  ...extra,
});

/** Everything serial- and unit-related a store holds (for before/after comparisons). */
async function serialSnapshot(store: Store): Promise<unknown> {
  return {
    head: await store.head(),
    serials: await store.listSerials({}),
    units: await store.listUnits({}),
  };
}

/** Store conformance: serialised items (GTIN + serial) and logistic units (SSCC). */
export function serialsConformance(s: SuiteState): void {
  let store: Store;
  beforeEach(() => {
    store = s.store;
  });
  const { put } = bindSuite(() => store);

  describe('serials and logistic units', () => {
    it('commissions serials, reads them by key, filter and page, in GTIN then serial order', async () => {
      await put([
        {
          type: 'addSerials',
          gtin: G1,
          lotId: 'L1',
          locationId: 'W',
          serials: ['b2', 'A1', 'a1', '10', '9'],
          seq: 1,
        },
        {
          type: 'addSerials',
          gtin: G2,
          lotId: 'L2',
          locationId: 'X',
          unitId: SSCC_C,
          serials: ['A1'],
          seq: 1,
        },
      ]);
      const got = await store.getSerials([
        { gtin: G2, serial: 'A1' },
        { gtin: G1, serial: 'a1' },
        { gtin: G1, serial: 'missing' },
        { gtin: G1, serial: 'a1' },
      ]);
      expect(got).toEqual([
        {
          gtin: G2,
          serial: 'A1',
          lotId: 'L2',
          state: 'active',
          locationId: 'X',
          unitId: SSCC_C,
          seq: 1,
          history: [{ state: 'active', seq: 1 }],
        },
        {
          gtin: G1,
          serial: 'a1',
          lotId: 'L1',
          state: 'active',
          locationId: 'W',
          seq: 1,
          history: [{ state: 'active', seq: 1 }],
        },
      ]);
      const all = await store.listSerials({});
      expect(all.map((x) => `${x.gtin}/${x.serial}`)).toEqual([
        `${G2}/A1`,
        `${G1}/10`,
        `${G1}/9`,
        `${G1}/A1`,
        `${G1}/a1`,
        `${G1}/b2`,
      ]);
      expect((await store.listSerials({ lotId: 'L1' })).map((x) => x.serial)).toEqual([
        '10',
        '9',
        'A1',
        'a1',
        'b2',
      ]);
      expect((await store.listSerials({ locationId: 'X' })).map((x) => x.serial)).toEqual(['A1']);
      expect((await store.listSerials({ unitIds: [SSCC_C, SSCC_P] })).map((x) => x.gtin)).toEqual([G2]);
      expect(await store.listSerials({ unitIds: [] })).toEqual([]);
      expect(
        (await store.listSerials({ gtin: G1, after: { gtin: G1, serial: '9' }, limit: 2 })).map(
          (x) => x.serial,
        ),
      ).toEqual(['A1', 'a1']);
      expect(
        (await store.listSerials({ after: { gtin: G2, serial: 'A1' }, limit: 1 })).map((x) => x.serial),
      ).toEqual(['10']);
      expect(await store.countSerials({ lotId: 'L1', state: 'active' })).toBe(5);
      expect(await store.countSerials({ lotId: 'L1', limit: 1 })).toBe(5);
      expect(await store.countSerials({ state: 'shipped' })).toBe(0);
      // Copies: mutating a result never changes the store.
      (got[1] as { history: unknown[] }).history.push({ state: 'shipped', seq: 9 });
      expect((await store.getSerials([{ gtin: G1, serial: 'a1' }]))[0]?.history).toHaveLength(1);
    });

    it('patches serials in batch order: state joins the history, null clears, absent keeps', async () => {
      await put([
        { type: 'addSerials', gtin: G1, lotId: 'L1', locationId: 'W', serials: ['1', '2', '3'], seq: 1 },
        { type: 'updateSerials', gtin: G1, serials: ['1', '2', 'nope'], patch: { unitId: SSCC_C }, seq: 1 },
      ]);
      await put([
        {
          type: 'updateSerials',
          gtin: G1,
          serials: ['1'],
          patch: { state: 'shipped', locationId: null, unitId: null, shipmentId: 'SH1' },
          seq: 2,
        },
        {
          type: 'updateSerials',
          gtin: G1,
          serials: ['3'],
          patch: { state: 'decommissioned', reason: 'damaged' },
          seq: 2,
        },
      ]);
      const rows = await store.listSerials({ gtin: G1 });
      expect(rows).toEqual([
        {
          gtin: G1,
          serial: '1',
          lotId: 'L1',
          state: 'shipped',
          shipmentId: 'SH1',
          seq: 2,
          history: [
            { state: 'active', seq: 1 },
            { state: 'shipped', seq: 2 },
          ],
        },
        {
          gtin: G1,
          serial: '2',
          lotId: 'L1',
          state: 'active',
          locationId: 'W',
          unitId: SSCC_C,
          seq: 1,
          history: [{ state: 'active', seq: 1 }],
        },
        {
          gtin: G1,
          serial: '3',
          lotId: 'L1',
          state: 'decommissioned',
          locationId: 'W',
          reason: 'damaged',
          seq: 2,
          history: [
            { state: 'active', seq: 1 },
            { state: 'decommissioned', seq: 2 },
          ],
        },
      ]);
      expect((await store.listSerials({ shipmentIds: ['SH1', 'SH2'] })).map((x) => x.serial)).toEqual(['1']);
      expect(await store.getSerials([{ gtin: G1, serial: 'nope' }])).toEqual([]);
    });

    it('applies neighbouring updates with one patch each once per naming, a serial named twice twice', async () => {
      await put([
        { type: 'addSerials', gtin: G1, lotId: 'L1', locationId: 'W', serials: ['1', '2', '3'], seq: 1 },
      ]);
      const patch = { state: 'returned', locationId: 'W' } as const;
      await put([
        { type: 'updateSerials', gtin: G1, serials: ['1'], patch, seq: 2 },
        { type: 'updateSerials', gtin: G1, serials: ['2'], patch, seq: 2 },
        { type: 'updateSerials', gtin: G1, serials: ['2', '3'], patch, seq: 2 },
      ]);
      const returned = (n: number) => [
        { state: 'active', seq: 1 },
        ...Array.from({ length: n }, () => ({ state: 'returned', seq: 2 })),
      ];
      expect((await store.listSerials({ gtin: G1 })).map((r) => [r.serial, r.history])).toEqual([
        ['1', returned(1)],
        ['2', returned(2)],
        ['3', returned(1)],
      ]);
    });

    it('describes a serial (lot, units outwards, its events, shipment) exactly as the single reads do', async () => {
      await put([
        { type: 'putProduct', product: product('P') },
        { type: 'putLot', lot: lot('L1', 'P', 1) },
        { type: 'putUnit', unit: unit(SSCC_P, 1) },
        { type: 'putUnit', unit: unit(SSCC_C, 1, { kind: 'case', parentId: SSCC_P }) },
        { type: 'addSerials', gtin: G1, lotId: 'L1', locationId: 'W', serials: ['1', '2', '3'], seq: 1 },
      ]);
      await put([{ type: 'updateSerials', gtin: G1, serials: ['1'], patch: { unitId: SSCC_C }, seq: 2 }]);
      await put([
        {
          type: 'putShipment',
          shipment: { id: 'SH1', customerId: 'C1', shippedAt: '2026-02-01T10:00:00.000Z', seq: 3 },
        },
        {
          type: 'updateSerials',
          gtin: G1,
          serials: ['2'],
          patch: { state: 'shipped', locationId: null, shipmentId: 'SH1' },
          seq: 3,
        },
        // Twice in one event: the history names seq 3 twice, the events list it once.
        { type: 'updateSerials', gtin: G1, serials: ['2'], patch: { state: 'dispensed' }, seq: 3 },
      ]);
      const describe = store.describeSerial?.bind(store);
      if (!describe) return;
      /** What the single reads give (how the sdk reads a store without describeSerial). */
      const composed = async (serial: string) => {
        const [row] = await store.getSerials([{ gtin: G1, serial }]);
        if (!row) return undefined;
        const units: LogisticUnitRecord[] = [];
        for (let id = row.unitId; id !== undefined; ) {
          const [u] = await store.getUnits([id]);
          if (!u) break;
          units.push(u);
          id = u.parentId;
        }
        const events = [];
        for (const seq of [...new Set(row.history.map((h) => h.seq))].sort((a, b) => a - b)) {
          const e = await store.getEvent(seq);
          if (e) events.push({ seq, type: e.type, eventTime: e.eventTime });
        }
        const lotRow = await store.getLot(row.lotId);
        const shipment = row.shipmentId === undefined ? undefined : await store.getShipment(row.shipmentId);
        return {
          serial: row,
          units,
          events,
          ...(lotRow ? { lot: lotRow } : {}),
          ...(shipment ? { shipment } : {}),
        };
      };
      for (const serial of ['1', '2', '3', 'missing'])
        expect(await describe({ gtin: G1, serial })).toEqual(await composed(serial));
      const one = await describe({ gtin: G1, serial: '1' });
      expect(one?.units.map((u) => u.id)).toEqual([SSCC_C, SSCC_P]);
      expect((await describe({ gtin: G1, serial: '2' }))?.events.map((e) => e.seq)).toEqual([1, 3]);
      expect(await describe({ gtin: G2, serial: '1' })).toBeUndefined();
    });

    it('refuses a serial commissioned twice (stored, or twice in one batch) with CONFLICT and writes nothing', async () => {
      await put([{ type: 'addSerials', gtin: G1, lotId: 'L1', locationId: 'W', serials: ['1'], seq: 1 }]);
      const before = await serialSnapshot(store);
      const e = await expectCode(
        put([
          { type: 'addSerials', gtin: G1, lotId: 'L1', locationId: 'W', serials: ['2'], seq: 2 },
          { type: 'putUnit', unit: unit(SSCC_P, 2) },
          { type: 'addSerials', gtin: G1, lotId: 'L9', locationId: 'W', serials: ['1'], seq: 2 },
        ]),
        'CONFLICT',
      );
      expect(e.details).toMatchObject({ gtin: G1, serial: '1' });
      expect(await serialSnapshot(store)).toEqual(before);
      await expectCode(
        put([
          { type: 'addSerials', gtin: G2, lotId: 'L1', locationId: 'W', serials: ['5', '6', '5'], seq: 2 },
        ]),
        'CONFLICT',
      );
      expect(await serialSnapshot(store)).toEqual(before);
    });

    it('rolls serial and unit changes back with the rest of a refused append', async () => {
      const before = await serialSnapshot(store);
      await expectCode(
        put([
          { type: 'addSerials', gtin: G1, lotId: 'L1', locationId: 'W', serials: ['1'], seq: 1 },
          { type: 'putUnit', unit: unit(SSCC_P, 1) },
          { type: 'stockDelta', lotId: 'L1', locationId: 'W', productId: 'P', delta: -1n },
        ]),
        'INSUFFICIENT_STOCK',
      );
      expect(await serialSnapshot(store)).toEqual(before);
    });

    it('stores logistic units with exact lot quantities, patches them, lists them by parent, shipment, place', async () => {
      const big = 2n ** 60n + 7n;
      await put([
        { type: 'putUnit', unit: unit(SSCC_P, 1) },
        {
          type: 'putUnit',
          unit: unit(SSCC_C, 1, { kind: 'case', parentId: SSCC_P, lots: [{ lotId: 'L1', quantity: big }] }),
        },
      ]);
      expect(await store.getUnits([SSCC_P, 'x', SSCC_C])).toEqual([
        unit(SSCC_C, 1, { kind: 'case', parentId: SSCC_P, lots: [{ lotId: 'L1', quantity: big }] }),
        unit(SSCC_P, 1),
      ]);
      expect((await store.listUnits({ parentIds: [SSCC_P] })).map((u) => u.id)).toEqual([SSCC_C]);
      await put([
        {
          type: 'updateUnits',
          ids: [SSCC_P, SSCC_C, 'missing'],
          patch: { state: 'shipped', locationId: null, shipmentId: 'SH1' },
          seq: 2,
        },
        { type: 'updateUnits', ids: [SSCC_C], patch: { parentId: null }, seq: 2 },
      ]);
      const after = await store.listUnits({ shipmentId: 'SH1' });
      expect(after).toEqual([
        {
          id: SSCC_C,
          kind: 'case',
          state: 'shipped',
          shipmentId: 'SH1',
          lots: [{ lotId: 'L1', quantity: big }],
          createdSeq: 1,
          seq: 2,
        },
        { id: SSCC_P, kind: 'pallet', state: 'shipped', shipmentId: 'SH1', lots: [], createdSeq: 1, seq: 2 },
      ]);
      expect(typeof after[0]?.lots[0]?.quantity).toBe('bigint');
      expect(await store.listUnits({ state: 'active' })).toEqual([]);
      expect(await store.listUnits({ parentIds: [SSCC_P] })).toEqual([]);
      expect(await store.getUnits([])).toEqual([]);
    });

    it('agrees with MemoryStore on random sequences of serial and unit changes (property)', async () => {
      const states: SerialState[] = ['active', 'shipped', 'returned', 'dispensed', 'destroyed', 'sample'];
      const serialArb = fc.constantFrom('1', '2', '10', 'A', 'a', 'Z9');
      const nullable = <T>(a: fc.Arbitrary<T>) =>
        fc.option(fc.oneof(a, fc.constant(null)), { nil: undefined });
      const anyPatch: fc.Arbitrary<SerialPatch> = fc.record(
        {
          state: fc.option(fc.constantFrom(...states), { nil: undefined }),
          locationId: nullable(fc.constantFrom('W', 'X')),
          unitId: nullable(fc.constantFrom(SSCC_P, SSCC_C)),
          shipmentId: nullable(fc.constantFrom('SH1', 'SH2')),
          reason: nullable(fc.constantFrom('damaged', 'expired')),
        },
        { requiredKeys: [] },
      );
      // Often one shipment's patch, so that neighbouring updates of one batch share it (SQL stores write
      // those as one statement), sometimes naming the same serial twice.
      const patchArb = fc.oneof(
        anyPatch,
        fc.constant<SerialPatch>({ state: 'shipped', locationId: null, shipmentId: 'SH1' }),
      );
      const change = fc.oneof(
        fc.record({
          kind: fc.constant('add' as const),
          gtin: fc.constantFrom(G1, G2),
          serials: fc.uniqueArray(serialArb, { minLength: 1, maxLength: 3 }),
          lotId: fc.constantFrom('L1', 'L2'),
          unitId: fc.option(fc.constantFrom(SSCC_P, SSCC_C), { nil: undefined }),
        }),
        fc.record({
          kind: fc.constant('update' as const),
          gtin: fc.constantFrom(G1, G2),
          serials: fc.uniqueArray(serialArb, { minLength: 1, maxLength: 3 }),
          patch: patchArb,
        }),
        fc.record({
          kind: fc.constant('unit' as const),
          id: fc.constantFrom(SSCC_P, SSCC_C),
          parentId: fc.option(fc.constantFrom(SSCC_P), { nil: undefined }),
          quantity: fc.bigInt({ min: 1n, max: 2n ** 62n }),
        }),
        fc.record({
          kind: fc.constant('unitPatch' as const),
          ids: fc.uniqueArray(fc.constantFrom(SSCC_P, SSCC_C), { minLength: 1 }),
          state: fc.option(fc.constantFrom('active' as const, 'shipped' as const, 'retired' as const), {
            nil: undefined,
          }),
          locationId: nullable(fc.constantFrom('W', 'X')),
        }),
      );
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(change, { minLength: 1, maxLength: 4 }), { maxLength: 5 }),
          async (batches) => {
            // A fresh pair per run: the store under test gets its own GTIN namespace (no state between runs).
            run++;
            const ns = String(run).padStart(4, '0');
            const g = (gtin: string) => `${gtin.slice(0, 10)}${ns}`;
            const model = new MemoryStore();
            for (const [bi, b] of batches.entries()) {
              const seqOf = bi + 1;
              const changes: ProjectionChange[] = b.map((c) => {
                if (c.kind === 'add') {
                  const x: ProjectionChange = {
                    type: 'addSerials',
                    gtin: g(c.gtin),
                    lotId: c.lotId,
                    locationId: 'W',
                    serials: c.serials,
                    seq: seqOf,
                  };
                  if (c.unitId !== undefined) x.unitId = c.unitId;
                  return x;
                }
                if (c.kind === 'update')
                  return {
                    type: 'updateSerials',
                    gtin: g(c.gtin),
                    serials: c.serials,
                    patch: c.patch,
                    seq: seqOf,
                  };
                if (c.kind === 'unit')
                  return {
                    type: 'putUnit',
                    unit: unit(`${c.id.slice(0, 14)}${ns}`, seqOf, {
                      ...(c.parentId !== undefined ? { parentId: c.parentId } : {}),
                      lots: [{ lotId: 'L1', quantity: c.quantity }],
                    }),
                  };
                const patch: { state?: 'active' | 'shipped' | 'retired'; locationId?: string | null } = {};
                if (c.state !== undefined) patch.state = c.state;
                if (c.locationId !== undefined) patch.locationId = c.locationId;
                return {
                  type: 'updateUnits',
                  ids: c.ids.map((id) => `${id.slice(0, 14)}${ns}`),
                  patch,
                  seq: seqOf,
                };
              });
              const mine = await putChanges(store, changes).then(
                () => 'ok',
                (e: { code?: string }) => e.code ?? 'error',
              );
              const theirs = await putChanges(model, changes).then(
                () => 'ok',
                (e: { code?: string }) => e.code ?? 'error',
              );
              expect(mine).toBe(theirs);
            }
            for (const gtin of [G1, G2]) {
              expect(await store.listSerials({ gtin: g(gtin) })).toEqual(
                await model.listSerials({ gtin: g(gtin) }),
              );
            }
            const ids = [SSCC_P, SSCC_C].map((id) => `${id.slice(0, 14)}${ns}`);
            expect(await store.getUnits(ids)).toEqual(await model.getUnits(ids));
          },
        ),
        { numRuns: 15 },
      );
    });
  });
}
