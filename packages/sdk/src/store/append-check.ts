/**
 * The Store contract's checks of one append, written once: MemoryStore applies a batch through them, and
 * every SQL store (`@lotgraph/adapters`) plans its set-based writes with {@link planAppend} — it reads the
 * few stored rows a batch touches ({@link appendKeys}), and gets back either the contract error MemoryStore
 * would throw or the final rows to write, one multi-row statement per table.
 *
 * @module
 */
import type { Location, Lot, Party, Product } from '../domain/schemas.js';
import type { StoredEvent } from '../ledger/events.js';
import { badSeqError, duplicateKeyError, emptyBatchError, staleSeqError } from './contract-errors.js';
import { applyChange, emptyTables, nodeKey, stockKey, type Tables } from './memory-tables.js';
import type {
  AppendBatch,
  AuxRecord,
  DocumentRecord,
  GenealogyEdge,
  HoldRecord,
  ProjectionChange,
  ReservationRecord,
  ShipmentLineRecord,
  ShipmentRecord,
  StockBalance,
  StoreHead,
  TestResultRecord,
} from './port.js';
import { type SerialKey, type SerialRecord, serialKey } from './serial-port.js';

/** The serial and unit changes of a batch, passed through in batch order (see {@link AppendPlan}). */
export type SerialUnitChange = Extract<
  ProjectionChange,
  { type: 'addSerials' | 'updateSerials' | 'putUnit' | 'updateUnits' }
>;

/**
 * Check the batch against the head: `expectedSeq`, at least one event, consecutive seqs, idempotency keys
 * unique in the batch and not `taken` (already stored). Throws the contract's `CONFLICT` /
 * `VALIDATION_FAILED`.
 */
export function checkBatchHead(batch: AppendBatch, head: StoreHead, taken: (key: string) => boolean): void {
  if (batch.expectedSeq !== head.seq) throw staleSeqError(batch.expectedSeq, head.seq);
  if (batch.events.length === 0) throw emptyBatchError();
  const seen = new Set<string>();
  batch.events.forEach((e, i) => {
    if (e.seq !== head.seq + 1 + i) throw badSeqError(i, e.seq, head.seq + 1 + i);
    if (seen.has(e.idempotencyKey) || taken(e.idempotencyKey)) throw duplicateKeyError(e.idempotencyKey);
    seen.add(e.idempotencyKey);
  });
}

/** A change that puts a product, party or location: master data. */
export type MasterDataChange = Extract<ProjectionChange, { type: 'putProduct' | 'putParty' | 'putLocation' }>;

/** True when `c` puts a product, party or location. */
export function isMasterDataChange(c: ProjectionChange): c is MasterDataChange {
  return c.type === 'putProduct' || c.type === 'putParty' || c.type === 'putLocation';
}

/** True when the batch puts a product, party or location (the head's `masterSeq` then moves). */
export function changesMasterData(batch: AppendBatch): boolean {
  return batch.changes.some(isMasterDataChange);
}

/** What a store must read (inside its write transaction) before {@link planAppend} can check a batch. */
export interface AppendKeys {
  /** The batch's idempotency keys: which are already stored? */
  idempotencyKeys: string[];
  /** Lots whose stored stock rows the checks need (stock deltas, active reservations). */
  stockLots: string[];
  /** Reservations put by the batch (their stored rows) … */
  reservationIds: string[];
  /** … and lots whose stored *active* reservations count against a new active one. */
  reservationLots: string[];
  /** Refs of the nodes the batch adds, by kind: which `(kind, ref)` exist already? */
  nodeRefs: { kind: number; refs: string[] }[];
  /** Serials the batch commissions: which exist already? */
  serialKeys: SerialKey[];
}

/** The keys of {@link AppendKeys} for a batch (each list without duplicates). */
export function appendKeys(batch: AppendBatch): AppendKeys {
  const stockLots = new Set<string>();
  const reservationIds = new Set<string>();
  const reservationLots = new Set<string>();
  const nodeRefs = new Map<number, Set<string>>();
  const serialKeys = new Map<string, SerialKey>();
  for (const c of batch.changes) {
    if (c.type === 'addSerials')
      for (const serial of c.serials) serialKeys.set(serialKey(c.gtin, serial), { gtin: c.gtin, serial });
    if (c.type === 'stockDelta') stockLots.add(c.lotId);
    else if (c.type === 'putReservation') {
      reservationIds.add(c.reservation.id);
      if (c.reservation.status === 'active') {
        stockLots.add(c.reservation.lotId);
        reservationLots.add(c.reservation.lotId);
      }
    } else if (c.type === 'addNodes')
      for (const n of c.nodes) {
        const refs = nodeRefs.get(n.kind) ?? new Set<string>();
        nodeRefs.set(n.kind, refs);
        refs.add(n.ref);
      }
  }
  return {
    idempotencyKeys: [...new Set(batch.events.map((e) => e.idempotencyKey))],
    stockLots: [...stockLots],
    reservationIds: [...reservationIds],
    reservationLots: [...reservationLots],
    nodeRefs: [...nodeRefs].map(([kind, refs]) => ({ kind, refs: [...refs] })),
    serialKeys: [...serialKeys.values()],
  };
}

/** The stored rows {@link planAppend} checks a batch against (read for the {@link AppendKeys}). */
export interface AppendState {
  /** The head, read under the store's write lock. */
  head: StoreHead;
  /** Which of the batch's idempotency keys are stored. */
  takenKeys: Iterable<string>;
  /** Stored stock rows of `stockLots` (extra rows are harmless). */
  stock: Iterable<StockBalance>;
  /** Stored reservations with `reservationIds`, and the active ones of `reservationLots`. */
  reservations: Iterable<ReservationRecord>;
  /** Stored nodes among `(kind, nodeRefs)` (extra ones are harmless). */
  nodes: Iterable<{ kind: number; ref: string }>;
  /** Stored serials among `serialKeys` (extra ones are harmless; absent: none of them is stored). */
  serials?: Iterable<SerialRecord>;
}

/** A genealogy node to insert, with its dense id. */
export interface PlannedNode {
  id: number;
  kind: number;
  ref: string;
  seq: number;
}

/**
 * The net effect of a checked batch: the final row of every key it writes (the last write of a key wins,
 * as applying the changes one by one would leave it), in first-write order per table.
 */
export interface AppendPlan {
  events: StoredEvent[];
  /** The head after the batch. */
  head: StoreHead;
  products: Product[];
  parties: Party[];
  locations: Location[];
  lots: Lot[];
  /** Final non-zero balances of the touched lot × location pairs. */
  stock: StockBalance[];
  /** Touched pairs whose balance ends at zero (their rows are deleted). */
  stockDeleted: { lotId: string; locationId: string }[];
  nodes: PlannedNode[];
  /** New edges; edge `i` gets id `head before .edgeCount + 1 + i`. */
  edges: GenealogyEdge[];
  shipments: ShipmentRecord[];
  shipmentLines: ShipmentLineRecord[];
  holds: HoldRecord[];
  reservations: ReservationRecord[];
  testResults: TestResultRecord[];
  documents: DocumentRecord[];
  records: AuxRecord[];
  /**
   * The serial and unit changes, in batch order, to run as statements in that order (inserts of new
   * serials, patches by key, unit upserts and patches): their effect depends on rows the plan did not read.
   */
  serialUnitChanges: SerialUnitChange[];
}

/**
 * Check `batch` exactly as MemoryStore applies it — same order, same errors — against the stored rows in
 * `state`, and return what to write. Throws the contract error of the first change that fails; nothing
 * has been written then.
 */
export function planAppend(batch: AppendBatch, state: AppendState): AppendPlan {
  const taken = new Set(state.takenKeys);
  checkBatchHead(batch, state.head, (k) => taken.has(k));
  const t: Tables = emptyTables();
  for (const s of state.stock) t.stock.set(stockKey(s.lotId, s.locationId), s);
  for (const r of state.reservations) t.reservations.set(r.id, r);
  for (const x of state.serials ?? []) t.serials.set(serialKey(x.gtin, x.serial), x);
  const serialUnitChanges: SerialUnitChange[] = [];
  const stored = new Set<string>();
  for (const n of state.nodes) stored.add(nodeKey(n.kind, n.ref));
  // Only the rows the batch writes are written: note which keys each table's changes touch.
  const touchedStock = new Map<string, { lotId: string; locationId: string }>();
  const touchedReservations = new Set<string>();
  const g = {
    newKinds: [] as number[],
    newRefs: [] as string[],
    newSeqs: [] as number[],
    newNodeKeys: new Map<string, number>(),
    newEdges: [] as GenealogyEdge[],
  };
  const nodes = { has: (k: string) => stored.has(k), count: state.head.nodeCount };
  const table = <K extends keyof Tables>(k: K): Tables[K] => t[k];
  batch.changes.forEach((c, i) => {
    if (c.type === 'stockDelta')
      touchedStock.set(stockKey(c.lotId, c.locationId), { lotId: c.lotId, locationId: c.locationId });
    else if (c.type === 'putReservation') touchedReservations.add(c.reservation.id);
    else if (
      c.type === 'addSerials' ||
      c.type === 'updateSerials' ||
      c.type === 'putUnit' ||
      c.type === 'updateUnits'
    )
      serialUnitChanges.push(c);
    applyChange(c, i, table, g, nodes);
  });
  const stock: StockBalance[] = [];
  const stockDeleted: { lotId: string; locationId: string }[] = [];
  for (const [k, pair] of touchedStock) {
    const row = t.stock.get(k);
    if (row) stock.push(row);
    else stockDeleted.push(pair);
  }
  const last = batch.events[batch.events.length - 1] as StoredEvent;
  return {
    events: batch.events,
    head: {
      seq: last.seq,
      hash: last.hash,
      nodeCount: state.head.nodeCount + g.newKinds.length,
      edgeCount: state.head.edgeCount + g.newEdges.length,
      masterSeq: changesMasterData(batch) ? last.seq : (state.head.masterSeq ?? 0),
    },
    products: [...t.products.values()],
    parties: [...t.parties.values()],
    locations: [...t.locations.values()],
    lots: [...t.lots.values()],
    stock,
    stockDeleted,
    nodes: g.newKinds.map((kind, j) => ({
      id: state.head.nodeCount + j,
      kind,
      ref: g.newRefs[j] as string,
      seq: g.newSeqs[j] as number,
    })),
    edges: g.newEdges,
    shipments: [...t.shipments.values()],
    shipmentLines: [...t.shipmentLines.values()],
    holds: [...t.holds.values()],
    reservations: [...touchedReservations].map((id) => t.reservations.get(id) as ReservationRecord),
    testResults: [...t.tests.values()],
    documents: [...t.documents.values()],
    records: [...t.records.values()],
    serialUnitChanges,
  };
}
