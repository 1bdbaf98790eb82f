import { beforeEach, describe, expect, it } from 'vitest';
import type { LotgraphError } from '../errors.js';
import { GENESIS_HASH, type StoredEvent } from '../ledger/events.js';
import {
  bindSuite,
  expectCode,
  location,
  lot,
  makeTestEvent,
  party,
  product,
  type SuiteState,
} from './conformance-kit.js';
import { NodeKind, type ProjectionChange, type Store } from './port.js';

/** Store conformance: ledger and master data. */
export function ledgerConformance(s: SuiteState): void {
  let store: Store;
  beforeEach(() => {
    store = s.store;
  });
  const { put, snapshot } = bindSuite(() => store);

  describe('ledger', () => {
    it('starts empty', async () => {
      const head = await store.head();
      expect(head).toMatchObject({ seq: 0, hash: GENESIS_HASH, nodeCount: 0, edgeCount: 0 });
      if (head.masterSeq !== undefined) expect(head.masterSeq).toBe(0);
      expect(await store.readEvents(1)).toEqual([]);
      expect(await store.getEvent(1)).toBeUndefined();
      expect(await store.findEventByIdempotencyKey('nope')).toBeUndefined();
    });

    it('appends events and returns them verbatim, by seq and by idempotency key', async () => {
      const e1 = await makeTestEvent(1, GENESIS_HASH, 'a', 'received', {
        lot: { id: 'L1', productId: 'P', note: 'Ünïcødé ✓ "quoted"' },
        quantity: '12.500',
        list: [1, 'two', null, true],
      });
      const e2 = await makeTestEvent(2, e1.hash, 'b');
      const head = await store.append({ expectedSeq: 0, events: [e1, e2], changes: [] });
      expect(head).toMatchObject({ seq: 2, hash: e2.hash, nodeCount: 0, edgeCount: 0 });
      expect(await store.head()).toEqual(head);
      expect(await store.readEvents(1)).toEqual([e1, e2]);
      expect(await store.readEvents(2)).toEqual([e2]);
      expect(await store.readEvents(1, 1)).toEqual([e1]);
      expect(await store.readEvents(3)).toEqual([]);
      expect(await store.getEvent(2)).toEqual(e2);
      expect(await store.findEventByIdempotencyKey('a')).toEqual(e1);
    });

    it('reads several events by seq at once exactly as one by one (getEvents, when the store has it)', async () => {
      const events = [];
      let prev = GENESIS_HASH;
      for (let seq = 1; seq <= 5; seq++) {
        const ev = await makeTestEvent(seq, prev, `e${seq}`, 'received', { n: seq, text: 'é "q"' });
        events.push(ev);
        prev = ev.hash;
      }
      await store.append({ expectedSeq: 0, events, changes: [] });
      const getEvents = store.getEvents?.bind(store);
      if (!getEvents) return;
      for (const seqs of [[], [3], [5, 1, 3, 3], [2, 99, 0, -1, 4], [1, 2, 3, 4, 5]]) {
        const one = [];
        for (const seq of [...new Set(seqs)].sort((a, b) => a - b)) {
          const e = await store.getEvent(seq);
          if (e) one.push(e);
        }
        expect(await getEvents(seqs)).toEqual(one);
      }
    });

    it('moves masterSeq (when the store keeps it) only with appends that change master data', async () => {
      if ((await store.head()).masterSeq === undefined) return;
      await put([{ type: 'putProduct', product: product('P1') }]);
      expect((await store.head()).masterSeq).toBe(1);
      await put([{ type: 'putLot', lot: lot('L1', 'P1', 2) }]);
      expect((await store.head()).masterSeq).toBe(1);
      await put([
        { type: 'putLocation', location: location('W') },
        { type: 'putParty', party: party('C') },
      ]);
      const head = await store.head();
      expect(head.masterSeq).toBe(head.seq);
    });

    it('rejects a stale expectedSeq with CONFLICT and writes nothing', async () => {
      await put([{ type: 'putProduct', product: product('P1') }]);
      const before = await snapshot();
      const ev = await makeTestEvent(1, GENESIS_HASH, 'x');
      await expectCode(store.append({ expectedSeq: 0, events: [ev], changes: [] }), 'CONFLICT');
      const ev2 = await makeTestEvent(3, GENESIS_HASH, 'y');
      await expectCode(store.append({ expectedSeq: 2, events: [ev2], changes: [] }), 'CONFLICT');
      expect(await snapshot()).toEqual(before);
    });

    it('rejects events whose seqs are not expectedSeq+1, +2, …', async () => {
      const e1 = await makeTestEvent(1, GENESIS_HASH, 'a');
      const e3 = await makeTestEvent(3, e1.hash, 'c');
      await expectCode(store.append({ expectedSeq: 0, events: [e1, e3], changes: [] }), 'CONFLICT');
      expect((await store.head()).seq).toBe(0);
    });

    it('rejects a duplicate idempotency key (stored or within the batch) with CONFLICT, atomically', async () => {
      await put([], 'dup');
      const h = await store.head();
      const ev = await makeTestEvent(2, h.hash, 'dup');
      const err = await expectCode(
        store.append({
          expectedSeq: 1,
          events: [ev],
          changes: [{ type: 'putProduct', product: product('P') }],
        }),
        'CONFLICT',
      );
      expect(err.details.idempotencyKey).toBe('dup');
      const a = await makeTestEvent(2, h.hash, 'same');
      const b = await makeTestEvent(3, a.hash, 'same');
      await expectCode(store.append({ expectedSeq: 1, events: [a, b], changes: [] }), 'CONFLICT');
      expect((await store.head()).seq).toBe(1);
      expect(await store.getProduct('P')).toBeUndefined();
    });

    it('lets exactly one of two concurrent writers with the same expectedSeq win', async () => {
      const a = await makeTestEvent(1, GENESIS_HASH, 'wa');
      const b = await makeTestEvent(1, GENESIS_HASH, 'wb');
      const results = await Promise.allSettled([
        store.append({
          expectedSeq: 0,
          events: [a],
          changes: [{ type: 'putProduct', product: product('A') }],
        }),
        store.append({
          expectedSeq: 0,
          events: [b],
          changes: [{ type: 'putProduct', product: product('B') }],
        }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((rejected.reason as LotgraphError).code).toBe('CONFLICT');
      expect((await store.head()).seq).toBe(1);
      expect(await store.listProducts()).toHaveLength(1);
    });

    it('appends many events in one batch', async () => {
      const events: StoredEvent[] = [];
      let prev = GENESIS_HASH;
      for (let i = 1; i <= 250; i++) {
        const e = await makeTestEvent(i, prev, `bulk-${i}`);
        events.push(e);
        prev = e.hash;
      }
      await store.append({ expectedSeq: 0, events, changes: [] });
      expect((await store.head()).seq).toBe(250);
      expect((await store.readEvents(101, 50)).map((e) => e.seq)).toEqual(
        Array.from({ length: 50 }, (_, i) => 101 + i),
      );
    });

    it('checks an append after a prefetch under the write lock as strictly as any other, atomically', async () => {
      const prefetch = store.prefetch?.bind(store);
      if (!prefetch) return;
      await put(
        [
          { type: 'putProduct', product: product('P') },
          { type: 'putLot', lot: lot('L1', 'P', 1) },
          { type: 'addNodes', firstId: 0, seq: 1, nodes: [{ kind: NodeKind.LOT, ref: 'L1' }] },
          { type: 'stockDelta', lotId: 'L1', locationId: 'WH', productId: 'P', delta: 10n },
        ],
        'first',
      );
      const before = await snapshot();
      // What the sdk does: lock, prefetch (the head comes with it), append against that head.
      const attempt = (key: string, changes: ProjectionChange[]) => {
        const run = async (s: Store) => {
          const fetch = (s.prefetch as NonNullable<Store['prefetch']>).bind(s);
          const pre = await fetch({ idempotencyKeys: [], lotIds: ['L1'], shipmentIds: [], master: false });
          expect(pre.head).toEqual((before as { head: unknown }).head);
          const ev = await makeTestEvent(pre.head.seq + 1, pre.head.hash, key);
          return s.append({ expectedSeq: pre.head.seq, events: [ev], changes });
        };
        return store.withWriteLock ? store.withWriteLock(run) : run(store);
      };
      // A stored idempotency key and a stored node the prefetch did not read; negative stock of a lot it did.
      expect((await expectCode(attempt('first', []), 'CONFLICT')).details.idempotencyKey).toBe('first');
      const node: ProjectionChange = {
        type: 'addNodes',
        firstId: 1,
        seq: 2,
        nodes: [{ kind: NodeKind.LOT, ref: 'L1' }],
      };
      expect((await expectCode(attempt('k2', [node]), 'CONFLICT')).details).toMatchObject({ ref: 'L1' });
      const take = (delta: bigint) =>
        ({ type: 'stockDelta', lotId: 'L1', locationId: 'WH', productId: 'P', delta }) as const;
      await expectCode(attempt('k3', [take(-11n)]), 'INSUFFICIENT_STOCK');
      expect(await snapshot()).toEqual(before);
      await attempt('k4', [take(-10n)]);
      expect((await store.head()).seq).toBe(2);
      expect(await store.getStock('L1', 'WH')).toBe(0n);
    });
    it('checks an append after two prefetches in one write lock (a read-ahead) against both', async () => {
      const prefetch = store.prefetch?.bind(store);
      if (!prefetch) return;
      await put(
        [
          { type: 'putProduct', product: product('P') },
          { type: 'putLot', lot: lot('L1', 'P', 1) },
          { type: 'putLot', lot: lot('L2', 'P', 1) },
          { type: 'stockDelta', lotId: 'L1', locationId: 'WH', productId: 'P', delta: 10n },
          { type: 'stockDelta', lotId: 'L2', locationId: 'WH', productId: 'P', delta: 5n },
        ],
        'first',
      );
      const before = await snapshot();
      const take = (lotId: string, delta: bigint) =>
        ({ type: 'stockDelta', lotId, locationId: 'WH', productId: 'P', delta }) as const;
      const attempt = (key: string, changes: ProjectionChange[]) => {
        const run = async (s: Store) => {
          const fetch = (s.prefetch as NonNullable<Store['prefetch']>).bind(s);
          const pre = await fetch({ idempotencyKeys: [], lotIds: ['L1'], shipmentIds: [], master: false });
          const more = await fetch({
            idempotencyKeys: [],
            lotIds: ['L2'],
            shipmentIds: [],
            master: false,
          });
          expect(more.head).toEqual(pre.head);
          expect(more.stock.map((r) => [r.lotId, r.quantity])).toEqual([['L2', 5n]]);
          const ev = await makeTestEvent(pre.head.seq + 1, pre.head.hash, key);
          return s.append({ expectedSeq: pre.head.seq, events: [ev], changes });
        };
        return store.withWriteLock ? store.withWriteLock(run) : run(store);
      };
      await expectCode(attempt('k1', [take('L1', -11n)]), 'INSUFFICIENT_STOCK');
      await expectCode(attempt('k2', [take('L1', -1n), take('L2', -6n)]), 'INSUFFICIENT_STOCK');
      expect(await snapshot()).toEqual(before);
      await attempt('k3', [take('L1', -10n), take('L2', -5n)]);
      expect([await store.getStock('L1', 'WH'), await store.getStock('L2', 'WH')]).toEqual([0n, 0n]);
    });
  });

  describe('master data', () => {
    it('upserts and lists products, parties, locations ordered by id; finds a product by GTIN', async () => {
      await put([
        { type: 'putProduct', product: product('P2', { gtin: '09506000134352', allergens: ['milk'] }) },
        { type: 'putProduct', product: product('P1', { conversions: [{ unit: 'bag', factor: '25' }] }) },
        { type: 'putParty', party: party('S1') },
        {
          type: 'putParty',
          party: { ...party('C1', ['customer']), gln: '9506000134352', contacts: [{ name: 'Ann' }] },
        },
        { type: 'putLocation', location: location('W1', { zone: 'A', bin: '01' }) },
        { type: 'putLocation', location: location('Q1', { quarantine: true }) },
      ]);
      expect((await store.listProducts()).map((p) => p.id)).toEqual(['P1', 'P2']);
      expect(await store.getProduct('P1')).toEqual(
        product('P1', { conversions: [{ unit: 'bag', factor: '25' }] }),
      );
      expect((await store.findProductByGtin('09506000134352'))?.id).toBe('P2');
      expect(await store.findProductByGtin('00000000000000')).toBeUndefined();
      expect((await store.listParties()).map((p) => p.id)).toEqual(['C1', 'S1']);
      expect(await store.getParty('C1')).toEqual({
        ...party('C1', ['customer']),
        gln: '9506000134352',
        contacts: [{ name: 'Ann' }],
      });
      expect((await store.listLocations()).map((l) => l.id)).toEqual(['Q1', 'W1']);
      expect(await store.getLocation('Q1')).toEqual(location('Q1', { quarantine: true }));
      await put([{ type: 'putProduct', product: product('P1', { name: 'Renamed' }) }]);
      expect((await store.getProduct('P1'))?.name).toBe('Renamed');
      expect(await store.getProduct('nope')).toBeUndefined();
      expect(await store.getParty('nope')).toBeUndefined();
      expect(await store.getLocation('nope')).toBeUndefined();
    });

    it('returns copies: mutating a result does not change the store', async () => {
      await put([
        { type: 'putProduct', product: product('P1') },
        { type: 'putLot', lot: lot('L1', 'P1', 1) },
      ]);
      const p = await store.getProduct('P1');
      p!.name = 'mutated';
      const l = await store.getLot('L1');
      l!.certifications.push('x');
      expect((await store.getProduct('P1'))?.name).toBe('Product P1');
      expect((await store.getLot('L1'))?.certifications).toEqual([]);
    });
  });
}
