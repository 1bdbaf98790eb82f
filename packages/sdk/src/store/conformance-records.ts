import { beforeEach, describe, expect, it } from 'vitest';
import { bindSuite, expectCode, type SuiteState } from './conformance-kit.js';
import type { Store } from './port.js';

/** Store conformance: shipments, holds, reservations, tests, documents, records. */
export function recordsConformance(s: SuiteState): void {
  let store: Store;
  beforeEach(() => {
    store = s.store;
  });
  const { put, snapshot } = bindSuite(() => store);

  describe('shipments, holds, reservations, tests, documents, records', () => {
    it('stores shipments and their lines, filters and orders them', async () => {
      await put([
        {
          type: 'putShipment',
          shipment: {
            id: 'SH1',
            customerId: 'C1',
            shippedAt: '2026-02-01T10:00:00.000Z',
            seq: 1,
            orderRef: 'O-1',
          },
        },
        {
          type: 'addShipmentLines',
          lines: [
            {
              shipmentId: 'SH1',
              lineNo: 2,
              customerId: 'C1',
              lotId: 'L2',
              productId: 'P',
              locationId: 'W',
              quantity: 5n,
              shippedAt: '2026-02-01T10:00:00.000Z',
              seq: 1,
            },
            {
              shipmentId: 'SH1',
              lineNo: 1,
              customerId: 'C1',
              lotId: 'L1',
              productId: 'P',
              locationId: 'W',
              quantity: 2n ** 55n,
              orderLine: 'ol-1',
              shippedAt: '2026-02-01T10:00:00.000Z',
              seq: 1,
            },
          ],
        },
      ]);
      await put([
        {
          type: 'putShipment',
          shipment: { id: 'SH0', customerId: 'C2', shippedAt: '2026-02-02T10:00:00.000Z', seq: 2 },
        },
        {
          type: 'addShipmentLines',
          lines: [
            {
              shipmentId: 'SH0',
              lineNo: 1,
              customerId: 'C2',
              lotId: 'L1',
              productId: 'P',
              locationId: 'W',
              quantity: 1n,
              shippedAt: '2026-02-02T10:00:00.000Z',
              seq: 2,
            },
          ],
        },
      ]);
      expect(await store.getShipment('SH1')).toEqual({
        id: 'SH1',
        customerId: 'C1',
        shippedAt: '2026-02-01T10:00:00.000Z',
        seq: 1,
        orderRef: 'O-1',
      });
      expect((await store.listShipments()).map((s) => s.id)).toEqual(['SH1', 'SH0']);
      expect((await store.listShipments({ customerId: 'C2' })).map((s) => s.id)).toEqual(['SH0']);
      const all = await store.listShipmentLines();
      expect(all.map((l) => `${l.shipmentId}/${l.lineNo}`)).toEqual(['SH1/1', 'SH1/2', 'SH0/1']);
      expect(all[0]?.quantity).toBe(2n ** 55n);
      expect(all[0]?.orderLine).toBe('ol-1');
      expect((await store.listShipmentLines({ lotId: 'L1' })).map((l) => l.customerId)).toEqual(['C1', 'C2']);
      expect((await store.listShipmentLines({ customerId: 'C1', lotId: 'L2' })).map((l) => l.lineNo)).toEqual(
        [2],
      );
      expect((await store.listShipmentLines({ shipmentId: 'SH0' })).length).toBe(1);
      expect((await store.listShipmentLines({ lotIds: ['L2', 'L9'] })).map((l) => l.lineNo)).toEqual([2]);
      expect((await store.listShipmentLines({ lotIds: [] })).length).toBe(0);
      expect(await store.getShipment('nope')).toBeUndefined();
    });

    it('keeps several holds per lot and releases by upsert', async () => {
      const h = (id: string, lotId: string, seq: number, extra = {}) => ({
        id,
        lotId,
        reasonCode: 'QC',
        status: 'active' as const,
        placedAt: '2026-01-01T00:00:00.000Z',
        placedSeq: seq,
        ...extra,
      });
      await put([
        { type: 'putHold', hold: h('H2', 'L1', 1) },
        { type: 'putHold', hold: h('H1', 'L1', 1, { locationId: 'W1', note: 'wet pallet' }) },
        { type: 'putHold', hold: h('H3', 'L2', 1) },
      ]);
      await put([
        {
          type: 'putHold',
          hold: h('H2', 'L1', 1, {
            status: 'released',
            releasedAt: '2026-01-02T00:00:00.000Z',
            releasedSeq: 2,
          }),
        },
      ]);
      expect((await store.listHolds({ lotId: 'L1' })).map((x) => [x.id, x.status])).toEqual([
        ['H1', 'active'],
        ['H2', 'released'],
      ]);
      expect((await store.listHolds({ status: 'active' })).map((x) => x.id)).toEqual(['H1', 'H3']);
      expect(await store.getHold('H1')).toEqual(h('H1', 'L1', 1, { locationId: 'W1', note: 'wet pallet' }));
      expect((await store.getHold('H2'))?.releasedSeq).toBe(2);
    });

    it('guards reservations against on-hand stock and lists them', async () => {
      const r = (
        id: string,
        qty: bigint,
        status: 'active' | 'released' | 'consumed' = 'active',
        seq = 2,
      ) => ({
        id,
        lotId: 'L1',
        locationId: 'W1',
        productId: 'P1',
        quantity: qty,
        orderId: id === 'R3' ? 'O2' : 'O1',
        status,
        createdSeq: 2,
        updatedSeq: seq,
      });
      await put([{ type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: 10n }]);
      await put([
        { type: 'putReservation', reservation: r('R1', 6n) },
        { type: 'putReservation', reservation: r('R2', 4n) },
      ]);
      const before = await snapshot();
      await expectCode(put([{ type: 'putReservation', reservation: r('R3', 1n) }]), 'INSUFFICIENT_STOCK');
      expect(await snapshot()).toEqual(before);
      await put([
        { type: 'putReservation', reservation: r('R1', 6n, 'released', 3) },
        { type: 'putReservation', reservation: r('R3', 5n) },
      ]);
      expect((await store.listReservations({ status: 'active' })).map((x) => x.id)).toEqual(['R2', 'R3']);
      expect((await store.listReservations({ orderId: 'O2' })).map((x) => x.quantity)).toEqual([5n]);
      expect((await store.listReservations({ lotId: 'L1', productId: 'P1' })).length).toBe(3);
      expect((await store.getReservation('R1'))?.status).toBe('released');
      expect((await store.listAvailableStock('P1')).length).toBe(0); // no lot row → not listed
    });

    it('stores QC test results and documents (with bytes) and filters them', async () => {
      const bytes = new Uint8Array([0, 1, 2, 250, 255]);
      await put([
        {
          type: 'putTestResult',
          result: {
            id: 'T1',
            lotId: 'L1',
            testCode: 'aflatoxin',
            result: 'pass',
            value: '1.20',
            unit: 'ppb',
            specMax: '4',
            testedAt: '2026-01-03T00:00:00.000Z',
            seq: 1,
          },
        },
        {
          type: 'putTestResult',
          result: {
            id: 'T2',
            lotId: 'L2',
            testCode: 'brix',
            result: 'pending',
            testedAt: '2026-01-03T00:00:00.000Z',
            seq: 1,
          },
        },
        {
          type: 'putDocument',
          document: {
            id: 'D1',
            kind: 'coa',
            title: 'CoA L1',
            mediaType: 'application/pdf',
            sha256: 'a'.repeat(64),
            byteLength: 5,
            content: bytes,
            lotIds: ['L1', 'L2'],
            shipmentIds: [],
            attachedAt: '2026-01-03T00:00:00.000Z',
            seq: 1,
          },
        },
        {
          type: 'putDocument',
          document: {
            id: 'D2',
            kind: 'photo',
            title: 'pallet',
            mediaType: 'image/png',
            sha256: 'b'.repeat(64),
            byteLength: 9,
            uri: 'https://x.invalid/p.png',
            lotIds: [],
            shipmentIds: ['SH1'],
            attachedAt: '2026-01-03T00:00:00.000Z',
            seq: 1,
          },
        },
      ]);
      expect((await store.listTestResults({ lotId: 'L1' })).map((t) => t.value)).toEqual(['1.20']);
      expect((await store.listTestResults()).length).toBe(2);
      expect((await store.getTestResult('T2'))?.result).toBe('pending');
      const d1 = await store.getDocument('D1');
      expect(d1?.content).toBeInstanceOf(Uint8Array);
      expect([...(d1?.content ?? [])]).toEqual([0, 1, 2, 250, 255]);
      expect((await store.listDocuments({ lotId: 'L2' })).map((d) => d.id)).toEqual(['D1']);
      expect((await store.listDocuments({ shipmentId: 'SH1' })).map((d) => d.id)).toEqual(['D2']);
      expect((await store.listDocuments({ kind: 'coa' })).map((d) => d.id)).toEqual(['D1']);
      expect((await store.getDocument('D2'))?.content).toBeUndefined();
    });

    it('stores free-form records by collection, id and key', async () => {
      await put([
        {
          type: 'putRecord',
          record: { collection: 'recall', id: 'RC2', key: 'open', value: { lots: ['L1'], n: 2 }, seq: 1 },
        },
        { type: 'putRecord', record: { collection: 'recall', id: 'RC1', value: null, seq: 1 } },
        { type: 'putRecord', record: { collection: 'order', id: 'RC1', value: 'x', seq: 1 } },
      ]);
      expect((await store.listRecords('recall')).map((r) => r.id)).toEqual(['RC1', 'RC2']);
      expect((await store.listRecords('recall', { key: 'open' })).map((r) => r.value)).toEqual([
        { lots: ['L1'], n: 2 },
      ]);
      expect((await store.getRecord('order', 'RC1'))?.value).toBe('x');
      expect(await store.getRecord('order', 'nope')).toBeUndefined();
      // A store that prefetches reads records by collection and id with the rest: those that exist, as
      // `getRecord` gives them.
      if (store.prefetch) {
        const wanted = [
          { collection: 'recall', id: 'RC2' },
          { collection: 'order', id: 'RC1' },
          { collection: 'recall', id: 'nope' },
          { collection: 'recall', id: 'RC1' },
          { collection: 'order', id: 'RC1' },
        ];
        const got = await store.prefetch({
          idempotencyKeys: [],
          lotIds: [],
          shipmentIds: [],
          master: false,
          records: wanted,
        });
        const key = (r: { collection: string; id: string }) => `${r.collection}/${r.id}`;
        const expected = [];
        // Each record once, however often it is asked for.
        for (const w of wanted.filter((w, i) => wanted.findIndex((x) => key(x) === key(w)) === i)) {
          const r = await store.getRecord(w.collection, w.id);
          if (r) expected.push(r);
        }
        expect([...(got.records ?? [])].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
          expected.sort((a, b) => key(a).localeCompare(key(b))),
        );
      }
    });
  });
}
