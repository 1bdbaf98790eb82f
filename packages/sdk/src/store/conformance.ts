import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Location, Lot, Party, Product } from '../domain/schemas.js';
import { LotgraphError } from '../errors.js';
import { GENESIS_HASH, type Json, type StoredEvent } from '../ledger/events.js';
import { hashEvent } from '../ledger/hashing.js';
import { sdkScenarios } from './conformance-sdk.js';
import type { ConformanceFactory, ConformanceFixture, ConformanceOptions } from './conformance-types.js';
import {
  type AppendBatch,
  type GenealogyChunk,
  NodeKind,
  type ProjectionChange,
  type Store,
  type StoreHead,
} from './port.js';

export type { ConformanceFactory, ConformanceFixture, ConformanceOptions } from './conformance-types.js';

/** Build a hashed event for tests: seq, prevHash and key given, everything else defaulted. */
export async function makeTestEvent(
  seq: number,
  prevHash: string,
  key: string,
  type: StoredEvent['type'] = 'productDefined',
  payload: Record<string, Json | undefined> = {},
): Promise<StoredEvent> {
  const e: Omit<StoredEvent, 'hash'> = {
    seq,
    type,
    eventTime: '2026-01-01T00:00:00.000Z',
    recordTime: '2026-01-01T00:00:01.000Z',
    actor: 'conformance',
    idempotencyKey: key,
    requestHash: 'r'.repeat(64),
    payload,
    prevHash,
  };
  return { ...e, hash: await hashEvent(e) };
}

const product = (id: string, extra: Partial<Product> = {}): Product => ({
  id,
  name: `Product ${id}`,
  unit: 'kg',
  decimals: 3,
  conversions: [],
  allergens: [],
  attributes: {},
  ...extra,
});
const party = (id: string, roles: Party['roles'] = ['supplier']): Party => ({
  id,
  name: `Party ${id}`,
  roles,
  contacts: [],
});
const location = (id: string, extra: Partial<Location> = {}): Location => ({
  id,
  site: 'S1',
  quarantine: false,
  ...extra,
});
const lot = (id: string, productId: string, createdSeq: number, extra: Partial<Lot> = {}): Lot => ({
  id,
  productId,
  certifications: [],
  attributes: {},
  origin: 'received',
  createdAt: '2026-01-01T00:00:00.000Z',
  createdSeq,
  ...extra,
});

async function expectCode(p: Promise<unknown>, code: string): Promise<LotgraphError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, `expected a LotgraphError with code ${code}`).toBeInstanceOf(LotgraphError);
  expect((err as LotgraphError).code).toBe(code);
  return err as LotgraphError;
}

async function collect(it: AsyncIterable<GenealogyChunk>): Promise<GenealogyChunk[]> {
  const out: GenealogyChunk[] = [];
  for await (const c of it) out.push(c);
  return out;
}

/**
 * Run the Store conformance suite (vitest `describe`/`it`) against stores made by `factory`.
 * Every store — memory, SQLite, Postgres — must pass it unchanged.
 *
 * @example
 * ```ts
 * import { runStoreConformance } from '@lotgraph/sdk/testing';
 * runStoreConformance('sqlite', async () => {
 *   const store = await SqliteStore.open({ filename: ':memory:' });
 *   return { store, cleanup: () => store.close() };
 * });
 * ```
 */
export function runStoreConformance(
  name: string,
  factory: ConformanceFactory,
  options: ConformanceOptions = {},
): void {
  describe(`Store conformance: ${name}`, () => {
    let fx: ConformanceFixture;
    let store: Store;
    beforeEach(async () => {
      fx = await factory();
      store = fx.store;
    });
    afterEach(async () => {
      await fx.cleanup?.();
    });

    /** Append one event (auto seq / prevHash / key) with the given changes. */
    async function put(changes: ProjectionChange[], key?: string): Promise<StoreHead> {
      const h = await store.head();
      const ev = await makeTestEvent(h.seq + 1, h.hash, key ?? `k${h.seq + 1}`);
      return store.append({ expectedSeq: h.seq, events: [ev], changes });
    }

    async function snapshot(): Promise<unknown> {
      return {
        head: await store.head(),
        events: await store.readEvents(1),
        products: await store.listProducts(),
        lots: await store.listLots(),
        stock: await store.listStock(),
        reservations: await store.listReservations(),
        edges: await store.listEdges({}),
      };
    }

    describe('ledger', () => {
      it('starts empty', async () => {
        expect(await store.head()).toEqual({ seq: 0, hash: GENESIS_HASH, nodeCount: 0, edgeCount: 0 });
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
        expect(head).toEqual({ seq: 2, hash: e2.hash, nodeCount: 0, edgeCount: 0 });
        expect(await store.head()).toEqual(head);
        expect(await store.readEvents(1)).toEqual([e1, e2]);
        expect(await store.readEvents(2)).toEqual([e2]);
        expect(await store.readEvents(1, 1)).toEqual([e1]);
        expect(await store.readEvents(3)).toEqual([]);
        expect(await store.getEvent(2)).toEqual(e2);
        expect(await store.findEventByIdempotencyKey('a')).toEqual(e1);
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

    describe('lots and stock', () => {
      it('stores lots with supplier lot numbers and dates, and filters them', async () => {
        const l1 = lot('L1', 'P1', 1, {
          supplierId: 'S1',
          supplierLotNumber: 'SUP-9',
          expiry: '2026-12-31',
          bestBefore: '2026-11-30',
          productionDate: '2026-01-02',
          originCountry: 'FR',
          certifications: ['organic'],
          attributes: { brix: '12.5' },
        });
        await put([
          { type: 'putLot', lot: l1 },
          { type: 'putLot', lot: lot('L2', 'P1', 1, { supplierId: 'S2' }) },
          { type: 'putLot', lot: lot('L3', 'P2', 1, { origin: 'produced' }) },
        ]);
        expect(await store.getLot('L1')).toEqual(l1);
        expect((await store.listLots()).map((l) => l.id)).toEqual(['L1', 'L2', 'L3']);
        expect((await store.listLots({ productId: 'P1' })).map((l) => l.id)).toEqual(['L1', 'L2']);
        expect(
          (await store.listLots({ supplierId: 'S1', supplierLotNumber: 'SUP-9' })).map((l) => l.id),
        ).toEqual(['L1']);
        expect(await store.listLots({ supplierLotNumber: 'none' })).toEqual([]);
        expect(await store.getLot('nope')).toBeUndefined();
        expect((await store.getLots(['L3', 'nope', 'L1', 'L1'])).map((l) => l.id)).toEqual(['L1', 'L3']);
        expect(await store.getLots([])).toEqual([]);
      });

      it('applies stock deltas exactly, including values beyond 2^53', async () => {
        const big = 2n ** 60n + 7n;
        await put([
          { type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: 12_500n },
          { type: 'stockDelta', lotId: 'L1', locationId: 'W2', productId: 'P1', delta: big },
          { type: 'stockDelta', lotId: 'L2', locationId: 'W1', productId: 'P2', delta: 1n },
        ]);
        await put([{ type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: -2_500n }]);
        expect(await store.getStock('L1', 'W1')).toBe(10_000n);
        expect(await store.getStock('L1', 'W2')).toBe(big);
        expect(await store.getStock('L9', 'W1')).toBe(0n);
        expect(await store.listStock()).toEqual([
          { lotId: 'L1', locationId: 'W1', productId: 'P1', quantity: 10_000n },
          { lotId: 'L1', locationId: 'W2', productId: 'P1', quantity: big },
          { lotId: 'L2', locationId: 'W1', productId: 'P2', quantity: 1n },
        ]);
        expect((await store.listStock({ productId: 'P1', locationId: 'W2' })).map((s) => s.quantity)).toEqual(
          [big],
        );
        expect((await store.listStock({ lotId: 'L2' })).map((s) => s.locationId)).toEqual(['W1']);
        await put([{ type: 'stockDelta', lotId: 'L2', locationId: 'W1', productId: 'P2', delta: -1n }]);
        expect(await store.listStock({ lotId: 'L2' })).toEqual([]);
      });

      it('rejects a delta that would make stock negative with INSUFFICIENT_STOCK and rolls back the whole batch', async () => {
        await put([
          { type: 'putProduct', product: product('P1') },
          { type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: 100n },
        ]);
        const before = await snapshot();
        const h = await store.head();
        const ev = await makeTestEvent(2, h.hash, 'neg');
        const err = await expectCode(
          store.append({
            expectedSeq: 1,
            events: [ev],
            changes: [
              { type: 'putProduct', product: product('P9') },
              { type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: -60n },
              { type: 'stockDelta', lotId: 'L1', locationId: 'W2', productId: 'P1', delta: 60n },
              { type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: -60n },
            ],
          }),
          'INSUFFICIENT_STOCK',
        );
        expect(err.details.lotId).toBe('L1');
        expect(err.details.locationId).toBe('W1');
        expect(await snapshot()).toEqual(before);
        expect(await store.getProduct('P9')).toBeUndefined();
        // The same key can be used after the rollback.
        await store.append({
          expectedSeq: 1,
          events: [ev],
          changes: [{ type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: -100n }],
        });
        expect(await store.getStock('L1', 'W1')).toBe(0n);
      });

      it('refuses a balance beyond a signed 64-bit integer with VALIDATION_FAILED, the same on every store', async () => {
        const max = 2n ** 63n - 1n;
        await put([
          { type: 'putProduct', product: product('P1') },
          { type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: max },
        ]);
        const before = await snapshot();
        const h = await store.head();
        const over = await expectCode(
          store.append({
            expectedSeq: h.seq,
            events: [await makeTestEvent(h.seq + 1, h.hash, 'over')],
            changes: [{ type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: 1n }],
          }),
          'VALIDATION_FAILED',
        );
        expect(over.details.field).toBe('changes[0].delta');
        expect(await snapshot()).toEqual(before);
        expect(await store.getStock('L1', 'W1')).toBe(max);
      });

      it('lists available stock in FEFO order with reservations and holds', async () => {
        await put([
          { type: 'putLot', lot: lot('A-noexp', 'P1', 1) },
          { type: 'putLot', lot: lot('B-late', 'P1', 1, { expiry: '2027-03-01' }) },
          { type: 'putLot', lot: lot('C-early2', 'P1', 3, { expiry: '2026-06-01' }) },
          { type: 'putLot', lot: lot('D-early1', 'P1', 2, { expiry: '2026-06-01' }) },
          { type: 'putLot', lot: lot('E-other', 'P2', 1, { expiry: '2020-01-01' }) },
          { type: 'stockDelta', lotId: 'A-noexp', locationId: 'W1', productId: 'P1', delta: 5n },
          { type: 'stockDelta', lotId: 'B-late', locationId: 'W1', productId: 'P1', delta: 5n },
          { type: 'stockDelta', lotId: 'C-early2', locationId: 'W1', productId: 'P1', delta: 5n },
          { type: 'stockDelta', lotId: 'D-early1', locationId: 'W2', productId: 'P1', delta: 5n },
          { type: 'stockDelta', lotId: 'D-early1', locationId: 'W1', productId: 'P1', delta: 7n },
          { type: 'stockDelta', lotId: 'E-other', locationId: 'W1', productId: 'P2', delta: 5n },
        ]);
        await put([
          {
            type: 'putReservation',
            reservation: {
              id: 'R1',
              lotId: 'D-early1',
              locationId: 'W1',
              productId: 'P1',
              quantity: 3n,
              orderId: 'O1',
              status: 'active',
              createdSeq: 2,
              updatedSeq: 2,
            },
          },
          {
            type: 'putHold',
            hold: {
              id: 'H1',
              lotId: 'B-late',
              reasonCode: 'QC',
              status: 'active',
              placedAt: '2026-01-01T00:00:00.000Z',
              placedSeq: 2,
            },
          },
          {
            type: 'putHold',
            hold: {
              id: 'H2',
              lotId: 'D-early1',
              locationId: 'W2',
              reasonCode: 'DAMAGE',
              status: 'active',
              placedAt: '2026-01-01T00:00:00.000Z',
              placedSeq: 2,
            },
          },
        ]);
        const rows = await store.listAvailableStock('P1');
        expect(rows.map((r) => [r.lot.id, r.locationId, r.onHand, r.reserved, r.onHold])).toEqual([
          ['D-early1', 'W1', 7n, 3n, false],
          ['D-early1', 'W2', 5n, 0n, true],
          ['C-early2', 'W1', 5n, 0n, false],
          ['B-late', 'W1', 5n, 0n, true],
          ['A-noexp', 'W1', 5n, 0n, false],
        ]);
        expect((await store.listAvailableStock('P1', { locationId: 'W2' })).map((r) => r.lot.id)).toEqual([
          'D-early1',
        ]);
        expect(await store.listAvailableStock('P3')).toEqual([]);
      });
    });

    describe('genealogy', () => {
      it('assigns dense node ids, finds them by ref, rejects a wrong firstId or a duplicate node', async () => {
        await put([
          {
            type: 'addNodes',
            firstId: 0,
            seq: 1,
            nodes: [
              { kind: NodeKind.LOT, ref: 'L1' },
              { kind: NodeKind.LOT, ref: 'L2' },
            ],
          },
          { type: 'addNodes', firstId: 2, seq: 1, nodes: [{ kind: NodeKind.CUSTOMER, ref: 'L1' }] },
        ]);
        expect(await store.head()).toMatchObject({ nodeCount: 3, edgeCount: 0 });
        const ids = await store.findNodeIds(NodeKind.LOT, ['L2', 'L1', 'missing']);
        expect([...ids.entries()].sort()).toEqual([
          ['L1', 0],
          ['L2', 1],
        ]);
        expect([...(await store.findNodeIds(NodeKind.CUSTOMER, ['L1'])).entries()]).toEqual([['L1', 2]]);
        const before = await snapshot();
        await expectCode(
          put([{ type: 'addNodes', firstId: 5, seq: 2, nodes: [{ kind: 0, ref: 'X' }] }]),
          'CONFLICT',
        );
        await expectCode(
          put([{ type: 'addNodes', firstId: 3, seq: 2, nodes: [{ kind: 0, ref: 'L1' }] }]),
          'CONFLICT',
        );
        await expectCode(
          put([
            {
              type: 'addNodes',
              firstId: 3,
              seq: 2,
              nodes: [
                { kind: 0, ref: 'Y' },
                { kind: 0, ref: 'Y' },
              ],
            },
          ]),
          'CONFLICT',
        );
        expect(await snapshot()).toEqual(before);
      });

      it('stores edges with exact quantities, lists them by src/dst, and streams typed-array chunks', async () => {
        await put([
          {
            type: 'addNodes',
            firstId: 0,
            seq: 1,
            nodes: [0, 1, 2, 3, 4].map((i) => ({
              kind: i === 4 ? NodeKind.DELIVERY : NodeKind.LOT,
              ref: `N${i}`,
            })),
          },
          {
            type: 'addEdges',
            edges: [
              { src: 0, dst: 2, quantity: 1_500n, scale: 3, seq: 1 },
              { src: 1, dst: 2, quantity: 2n ** 60n, scale: 0, seq: 1 },
            ],
          },
        ]);
        await put([
          { type: 'addNodes', firstId: 5, seq: 2, nodes: [{ kind: NodeKind.CUSTOMER, ref: 'C' }] },
          {
            type: 'addEdges',
            edges: [
              { src: 2, dst: 3, quantity: 7n, scale: 1, seq: 2 },
              { src: 3, dst: 4, quantity: 5n, scale: 1, seq: 2 },
              { src: 4, dst: 5, quantity: 5n, scale: 1, seq: 2 },
            ],
          },
        ]);
        expect(await store.head()).toMatchObject({ seq: 2, nodeCount: 6, edgeCount: 5 });
        expect(await store.listEdges({ dst: [2] })).toEqual([
          { src: 0, dst: 2, quantity: 1_500n, scale: 3, seq: 1 },
          { src: 1, dst: 2, quantity: 2n ** 60n, scale: 0, seq: 1 },
        ]);
        expect((await store.listEdges({ src: [2, 4] })).map((e) => [e.src, e.dst])).toEqual([
          [2, 3],
          [4, 5],
        ]);
        expect(await store.listEdges({ src: [] })).toEqual([]);
        await expectCode(
          put([{ type: 'addEdges', edges: [{ src: 0, dst: 99, quantity: 1n, scale: 0, seq: 3 }] }]),
          'VALIDATION_FAILED',
        );

        const chunks = await collect(store.streamGenealogy({ batchSize: 2 }));
        const nodeChunks = chunks.filter((c) => c.type === 'nodes');
        const edgeChunks = chunks.filter((c) => c.type === 'edges');
        // nodes come first, then edges
        expect(chunks.findIndex((c) => c.type === 'edges')).toBe(nodeChunks.length);
        for (const c of chunks) {
          if (c.type === 'nodes') {
            expect(c.kinds).toBeInstanceOf(Uint8Array);
            expect(c.kinds.length).toBeLessThanOrEqual(2);
            expect(c.refs.length).toBe(c.kinds.length);
          } else {
            expect(c.src).toBeInstanceOf(Int32Array);
            expect(c.dst).toBeInstanceOf(Int32Array);
            expect(c.qty).toBeInstanceOf(Float64Array);
            expect(c.src.length).toBeLessThanOrEqual(2);
          }
        }
        let next = 0;
        const kinds: number[] = [];
        const refs: string[] = [];
        for (const c of nodeChunks) {
          if (c.type !== 'nodes') continue;
          expect(c.firstId).toBe(next);
          next += c.kinds.length;
          kinds.push(...c.kinds);
          refs.push(...c.refs);
        }
        expect(kinds).toEqual([0, 0, 0, 0, 1, 2]);
        expect(refs).toEqual(['N0', 'N1', 'N2', 'N3', 'N4', 'C']);
        const src: number[] = [];
        const dst: number[] = [];
        const qty: number[] = [];
        for (const c of edgeChunks) {
          if (c.type !== 'edges') continue;
          src.push(...c.src);
          dst.push(...c.dst);
          qty.push(...c.qty);
        }
        expect(src).toEqual([0, 1, 2, 3, 4]);
        expect(dst).toEqual([2, 2, 3, 4, 5]);
        expect(qty[0]).toBe(1.5);
        expect(qty[1]).toBe(2 ** 60);
        expect(qty[2]).toBeCloseTo(0.7, 12);

        // Incremental: only what events after seq 1 created.
        const later = await collect(store.streamGenealogy({ sinceSeq: 1 }));
        const laterNodes = later.filter((c) => c.type === 'nodes');
        expect(laterNodes).toHaveLength(1);
        expect(laterNodes[0]).toMatchObject({ type: 'nodes', firstId: 5, refs: ['C'] });
        const laterEdges = later.flatMap((c) => (c.type === 'edges' ? [...c.src] : []));
        expect(laterEdges).toEqual([2, 3, 4]);
        // Bounded: up to seq 1 only.
        const early = await collect(store.streamGenealogy({ untilSeq: 1 }));
        expect(early.flatMap((c) => (c.type === 'nodes' ? c.refs : []))).toEqual([
          'N0',
          'N1',
          'N2',
          'N3',
          'N4',
        ]);
        expect(early.flatMap((c) => (c.type === 'edges' ? [...c.dst] : []))).toEqual([2, 2]);
        expect(await collect(store.streamGenealogy({ sinceSeq: 2 }))).toEqual([]);
      });
    });

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
        expect((await store.listShipmentLines({ lotId: 'L1' })).map((l) => l.customerId)).toEqual([
          'C1',
          'C2',
        ]);
        expect(
          (await store.listShipmentLines({ customerId: 'C1', lotId: 'L2' })).map((l) => l.lineNo),
        ).toEqual([2]);
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
      });
    });

    sdkScenarios(factory);
    if (options.extra) options.extra(factory);
  });
}

/** Re-exported for adapters' own tests. */
export type { AppendBatch };
