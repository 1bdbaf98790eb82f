import { fromSteps, toSteps } from '../domain/quantity.js';
import type { Lot, Party, Product } from '../domain/schemas.js';
import { fieldError, notFound } from '../errors.js';
import type { GenealogyIndex } from '../genealogy/genealogy-index.js';
import { ensureMaster, env, useCatalogue } from '../genealogy/trace-build.js';
import type { EventPayloads } from '../ledger/events.js';
import { shippedSerials } from '../serials/queries.js';
import type { MassBalance } from '../stock/mass-balance.js';
import type { Store } from '../store/port.js';
import { type KnownStock, recallBalanceRows } from './balances.js';
import { projectRecall } from './projector.js';
import { RECALL, RECALL_STEP, type RecallCase, type RecallStep } from './schemas.js';
import type { RecallScope } from './scope.js';
import { isPacked, unpackScope } from './scope-codec.js';

export async function requireCase(store: Store, recallId: string): Promise<RecallCase> {
  const r = await store.getRecord(RECALL, recallId);
  if (!r) throw notFound('recall', ['recallId'], recallId);
  return caseOf(r.value);
}

/** A case record's value as a {@link RecallCase}: its scope as recorded, in either format. */
export function caseOf(value: unknown): RecallCase {
  const c = value as RecallCase;
  return isPacked(c.scope) ? { ...c, scope: unpackScope(c.scope) } : c;
}

export async function requireOpen(store: Store, recallId: string): Promise<RecallCase> {
  const c = await requireCase(store, recallId);
  const steps = await store.listRecords(RECALL_STEP, { key: recallId });
  if (steps.some((s) => (s.value as { type?: string }).type === 'closed'))
    throw fieldError(['recallId'], `recall "${recallId}" is closed`, recallId);
  return c;
}

/** Effectiveness and timing of a case, and the mass balances: everything an auditor asks for. */
export interface RecallEvidence {
  recallId: string;
  drill: boolean;
  classification: string;
  reason: string;
  status: 'open' | 'closed';
  timeline: {
    openedAt: string;
    scopeComputedAt: string;
    scopeMs: number;
    /** The customer list exists from the moment the scope is computed. */
    listProducedAt: string;
    firstNotificationAt?: string;
    lastNotificationAt?: string;
    closedAt?: string;
    /** Hours from opening to the customer list, and to closing (when closed). */
    hoursToList: number;
    hoursToClose?: number;
    targetHours: number;
    metTarget: boolean;
    /** FSMA 204: records to the FDA within 24 hours. */
    within24h: boolean;
  };
  effectiveness: {
    level: string;
    requiredShare: number;
    consignees: number;
    notified: number;
    acknowledged: number;
    consigneesReachedShare: number;
    quantityShipped: { productId: string; quantity: string; unit: string }[];
    quantityAccountedFor: { productId: string; quantity: string; unit: string }[];
    quantityAccountedShare: number;
    met: boolean;
  };
  massBalance: (MassBalance & { variancePercent: number; withinTolerance: boolean; suspect: boolean })[];
  tolerance: number;
  scope: RecallScope;
  steps: RecallStep[];
}

export const hours = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 3_600_000;

/** A case's `recallOpened` event, as the command that appended it returned it. */
export interface OpenedEvent {
  seq: number;
  eventTime: string;
  payload: EventPayloads['recallOpened'];
}

/**
 * Build the evidence document of a case: reads the case, its steps, and for the mass balances the
 * per-lot totals of `index`'s trace catalogue (when given, as current as the store, and filled) or the
 * ledger. With `opened` (the case's own event, just appended): the case is its projection rather than a
 * read of the record (a heavy recall's is megabytes), and the stock its scope recorded is the stock at the
 * event's seq (the event changes none), used when the mass balances are taken at that seq; and when `index`
 * is still at that seq, the evidence is the one as of the opening: no steps, balances at that seq, no read.
 */
export async function recallEvidence(
  store: Store,
  recallId: string,
  index?: GenealogyIndex,
  opened?: OpenedEvent,
): Promise<RecallEvidence> {
  const own = opened?.payload.recallId === recallId ? opened : undefined;
  // The index still at the case's own event: the evidence as of the opening, which has no steps yet (a step
  // names a case, so it comes after the event that opened it) — nothing to read.
  const atOpening = own !== undefined && index?.seq === own.seq;
  // The case and its steps at once (a network store overlaps the two reads).
  const [c, stepRecords] = await Promise.all([
    own ? caseOf(projectRecall('recallOpened', own.payload, own).value) : requireCase(store, recallId),
    atOpening ? [] : store.listRecords(RECALL_STEP, { key: recallId }),
  ]);
  const steps = stepRecords.map((r) => r.value as unknown as RecallStep);
  const notified = steps.filter((s) => s.type === 'notified');
  const acks = steps.filter((s) => s.type === 'acknowledged');
  const closed = steps.find((s) => s.type === 'closed');
  const consignees = c.scope.customers.length;
  const reached = new Set(notified.map((s) => s.customerId));
  const acknowledged = new Set(acks.map((s) => s.customerId));
  const required = { A: 1, B: c.levelBShare, C: 0.1, D: 0.02, E: 0 }[c.effectivenessLevel];

  // Quantities: shipped to consignees vs accounted for (returned + destroyed + corrected), per product.
  const decimals = new Map<string, number>();
  const units = new Map<string, string>();
  const unitOf = new Map<string, string>();
  for (const cu of c.scope.customers)
    for (const q of cu.quantities) if (!unitOf.has(q.productId)) unitOf.set(q.productId, q.unit);
  // The products from the trace catalogue's master-data cache once it is filled (caught up with the index),
  // else read at once (a network store overlaps the reads), not one round trip after another.
  const e = index
    ? await env(store, index, await useCatalogue(store, index, 'auto'))
    : { store, products: new Map<string, Product>(), parties: new Map<string, Party>() };
  await ensureMaster(e, unitOf.keys(), []);
  for (const [id, unit] of unitOf) {
    const product = e.products.get(id);
    decimals.set(id, product?.decimals ?? 0);
    units.set(id, product?.unit ?? unit);
  }
  const shipped = new Map<string, bigint>();
  for (const cu of c.scope.customers)
    for (const q of cu.quantities)
      shipped.set(
        q.productId,
        (shipped.get(q.productId) ?? 0n) + toSteps(q.quantity, decimals.get(q.productId) ?? 0),
      );
  // The latest acknowledgement of each customer counts (a customer may send updates).
  const latest = new Map<string, RecallStep>();
  for (const a of acks) latest.set(a.customerId!, a);
  const accounted = new Map<string, bigint>();
  for (const a of latest.values())
    for (const q of a.quantities ?? []) {
      const d = decimals.get(q.productId) ?? 0;
      const v = toSteps(q.returned, d) + toSteps(q.destroyed, d) + toSteps(q.corrected, d);
      accounted.set(q.productId, (accounted.get(q.productId) ?? 0n) + v);
    }
  let shippedBase = 0;
  let accountedBase = 0;
  for (const [pid, s] of shipped) {
    const d = decimals.get(pid) ?? 0;
    shippedBase += Number(s) / 10 ** d;
    accountedBase += Number(accounted.get(pid) ?? 0n) / 10 ** d;
  }
  const list = (m: Map<string, bigint>) =>
    [...shipped.keys()].sort().map((pid) => ({
      productId: pid,
      quantity: fromSteps(m.get(pid) ?? 0n, decimals.get(pid) ?? 0),
      unit: units.get(pid) ?? '',
    }));
  const consigneesReachedShare = consignees === 0 ? 1 : reached.size / consignees;
  const quantityAccountedShare = shippedBase === 0 ? 1 : accountedBase / shippedBase;

  // Mass balance of every suspect and affected lot: from per-lot totals, or in one pass over the ledger.
  const lotIds = c.scope.lots.map((l) => l.lotId);
  const suspects = new Set(c.scope.suspectLots);
  const known: KnownStock | undefined = own && { seq: own.seq, rows: c.scope.onHand };
  const balances = await recallBalanceRows(store, index, lotIds, 'auto', known);
  const mb = balances.rows.map((b, i): RecallEvidence['massBalance'][number] => {
    // From the totals' steps when the rows came from them (the same numbers their decimals spell).
    const d = balances.inSteps ? 0 : (b.balance.split('.')[1] ?? '').length;
    const inSteps =
      balances.inSteps?.[i] ?? toSteps(b.received, d) + toSteps(b.produced, d) + toSteps(b.returned, d);
    const varSteps = balances.absBalance?.[i] ?? toSteps(b.balance.replace('-', ''), d);
    const variancePercent = inSteps === 0n ? 0 : (Number(varSteps) / Number(inSteps)) * 100;
    // Written out rather than spread: one object shape for every row.
    return {
      lotId: b.lotId,
      productId: b.productId,
      unit: b.unit,
      received: b.received,
      produced: b.produced,
      returned: b.returned,
      consumed: b.consumed,
      shipped: b.shipped,
      adjusted: b.adjusted,
      onHand: b.onHand,
      balance: b.balance,
      variancePercent,
      withinTolerance: variancePercent <= c.tolerance * 100,
      suspect: suspects.has(b.lotId),
    };
  });

  const firstAt = notified[0]?.at;
  const lastAt = notified[notified.length - 1]?.at;
  const hoursToList = hours(c.openedAt, c.scopeComputedAt) < 0 ? 0 : hours(c.openedAt, c.scopeComputedAt);
  const timeline: RecallEvidence['timeline'] = {
    openedAt: c.openedAt,
    scopeComputedAt: c.scopeComputedAt,
    scopeMs: c.scopeMs,
    listProducedAt: c.scopeComputedAt,
    hoursToList,
    targetHours: c.targetHours,
    metTarget: hoursToList <= c.targetHours,
    within24h: hoursToList <= 24,
  };
  if (firstAt) timeline.firstNotificationAt = firstAt;
  if (lastAt) timeline.lastNotificationAt = lastAt;
  if (closed) {
    timeline.closedAt = closed.at;
    timeline.hoursToClose = hours(c.openedAt, closed.at);
  }
  return {
    recallId,
    drill: c.drill,
    classification: c.classification,
    reason: c.reason,
    status: closed ? 'closed' : 'open',
    timeline,
    effectiveness: {
      level: c.effectivenessLevel,
      requiredShare: required,
      consignees,
      notified: reached.size,
      acknowledged: acknowledged.size,
      consigneesReachedShare,
      quantityShipped: list(shipped),
      quantityAccountedFor: list(accounted),
      quantityAccountedShare,
      met: consigneesReachedShare >= required,
    },
    massBalance: mb,
    tolerance: c.tolerance,
    scope: c.scope,
    steps,
  };
}

/** RFC 4180 CSV, spreadsheet-safe: cells starting with = + - @ (or tab / CR) are prefixed with a quote. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | undefined)[])[],
): string {
  const cell = (v: string | number | undefined) => {
    let s = v === undefined ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** Master data the recall documents print next to ids: products (name, GTIN), parties (address), lots (dates). */
export interface RecallMasterData {
  products: ReadonlyMap<string, Product>;
  parties: ReadonlyMap<string, Party>;
  lots: ReadonlyMap<string, Lot>;
  /**
   * Serialised items shipped, by `${shipmentId}\0${lotId}` (GTIN + serial numbers), for the deliveries in
   * scope — only where serials were recorded (see `lg.serials`).
   */
  serials?: ReadonlyMap<string, { gtin: string; serials: string[] }>;
}

/** Read the master data of every product, party and lot a recall's documents mention. */
export async function recallMasterData(store: Store, e: RecallEvidence): Promise<RecallMasterData> {
  const lotIds = [
    ...new Set([...e.scope.lots.map((l) => l.lotId), ...e.scope.deliveries.map((d) => d.lotId)]),
  ];
  return {
    products: new Map((await store.listProducts()).map((p) => [p.id, p])),
    parties: new Map((await store.listParties()).map((p) => [p.id, p])),
    lots: new Map((await store.getLots(lotIds)).map((l) => [l.id, l])),
    serials: await shippedSerials(
      store,
      e.scope.deliveries.map((d) => d.shipmentId),
    ),
  };
}

/** One row of the notification list: one customer, one product, only that product's deliveries. */
export interface NotificationRow {
  customerId: string;
  customerName: string;
  customerGln?: string;
  customerAddress?: string;
  contact?: { name?: string; role?: string; email?: string; phone?: string };
  productId: string;
  productName: string;
  gtin?: string;
  /** Exact sum of the deliveries' quantities, in `unit`. */
  quantity: string;
  unit: string;
  deliveries: number;
  /** The lots of this product the customer received, each once, in delivery order. */
  lots: { lotId: string; bestBefore?: string; expiry?: string }[];
  firstShippedAt: string;
  lastShippedAt: string;
  /** The shipment lines behind the row. */
  lines: RecallScope['deliveries'];
  /** Serialised items of the row's lots the customer received (absent when none were recorded). */
  serials?: { lotId: string; gtin: string; serials: string[] }[];
}

/**
 * The notification list of a recall: one row per customer and product, from the scope's deliveries.
 * Customers in scope order, products by id. Without master data, product names are their ids.
 */
export function notificationList(
  e: RecallEvidence,
  master: Partial<RecallMasterData> = {},
): NotificationRow[] {
  const rows: NotificationRow[] = [];
  for (const c of e.scope.customers) {
    const byProduct = new Map<string, RecallScope['deliveries']>();
    for (const d of e.scope.deliveries)
      if (d.customerId === c.customerId)
        byProduct.set(d.productId, [...(byProduct.get(d.productId) ?? []), d]);
    const party = master.parties?.get(c.customerId);
    for (const productId of [...byProduct.keys()].sort()) {
      const lines = byProduct.get(productId)!;
      const p = master.products?.get(productId);
      // Quantities carry the product's decimals: sum them exactly at the widest scale present.
      const scale = Math.max(...lines.map((l) => (l.quantity.split('.')[1] ?? '').length));
      const sum = lines.reduce((a, l) => a + toSteps(l.quantity, scale), 0n);
      const lots: NotificationRow['lots'] = [];
      for (const l of lines) {
        if (lots.some((x) => x.lotId === l.lotId)) continue;
        const lot = master.lots?.get(l.lotId);
        lots.push({
          lotId: l.lotId,
          ...(lot?.bestBefore ? { bestBefore: lot.bestBefore } : {}),
          ...(lot?.expiry ? { expiry: lot.expiry } : {}),
        });
      }
      const times = lines.map((l) => l.shippedAt).sort();
      const row: NotificationRow = {
        customerId: c.customerId,
        customerName: c.name,
        productId,
        productName: p?.name ?? productId,
        quantity: fromSteps(sum, scale),
        unit: lines[0]!.unit,
        deliveries: lines.length,
        lots,
        firstShippedAt: times[0]!,
        lastShippedAt: times[times.length - 1]!,
        lines,
      };
      if (c.gln) row.customerGln = c.gln;
      if (party?.address) row.customerAddress = party.address;
      if (c.contacts[0]) row.contact = c.contacts[0];
      if (p?.gtin) row.gtin = p.gtin;
      const serials: NonNullable<NotificationRow['serials']> = [];
      const seen = new Set<string>();
      for (const l of lines) {
        const k = `${l.shipmentId}\u0000${l.lotId}`;
        const g = master.serials?.get(k);
        if (!g || seen.has(k)) continue;
        seen.add(k);
        const at = serials.find((x) => x.lotId === l.lotId && x.gtin === g.gtin);
        if (at) at.serials.push(...g.serials);
        else serials.push({ lotId: l.lotId, gtin: g.gtin, serials: [...g.serials] });
      }
      if (serials.length > 0) row.serials = serials;
      rows.push(row);
    }
  }
  return rows;
}

/** The columns of {@link notificationCsv}. */
export const NOTIFICATION_COLUMNS = [
  'recall_id',
  'kind',
  'customer_id',
  'customer_name',
  'customer_gln',
  'customer_address',
  'contact_name',
  'contact_email',
  'contact_phone',
  'product_id',
  'product_name',
  'gtin',
  'quantity',
  'unit',
  'deliveries',
  'lots',
  'best_before',
  'expiry',
  'first_shipped_at',
  'last_shipped_at',
  'serials',
] as const;

/** The notification list as CSV: one row per customer and product (see {@link notificationList}). */
export function notificationCsv(e: RecallEvidence, master: Partial<RecallMasterData> = {}): string {
  const dates = (xs: (string | undefined)[]) => [...new Set(xs.filter(Boolean))].sort().join(' ');
  return toCsv(
    NOTIFICATION_COLUMNS,
    notificationList(e, master).map((r) => [
      e.recallId,
      e.drill ? 'DRILL' : 'RECALL',
      r.customerId,
      r.customerName,
      r.customerGln,
      r.customerAddress,
      r.contact?.name,
      r.contact?.email,
      r.contact?.phone,
      r.productId,
      r.productName,
      r.gtin,
      r.quantity,
      r.unit,
      r.deliveries,
      r.lots.map((l) => l.lotId).join(' '),
      dates(r.lots.map((l) => l.bestBefore)),
      dates(r.lots.map((l) => l.expiry)),
      r.firstShippedAt,
      r.lastShippedAt,
      // GTIN-14 "/" serial, space-separated (a serial never holds a space: GS1 character set 82).
      (r.serials ?? []).flatMap((g) => g.serials.map((x) => `${g.gtin}/${x}`)).join(' '),
    ]),
  );
}

export type { MassBalance };
