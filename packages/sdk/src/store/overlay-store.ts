import type { Location, Lot, Party, Product } from '../domain/schemas.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import type { StoredEvent } from '../ledger/events.js';
import { duplicateSerialError, negativeStockError } from './contract-errors.js';
import { countMatching, SerialTable, serialsMatching, unitsMatching } from './memory-serials.js';
import type {
  AppendBatch,
  AuxRecord,
  AvailableStockRow,
  DocumentRecord,
  GenealogyChunk,
  GenealogyEdge,
  HoldRecord,
  LotFilter,
  ProjectionChange,
  ReservationRecord,
  ShipmentLineFilter,
  ShipmentLineRecord,
  ShipmentRecord,
  StockBalance,
  StockFilter,
  Store,
  StoreHead,
  StreamGenealogyOptions,
  TestResultRecord,
} from './port.js';
import {
  compareAvailableStock,
  compareBySeqThenId,
  compareHolds,
  compareReservations,
  compareStock,
} from './port.js';
import { READ_AHEAD, readAhead } from './prefetch.js';
import {
  commissionedRows,
  type LogisticUnitRecord,
  pageSerials,
  patchSerial,
  patchUnit,
  type SerialFilter,
  type SerialKey,
  type SerialRecord,
  serialKey,
  type UnitFilter,
} from './serial-port.js';
import { stockOfLots } from './stock-of-lots.js';

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
const byId = <T extends { id: string }>(a: T, b: T) => cmp(a.id, b.id);
const stockKey = (lotId: string, locationId: string) => `${lotId}\u0000${locationId}`;

function merge<T extends { id: string }>(base: T[], pending: Map<string, T>, keep: (t: T) => boolean): T[] {
  const out = new Map(base.map((b) => [b.id, b]));
  for (const [id, v] of pending) out.set(id, v);
  return [...out.values()].filter(keep);
}

/**
 * A read view of a store plus the not-yet-appended events and projection changes of a command batch, so
 * the second command of a batch sees what the first one did. Internal to `Lotgraph.batch`; read-only.
 */
export class OverlayStore implements Store {
  readonly name: string;
  private events: StoredEvent[] = [];
  private keys = new Map<string, StoredEvent>();
  private products = new Map<string, Product>();
  private parties = new Map<string, Party>();
  private locations = new Map<string, Location>();
  private lots = new Map<string, Lot>();
  private deltas = new Map<string, StockBalance>();
  private shipments = new Map<string, ShipmentRecord>();
  private lines: ShipmentLineRecord[] = [];
  private holds = new Map<string, HoldRecord>();
  private reservations = new Map<string, ReservationRecord>();
  private tests = new Map<string, TestResultRecord>();
  private documents = new Map<string, DocumentRecord>();
  private records = new Map<string, AuxRecord>();
  /** Serials the batch touched, as they are after its changes (by serialKey), and as they were before it. */
  private serials = new SerialTable();
  /** Serial rows read from the base by key during this batch (null: not stored there). */
  private baseSerials = new Map<string, SerialRecord | null>();
  private serialsBefore = new SerialTable();
  /** Units the batch touched, as they are after its changes. */
  private units = new Map<string, LogisticUnitRecord>();

  constructor(
    private readonly base: Store,
    private readonly baseHead: StoreHead,
  ) {
    this.name = `overlay(${base.name})`;
  }

  /** Lots the batch is about to read: fetched by the view underneath when it prefetches (see `readAhead`). */
  [READ_AHEAD](lotIds: readonly string[]): Promise<void> {
    return readAhead(this.base, lotIds);
  }

  /** Add one decided event and its changes to the view (stock guard included, like the store's). */
  async stage(event: StoredEvent, changes: ProjectionChange[]): Promise<void> {
    for (const [i, c] of changes.entries()) {
      if (c.type !== 'stockDelta') continue;
      const cur = await this.getStock(c.lotId, c.locationId);
      const staged = this.deltas.get(stockKey(c.lotId, c.locationId))?.quantity ?? 0n;
      if (cur + c.delta < 0n) throw negativeStockError(c.lotId, c.locationId, cur, c.delta, i);
      this.deltas.set(stockKey(c.lotId, c.locationId), {
        lotId: c.lotId,
        locationId: c.locationId,
        productId: c.productId,
        quantity: staged + c.delta,
      });
    }
    for (const c of changes) {
      switch (c.type) {
        case 'putProduct':
          this.products.set(c.product.id, c.product);
          break;
        case 'putParty':
          this.parties.set(c.party.id, c.party);
          break;
        case 'putLocation':
          this.locations.set(c.location.id, c.location);
          break;
        case 'putLot':
          this.lots.set(c.lot.id, c.lot);
          break;
        case 'putShipment':
          this.shipments.set(c.shipment.id, c.shipment);
          break;
        case 'addShipmentLines':
          this.lines.push(...c.lines);
          break;
        case 'putHold':
          this.holds.set(c.hold.id, c.hold);
          break;
        case 'putReservation':
          this.reservations.set(c.reservation.id, c.reservation);
          break;
        case 'putTestResult':
          this.tests.set(c.result.id, c.result);
          break;
        case 'putDocument':
          this.documents.set(c.document.id, c.document);
          break;
        case 'putRecord':
          this.records.set(`${c.record.collection}\u0000${c.record.id}`, c.record);
          break;
        case 'addSerials': {
          // Refused like the store refuses it (the first duplicate in serial order), with each key built once
          // and the store asked only for keys this batch has not seen.
          const keys = c.serials.map((serial) => serialKey(c.gtin, serial));
          const unseen: SerialKey[] = [];
          let dup: string | undefined;
          for (const [j, k] of keys.entries()) {
            const row = this.serials.get(k) ?? this.baseSerials.get(k);
            if (row) dup = dup === undefined || row.serial < dup ? row.serial : dup;
            else if (row === undefined) unseen.push({ gtin: c.gtin, serial: c.serials[j]! });
          }
          if (unseen.length > 0)
            for (const r of await this.getSerials(unseen))
              dup = dup === undefined || r.serial < dup ? r.serial : dup;
          if (dup !== undefined) throw duplicateSerialError(changes.indexOf(c), c.gtin, dup);
          const rows = commissionedRows(c);
          for (const [j, k] of keys.entries()) this.serials.set(k, rows[j]!);
          break;
        }
        case 'updateSerials':
          for (const row of await this.getSerials(c.serials.map((serial) => ({ gtin: c.gtin, serial })))) {
            const k = serialKey(row.gtin, row.serial);
            if (!this.serials.has(k)) this.serialsBefore.set(k, row);
            this.serials.set(k, patchSerial(row, c.patch, c.seq));
          }
          break;
        case 'putUnit':
          this.units.set(c.unit.id, c.unit);
          break;
        case 'updateUnits':
          for (const row of await this.getUnits(c.ids))
            this.units.set(row.id, patchUnit(row, c.patch, c.seq));
          break;
        default:
          break;
      }
    }
    this.events.push(event);
    this.keys.set(event.idempotencyKey, event);
  }

  async head(): Promise<StoreHead> {
    const last = this.events[this.events.length - 1];
    return last ? { ...this.baseHead, seq: last.seq, hash: last.hash } : this.baseHead;
  }
  append(_batch: AppendBatch): Promise<StoreHead> {
    return Promise.reject(new LotgraphError(ErrorCodes.CONFLICT, 'an overlay view is read-only'));
  }
  async readEvents(fromSeq: number, limit?: number): Promise<StoredEvent[]> {
    const base = fromSeq <= this.baseHead.seq ? await this.base.readEvents(fromSeq, limit) : [];
    const all = [
      ...base.filter((e) => e.seq <= this.baseHead.seq),
      ...this.events.filter((e) => e.seq >= fromSeq),
    ];
    return limit === undefined ? all : all.slice(0, limit);
  }
  async getEvent(seq: number) {
    return seq > this.baseHead.seq ? this.events.find((e) => e.seq === seq) : this.base.getEvent(seq);
  }
  async findEventByIdempotencyKey(key: string) {
    return this.keys.get(key) ?? (await this.base.findEventByIdempotencyKey(key));
  }

  async getProduct(id: string) {
    return this.products.get(id) ?? (await this.base.getProduct(id));
  }
  async findProductByGtin(gtin14: string) {
    for (const p of this.products.values()) if (p.gtin && p.gtin.padStart(14, '0') === gtin14) return p;
    const b = await this.base.findProductByGtin(gtin14);
    return b && !this.products.has(b.id) ? b : undefined;
  }
  async listProducts() {
    return merge(await this.base.listProducts(), this.products, () => true).sort(byId);
  }
  async getParty(id: string) {
    return this.parties.get(id) ?? (await this.base.getParty(id));
  }
  async listParties() {
    return merge(await this.base.listParties(), this.parties, () => true).sort(byId);
  }
  async getLocation(id: string) {
    return this.locations.get(id) ?? (await this.base.getLocation(id));
  }
  async listLocations() {
    return merge(await this.base.listLocations(), this.locations, () => true).sort(byId);
  }

  async getLot(id: string) {
    return this.lots.get(id) ?? (await this.base.getLot(id));
  }
  async getLots(ids: readonly string[]) {
    return merge(
      await this.base.getLots(ids),
      new Map([...this.lots].filter(([id]) => ids.includes(id))),
      () => true,
    ).sort(byId);
  }
  async listLots(filter: LotFilter = {}) {
    return merge(
      await this.base.listLots(filter),
      this.lots,
      (l) =>
        (filter.productId === undefined || l.productId === filter.productId) &&
        (filter.supplierId === undefined || l.supplierId === filter.supplierId) &&
        (filter.supplierLotNumber === undefined || l.supplierLotNumber === filter.supplierLotNumber),
    ).sort(byId);
  }
  async getStock(lotId: string, locationId: string) {
    return (
      (await this.base.getStock(lotId, locationId)) +
      (this.deltas.get(stockKey(lotId, locationId))?.quantity ?? 0n)
    );
  }
  async listStock(filter: StockFilter = {}) {
    return this.withDeltas(
      await this.base.listStock(filter),
      (d) =>
        (filter.lotId === undefined || d.lotId === filter.lotId) &&
        (filter.locationId === undefined || d.locationId === filter.locationId) &&
        (filter.productId === undefined || d.productId === filter.productId),
    );
  }
  async listStockOfLots(lotIds: readonly string[]) {
    const ids = new Set(lotIds);
    return this.withDeltas(await stockOfLots(this.base, lotIds), (d) => ids.has(d.lotId));
  }
  /** Stored balances plus the staged deltas that `wanted` keeps: non-zero, by lot then location. */
  private withDeltas(stored: readonly StockBalance[], wanted: (d: StockBalance) => boolean): StockBalance[] {
    const rows = new Map(stored.map((r) => [stockKey(r.lotId, r.locationId), { ...r }]));
    for (const [k, d] of this.deltas) {
      if (!wanted(d)) continue;
      const r = rows.get(k);
      if (r) r.quantity += d.quantity;
      else rows.set(k, { ...d });
    }
    return [...rows.values()].filter((r) => r.quantity !== 0n).sort(compareStock);
  }
  async listAvailableStock(productId: string, options: { locationId?: string } = {}) {
    const stock = await this.listStock(
      options.locationId !== undefined ? { productId, locationId: options.locationId } : { productId },
    );
    const rows: AvailableStockRow[] = [];
    for (const s of stock) {
      const lot = await this.getLot(s.lotId);
      if (!lot) continue;
      const reserved = (await this.listReservations({ lotId: s.lotId, status: 'active' }))
        .filter((r) => r.locationId === s.locationId)
        .reduce((a, r) => a + r.quantity, 0n);
      const onHold = (await this.listHolds({ lotId: s.lotId, status: 'active' })).some(
        (h) => h.locationId === undefined || h.locationId === s.locationId,
      );
      rows.push({ lot, locationId: s.locationId, onHand: s.quantity, reserved, onHold });
    }
    return rows.sort(compareAvailableStock);
  }

  findNodeIds(kind: number, refs: readonly string[]) {
    return this.base.findNodeIds(kind, refs);
  }
  listEdges(filter: { src?: readonly number[]; dst?: readonly number[] }): Promise<GenealogyEdge[]> {
    return this.base.listEdges(filter);
  }
  streamGenealogy(options?: StreamGenealogyOptions): AsyncIterable<GenealogyChunk> {
    return this.base.streamGenealogy(options);
  }

  async getShipment(id: string) {
    return this.shipments.get(id) ?? (await this.base.getShipment(id));
  }
  async listShipments(filter: { customerId?: string } = {}) {
    return merge(
      await this.base.listShipments(filter),
      this.shipments,
      (s) => filter.customerId === undefined || s.customerId === filter.customerId,
    ).sort(compareBySeqThenId);
  }
  async listShipmentLines(filter: ShipmentLineFilter = {}) {
    const lotIds = filter.lotIds ? new Set(filter.lotIds) : undefined;
    const pending = this.lines.filter(
      (l) =>
        (filter.lotId === undefined || l.lotId === filter.lotId) &&
        (lotIds === undefined || lotIds.has(l.lotId)) &&
        (filter.shipmentId === undefined || l.shipmentId === filter.shipmentId) &&
        (filter.customerId === undefined || l.customerId === filter.customerId),
    );
    return [...(await this.base.listShipmentLines(filter)), ...pending];
  }

  async getHold(id: string) {
    return this.holds.get(id) ?? (await this.base.getHold(id));
  }
  async listHolds(filter: { lotId?: string; status?: HoldRecord['status'] } = {}) {
    const base = await this.base.listHolds(filter.lotId !== undefined ? { lotId: filter.lotId } : {});
    return merge(
      base,
      this.holds,
      (h) =>
        (filter.lotId === undefined || h.lotId === filter.lotId) &&
        (filter.status === undefined || h.status === filter.status),
    ).sort(compareHolds);
  }
  async getReservation(id: string) {
    return this.reservations.get(id) ?? (await this.base.getReservation(id));
  }
  async listReservations(
    filter: {
      lotId?: string;
      productId?: string;
      orderId?: string;
      status?: ReservationRecord['status'];
    } = {},
  ) {
    const { status, ...rest } = filter;
    return merge(
      await this.base.listReservations(rest),
      this.reservations,
      (r) =>
        (filter.lotId === undefined || r.lotId === filter.lotId) &&
        (filter.productId === undefined || r.productId === filter.productId) &&
        (filter.orderId === undefined || r.orderId === filter.orderId) &&
        (status === undefined || r.status === status),
    ).sort(compareReservations);
  }
  async getTestResult(id: string) {
    return this.tests.get(id) ?? (await this.base.getTestResult(id));
  }
  async listTestResults(filter: { lotId?: string } = {}) {
    return merge(
      await this.base.listTestResults(filter),
      this.tests,
      (t) => filter.lotId === undefined || t.lotId === filter.lotId,
    ).sort(compareBySeqThenId);
  }
  async getDocument(id: string) {
    return this.documents.get(id) ?? (await this.base.getDocument(id));
  }
  async listDocuments(filter: { lotId?: string; shipmentId?: string; kind?: string } = {}) {
    return merge(
      await this.base.listDocuments(filter),
      this.documents,
      (d) =>
        (filter.lotId === undefined || d.lotIds.includes(filter.lotId)) &&
        (filter.shipmentId === undefined || d.shipmentIds.includes(filter.shipmentId)) &&
        (filter.kind === undefined || d.kind === filter.kind),
    ).sort(compareBySeqThenId);
  }
  async getSerials(keys: readonly SerialKey[]) {
    const all = new Map<string, SerialRecord>();
    const rest: SerialKey[] = [];
    for (const k of keys) {
      const key = serialKey(k.gtin, k.serial);
      const row = this.serials.get(key) ?? this.baseSerials.get(key);
      if (row) all.set(key, row);
      else if (row === undefined) rest.push(k);
    }
    if (rest.length > 0) {
      // The base cannot change while the batch holds the write lock: remember what it said (a command's
      // check and its staging ask for the same keys).
      const found = await this.base.getSerials(rest);
      for (const k of rest) this.baseSerials.set(serialKey(k.gtin, k.serial), null);
      for (const r of found) {
        const key = serialKey(r.gtin, r.serial);
        this.baseSerials.set(key, r);
        if (!this.serials.has(key)) all.set(key, r);
      }
    }
    return pageSerials([...all.values()], {});
  }
  async listSerials(filter: SerialFilter) {
    if (this.serials.size === 0) return this.base.listSerials(filter);
    const { limit, ...unpaged } = filter;
    // Stored rows the batch changed are replaced by their staged version: ask for enough to fill `limit`.
    const base = await this.base.listSerials(
      limit === undefined ? unpaged : { ...unpaged, limit: limit + this.serials.size },
    );
    const kept = base.filter((r) => !this.serials.has(serialKey(r.gtin, r.serial)));
    return pageSerials([...kept, ...serialsMatching(this.serials, unpaged)], filter);
  }
  async countSerials(filter: SerialFilter) {
    if (this.serials.size === 0) return this.base.countSerials(filter);
    const { after: _a, limit: _l, ...rest } = filter;
    // Stored count, minus the changed rows as they were, plus the staged rows as they are (indexed).
    return (
      (await this.base.countSerials(rest)) -
      countMatching(this.serialsBefore, rest) +
      countMatching(this.serials, rest)
    );
  }
  async getUnits(ids: readonly string[]) {
    const rest = ids.filter((id) => !this.units.has(id));
    const base = rest.length > 0 ? await this.base.getUnits(rest) : [];
    const mine = ids.flatMap((id) => this.units.get(id) ?? []);
    return [...new Map([...base, ...mine].map((u) => [u.id, u] as const)).values()].sort(byId);
  }
  async listUnits(filter: UnitFilter) {
    if (this.units.size === 0) return this.base.listUnits(filter);
    const rows = new Map((await this.base.listUnits(filter)).map((u) => [u.id, u] as const));
    for (const [id, u] of this.units) rows.set(id, u);
    return unitsMatching(rows.values(), filter);
  }
  async getRecord(collection: string, id: string) {
    return this.records.get(`${collection}\u0000${id}`) ?? (await this.base.getRecord(collection, id));
  }
  async listRecords(collection: string, filter: { key?: string } = {}) {
    const pending = new Map(
      [...this.records.values()].filter((r) => r.collection === collection).map((r) => [r.id, r] as const),
    );
    return merge(
      await this.base.listRecords(collection, filter),
      pending,
      (r) => filter.key === undefined || r.key === filter.key,
    ).sort(byId);
  }

  async close(): Promise<void> {}
}
