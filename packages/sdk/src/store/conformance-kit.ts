/** Builders and helpers shared by the Store conformance suites. */
import { expect } from 'vitest';
import type { Location, Lot, Party, Product } from '../domain/schemas.js';
import { LotgraphError } from '../errors.js';
import type { Json, StoredEvent } from '../ledger/events.js';
import { hashEvent } from '../ledger/hashing.js';
import type { ConformanceFixture } from './conformance-types.js';
import type { GenealogyChunk, ProjectionChange, Store, StoreHead } from './port.js';

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

export const product = (id: string, extra: Partial<Product> = {}): Product => ({
  id,
  name: `Product ${id}`,
  unit: 'kg',
  decimals: 3,
  conversions: [],
  allergens: [],
  attributes: {},
  ...extra,
});
export const party = (id: string, roles: Party['roles'] = ['supplier']): Party => ({
  id,
  name: `Party ${id}`,
  roles,
  contacts: [],
});
export const location = (id: string, extra: Partial<Location> = {}): Location => ({
  id,
  site: 'S1',
  quarantine: false,
  ...extra,
});
export const lot = (id: string, productId: string, createdSeq: number, extra: Partial<Lot> = {}): Lot => ({
  id,
  productId,
  certifications: [],
  attributes: {},
  origin: 'received',
  createdAt: '2026-01-01T00:00:00.000Z',
  createdSeq,
  ...extra,
});

export async function expectCode(p: Promise<unknown>, code: string): Promise<LotgraphError> {
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

export async function collect(it: AsyncIterable<GenealogyChunk>): Promise<GenealogyChunk[]> {
  const out: GenealogyChunk[] = [];
  for await (const c of it) out.push(c);
  return out;
}

/** The fixture of the running test (set by the suite's beforeEach). */
export interface SuiteState {
  fx: ConformanceFixture;
  store: Store;
}

/** Append one event (auto seq / prevHash / key) with the given changes. */
export async function putChanges(
  store: Store,
  changes: ProjectionChange[],
  key?: string,
): Promise<StoreHead> {
  const h = await store.head();
  const ev = await makeTestEvent(h.seq + 1, h.hash, key ?? `k${h.seq + 1}`);
  return store.append({ expectedSeq: h.seq, events: [ev], changes });
}

/** Everything the store-level tests compare before and after a refused append. */
export async function snapshotOf(store: Store): Promise<unknown> {
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

/** `put` and `snapshot` over the store of the running test. */
export function bindSuite(store: () => Store) {
  return {
    put: (changes: ProjectionChange[], key?: string) => putChanges(store(), changes, key),
    snapshot: () => snapshotOf(store()),
  };
}
