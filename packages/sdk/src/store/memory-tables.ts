/** The in-memory tables of `MemoryStore` and how one projection change applies to them. */
import type { Location, Lot, Party, Product } from '../domain/schemas.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import type {
  AuxRecord,
  DocumentRecord,
  GenealogyEdge,
  HoldRecord,
  ProjectionChange,
  ReservationRecord,
  ShipmentLineRecord,
  ShipmentRecord,
  StockBalance,
  Store,
  TestResultRecord,
} from './port.js';

export const clone = <T>(v: T): T => structuredClone(v);
export const I64_MAX = 2n ** 63n - 1n;
export const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
export const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
export const stockKey = (lotId: string, locationId: string) => `${lotId}\u0000${locationId}`;
export const nodeKey = (kind: number, ref: string) => `${kind}\u0000${ref}`;

export interface Tables {
  products: Map<string, Product>;
  parties: Map<string, Party>;
  locations: Map<string, Location>;
  lots: Map<string, Lot>;
  stock: Map<string, StockBalance>;
  shipments: Map<string, ShipmentRecord>;
  shipmentLines: Map<string, ShipmentLineRecord>;
  holds: Map<string, HoldRecord>;
  reservations: Map<string, ReservationRecord>;
  tests: Map<string, TestResultRecord>;
  documents: Map<string, DocumentRecord>;
  records: Map<string, AuxRecord>;
}

export function emptyTables(): Tables {
  return {
    products: new Map(),
    parties: new Map(),
    locations: new Map(),
    lots: new Map(),
    stock: new Map(),
    shipments: new Map(),
    shipmentLines: new Map(),
    holds: new Map(),
    reservations: new Map(),
    tests: new Map(),
    documents: new Map(),
    records: new Map(),
  };
}

/**
 * The in-memory {@link Store}: the reference implementation of the port and the default for tests and
 * browser use. Everything lives in JS maps; nothing survives the process. A batch is applied in place with
 * an undo log and rolled back row by row if any check fails — that is its transaction.
 *
 * @example
 * ```ts
 * const lg = await Lotgraph.open({ store: new MemoryStore() });
 * ```
 */

export function applyChange(
  c: ProjectionChange,
  i: number,
  table: <K extends keyof Tables>(k: K) => Tables[K],
  g: {
    newKinds: number[];
    newRefs: string[];
    newSeqs: number[];
    newNodeKeys: Map<string, number>;
    newEdges: GenealogyEdge[];
  },
  nodes: { index: Map<string, number>; kinds: number[] },
): void {
  switch (c.type) {
    case 'putProduct':
      table('products').set(c.product.id, c.product);
      return;
    case 'putParty':
      table('parties').set(c.party.id, c.party);
      return;
    case 'putLocation':
      table('locations').set(c.location.id, c.location);
      return;
    case 'putLot':
      table('lots').set(c.lot.id, c.lot);
      return;
    case 'stockDelta': {
      const stock = table('stock');
      const k = stockKey(c.lotId, c.locationId);
      const cur = stock.get(k)?.quantity ?? 0n;
      const next = cur + c.delta;
      // The SQL stores keep balances in signed 64-bit columns: refuse the same balances here.
      if (c.delta > I64_MAX || c.delta < -I64_MAX - 1n || next > I64_MAX) {
        throw new LotgraphError(
          ErrorCodes.VALIDATION_FAILED,
          `changes[${i}].delta: the balance ${next} does not fit a signed 64-bit integer`,
          { field: `changes[${i}].delta`, value: String(c.delta) },
        );
      }
      if (next < 0n) {
        throw new LotgraphError(
          ErrorCodes.INSUFFICIENT_STOCK,
          `lot "${c.lotId}" at location "${c.locationId}": on hand ${cur} steps, change ${c.delta} would go negative`,
          {
            lotId: c.lotId,
            locationId: c.locationId,
            onHand: String(cur),
            delta: String(c.delta),
            change: i,
          },
        );
      }
      if (next === 0n) stock.delete(k);
      else stock.set(k, { lotId: c.lotId, locationId: c.locationId, productId: c.productId, quantity: next });
      return;
    }
    case 'addNodes': {
      const expected = nodes.kinds.length + g.newKinds.length;
      if (c.firstId !== expected) {
        throw new LotgraphError(
          ErrorCodes.CONFLICT,
          `addNodes.firstId is ${c.firstId}, expected ${expected}`,
          {
            change: i,
            firstId: c.firstId,
            expected,
          },
        );
      }
      for (const n of c.nodes) {
        const k = nodeKey(n.kind, n.ref);
        if (nodes.index.has(k) || g.newNodeKeys.has(k)) {
          throw new LotgraphError(
            ErrorCodes.CONFLICT,
            `genealogy node (${n.kind}, "${n.ref}") already exists`,
            {
              change: i,
              kind: n.kind,
              ref: n.ref,
            },
          );
        }
        g.newNodeKeys.set(k, nodes.kinds.length + g.newKinds.length);
        g.newKinds.push(n.kind);
        g.newRefs.push(n.ref);
        g.newSeqs.push(c.seq);
      }
      return;
    }
    case 'addEdges': {
      const count = nodes.kinds.length + g.newKinds.length;
      for (const e of c.edges) {
        if (!(e.src >= 0 && e.src < count && e.dst >= 0 && e.dst < count)) {
          throw new LotgraphError(
            ErrorCodes.VALIDATION_FAILED,
            `edge ${e.src} → ${e.dst} references a node that does not exist (node count ${count})`,
            { change: i, src: e.src, dst: e.dst },
          );
        }
        g.newEdges.push(e);
      }
      return;
    }
    case 'putShipment':
      table('shipments').set(c.shipment.id, c.shipment);
      return;
    case 'addShipmentLines': {
      const lines = table('shipmentLines');
      for (const l of c.lines) lines.set(`${l.shipmentId}\u0000${l.lineNo}`, l);
      return;
    }
    case 'putHold':
      table('holds').set(c.hold.id, c.hold);
      return;
    case 'putReservation': {
      const res = table('reservations');
      res.set(c.reservation.id, c.reservation);
      const r = c.reservation;
      if (r.status === 'active') {
        let reserved = 0n;
        for (const x of res.values()) {
          if (x.status === 'active' && x.lotId === r.lotId && x.locationId === r.locationId)
            reserved += x.quantity;
        }
        const onHand = table('stock').get(stockKey(r.lotId, r.locationId))?.quantity ?? 0n;
        if (reserved > onHand) {
          throw new LotgraphError(
            ErrorCodes.INSUFFICIENT_STOCK,
            `reservation "${r.id}": lot "${r.lotId}" at "${r.locationId}" has ${onHand} steps on hand, ${reserved} would be reserved`,
            {
              lotId: r.lotId,
              locationId: r.locationId,
              onHand: String(onHand),
              reserved: String(reserved),
              change: i,
            },
          );
        }
      }
      return;
    }
    case 'putTestResult':
      table('tests').set(c.result.id, c.result);
      return;
    case 'putDocument':
      table('documents').set(c.document.id, c.document);
      return;
    case 'putRecord':
      table('records').set(`${c.record.collection}\u0000${c.record.id}`, c.record);
      return;
    default: {
      const never: never = c;
      throw new LotgraphError(
        ErrorCodes.VALIDATION_FAILED,
        `unknown change type ${(never as { type: string }).type}`,
      );
    }
  }
}
