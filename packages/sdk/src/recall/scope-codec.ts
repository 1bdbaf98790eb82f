/**
 * How a recall case records its scope in the `recallOpened` event (and the case record projected from it).
 *
 * - Format 1 (every case opened before format 2 existed): the {@link RecallScope} object itself.
 * - Format 2 (`format: 2`): the same content, losslessly, as columns — each column of a table (lots,
 *   deliveries, on-hand stock) holds one value per row, joined by a newline (`"LOT-1\nLOT-2"`), or, when a
 *   value is empty or holds a newline, as the plain JSON list of the values (`null` for an absent optional
 *   value). Numbers are written in decimal. A lot's `path` is the count of its chain (`pathLength`, empty when
 *   it has none) and the chains of all lots one after the other (`path`). Customers stay objects, with their
 *   `lots` as one column.
 *
 * Why: a heavy recall's scope has ~100k rows; as objects it made a 15 MB event whose canonical JSON, hash,
 * write and read-back cost more than computing it. As a few long strings it is a third of the size and
 * hashes, writes and parses in a few milliseconds. Either format reads back as the same {@link RecallScope}
 * ({@link unpackScope}); a stored event never changes.
 *
 * @module
 */
import { ErrorCodes, LotgraphError } from '../errors.js';
import type { Json } from '../ledger/events.js';
import type { RecallScope, ScopeCustomer, ScopeDelivery, ScopeLot } from './scope-types.js';

/** A column: values joined by "\n" — or the list itself when a value is empty or holds a newline. */
export type Column = string | (string | null)[];

/** A column of numbers: decimal text joined by "\n" when every value is a safe integer, else the list. */
export type NumberColumn = string | number[];

/** Format 2 of a recorded scope (see the module comment). */
export interface PackedScope {
  format: 2;
  suspectLots: string[];
  attributedUnit: string;
  counts: RecallScope['counts'];
  lots: {
    lotId: Column;
    productId: Column;
    depth: NumberColumn;
    attributed: Column;
    supplierId: Column;
    supplierLotNumber: Column;
    expiry: Column;
    pathLength: Column;
    path: Column;
  };
  deliveries: Record<Exclude<keyof ScopeDelivery, 'lineNo'>, Column> & { lineNo: NumberColumn };
  customers: (Omit<ScopeCustomer, 'lots'> & { lots: Column })[];
  onHand: Record<keyof RecallScope['onHand'][number], Column>;
}

/** Pack string values (`undefined` = absent) into a {@link Column}. */
export function column(values: readonly (string | undefined)[]): Column {
  let plain = true;
  for (const v of values)
    if (v === '' || v?.includes('\n')) {
      plain = false;
      break;
    }
  if (plain) return values.join('\n');
  return values.map((v) => (v === undefined ? null : v));
}

/** Pack numbers: decimal text when every value is a safe integer, the list of numbers otherwise. */
export function numberColumn(values: readonly number[]): NumberColumn {
  for (const v of values) if (!Number.isSafeInteger(v) || Object.is(v, -0)) return [...values];
  return values.join('\n');
}

function bad(what: string): never {
  throw new LotgraphError(ErrorCodes.VALIDATION_FAILED, `recorded recall scope: ${what} is malformed`, {
    field: `scope.${what}`,
  });
}

/** The `n` values of a column (`undefined` where absent). */
export function values(c: unknown, n: number, what: string): (string | undefined)[] {
  if (typeof c === 'string') {
    if (n === 0) {
      if (c !== '') bad(what);
      return [];
    }
    const out: (string | undefined)[] = c.split('\n');
    if (out.length !== n) bad(what);
    for (let i = 0; i < n; i++) if (out[i] === '') out[i] = undefined;
    return out;
  }
  if (!Array.isArray(c) || c.length !== n) bad(what);
  return c.map((v) => (v === null ? undefined : typeof v === 'string' ? v : bad(what)));
}

function required(c: unknown, n: number, what: string): string[] {
  const out = values(c, n, what);
  for (const v of out) if (v === undefined) bad(what);
  return out as string[];
}

function numbers(c: unknown, n: number, what: string): number[] {
  if (Array.isArray(c)) {
    if (c.length !== n) bad(what);
    return c.map((v) => (typeof v === 'number' ? v : bad(what)));
  }
  return required(c, n, what).map(Number);
}

/** A list whose length is not stored: "" is the empty list. */
function list(c: unknown, what: string): string[] {
  if (typeof c === 'string') return c === '' ? [] : c.split('\n');
  return required(c, Array.isArray(c) ? c.length : -1, what);
}

/** Whether a recorded scope is format 2. */
export function isPacked(scope: unknown): scope is PackedScope {
  return typeof scope === 'object' && scope !== null && (scope as { format?: unknown }).format === 2;
}

/** Format 2 of `s` (see {@link unpackScope}: `unpackScope(packScope(s))` equals `s`). */
export function packScope(s: RecallScope): PackedScope {
  const paths: string[] = [];
  for (const l of s.lots) if (l.path) for (const x of l.path) paths.push(x);
  const col = <T>(rows: readonly T[], f: (r: T) => string | undefined) => column(rows.map(f));
  return {
    format: 2,
    suspectLots: [...s.suspectLots],
    attributedUnit: s.attributedUnit,
    counts: { ...s.counts },
    lots: {
      lotId: col(s.lots, (l) => l.lotId),
      productId: col(s.lots, (l) => l.productId),
      depth: numberColumn(s.lots.map((l) => l.depth)),
      attributed: col(s.lots, (l) => l.attributed),
      supplierId: col(s.lots, (l) => l.supplierId),
      supplierLotNumber: col(s.lots, (l) => l.supplierLotNumber),
      expiry: col(s.lots, (l) => l.expiry),
      pathLength: col(s.lots, (l) => (l.path ? String(l.path.length) : undefined)),
      path: column(paths),
    },
    deliveries: {
      shipmentId: col(s.deliveries, (d) => d.shipmentId),
      lineNo: numberColumn(s.deliveries.map((d) => d.lineNo)),
      lotId: col(s.deliveries, (d) => d.lotId),
      productId: col(s.deliveries, (d) => d.productId),
      customerId: col(s.deliveries, (d) => d.customerId),
      quantity: col(s.deliveries, (d) => d.quantity),
      unit: col(s.deliveries, (d) => d.unit),
      shippedAt: col(s.deliveries, (d) => d.shippedAt),
      attributed: col(s.deliveries, (d) => d.attributed),
    },
    customers: s.customers.map((c) => ({ ...c, lots: column(c.lots) })),
    onHand: {
      lotId: col(s.onHand, (o) => o.lotId),
      productId: col(s.onHand, (o) => o.productId),
      locationId: col(s.onHand, (o) => o.locationId),
      quantity: col(s.onHand, (o) => o.quantity),
      unit: col(s.onHand, (o) => o.unit),
    },
  };
}

/**
 * The recorded scope as a {@link RecallScope}, whichever format it was written in (format 1 is returned as
 * it was stored). Fresh objects: the caller may change them.
 */
export function unpackScope(scope: unknown): RecallScope {
  if (!isPacked(scope)) return scope as RecallScope;
  const p = scope as PackedScope;
  const counts = p.counts;
  const nl = counts.lots;
  const L = p.lots;
  const lotId = required(L.lotId, nl, 'lots.lotId');
  const productId = required(L.productId, nl, 'lots.productId');
  const depth = numbers(L.depth, nl, 'lots.depth');
  const attributed = required(L.attributed, nl, 'lots.attributed');
  const supplierId = values(L.supplierId, nl, 'lots.supplierId');
  const supplierLot = values(L.supplierLotNumber, nl, 'lots.supplierLotNumber');
  const expiry = values(L.expiry, nl, 'lots.expiry');
  const pathLength = values(L.pathLength, nl, 'lots.pathLength');
  const path = list(L.path, 'lots.path');
  const lots = new Array<ScopeLot>(nl);
  let at = 0;
  for (let i = 0; i < nl; i++) {
    const l: ScopeLot = {
      lotId: lotId[i]!,
      productId: productId[i]!,
      depth: depth[i]!,
      attributed: attributed[i]!,
    };
    const len = pathLength[i];
    if (len !== undefined) {
      const k = Number(len);
      if (!Number.isSafeInteger(k) || k < 0 || at + k > path.length) bad('lots.pathLength');
      l.path = path.slice(at, at + k);
      at += k;
    }
    if (supplierId[i] !== undefined) l.supplierId = supplierId[i];
    if (supplierLot[i] !== undefined) l.supplierLotNumber = supplierLot[i];
    if (expiry[i] !== undefined) l.expiry = expiry[i];
    lots[i] = l;
  }
  if (at !== path.length) bad('lots.path');
  const nd = counts.deliveries;
  const D = p.deliveries;
  const dcol = (k: keyof ScopeDelivery) => required(D[k], nd, `deliveries.${k}`);
  const [shipmentId, dLot, dProduct, customerId, quantity, unit, shippedAt, dAttr] = (
    ['shipmentId', 'lotId', 'productId', 'customerId', 'quantity', 'unit', 'shippedAt', 'attributed'] as const
  ).map(dcol) as string[][];
  const lineNo = numbers(D.lineNo, nd, 'deliveries.lineNo');
  const deliveries = new Array<ScopeDelivery>(nd);
  for (let i = 0; i < nd; i++)
    deliveries[i] = {
      shipmentId: shipmentId![i]!,
      lineNo: lineNo[i]!,
      lotId: dLot![i]!,
      productId: dProduct![i]!,
      customerId: customerId![i]!,
      quantity: quantity![i]!,
      unit: unit![i]!,
      shippedAt: shippedAt![i]!,
      attributed: dAttr![i]!,
    };
  const no = counts.onHandBalances;
  const O = p.onHand;
  const ocol = (k: keyof PackedScope['onHand']) => required(O[k], no, `onHand.${k}`);
  const [oLot, oProduct, oLocation, oQuantity, oUnit] = (
    ['lotId', 'productId', 'locationId', 'quantity', 'unit'] as const
  ).map(ocol) as string[][];
  const onHand = new Array<RecallScope['onHand'][number]>(no);
  for (let i = 0; i < no; i++)
    onHand[i] = {
      lotId: oLot![i]!,
      productId: oProduct![i]!,
      locationId: oLocation![i]!,
      quantity: oQuantity![i]!,
      unit: oUnit![i]!,
    };
  const customers: ScopeCustomer[] = p.customers.map((c, i) => ({
    ...c,
    contacts: c.contacts.map((x) => ({ ...x })),
    lots: list(c.lots, `customers.${i}.lots`),
    quantities: c.quantities.map((q) => ({ ...q })),
  }));
  if (customers.length !== counts.customers) bad('customers');
  return {
    suspectLots: [...p.suspectLots],
    attributedUnit: p.attributedUnit,
    lots,
    deliveries,
    customers,
    onHand,
    counts: { ...counts },
  };
}

/** The lots with stock on hand in a recorded scope (either format), in its order. */
export function onHandLotsOf(scope: Json): string[] {
  if (!isPacked(scope)) return (scope as unknown as RecallScope).onHand.map((o) => o.lotId);
  return required(scope.onHand.lotId, scope.counts.onHandBalances, 'onHand.lotId');
}
