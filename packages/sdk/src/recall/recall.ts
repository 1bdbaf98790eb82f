/**
 * Recall cases and mock recalls (drills): open with a computed scope, notify customers, record their
 * answers, close — every step a ledger event — and the evidence: timings against targets, effectiveness per
 * 21 CFR 7, mass balance of suspect and affected lots, as JSON, CSV and a PDF report.
 *
 * @module
 */
import { z } from 'zod';
import { holdCommand } from '../commands/hold.js';
import { CommandMeta } from '../commands/schemas.js';
import { fromSteps, toSteps } from '../domain/quantity.js';
import { Id, LIMITS, Name, NonNegativeDecimal, Note, Text } from '../domain/schemas.js';
import { ErrorCodes, fieldError, LotgraphError, notFound } from '../errors.js';
import type { CommandSpec, FollowUp } from '../ledger/command.js';
import type { EventPayloads, Json } from '../ledger/events.js';
import { type MassBalance, massBalances } from '../stock/mass-balance.js';
import type { AuxRecord, Store } from '../store/port.js';
import { computeScope, type RecallScope } from './scope.js';

const Decimal = NonNegativeDecimal;
const Meta = CommandMeta.shape;

/** Recall classification (FDA: I most serious … III least) and the effectiveness-check level (A–E). */
export const RecallOpenInput = z
  .strictObject({
    recallId: Id,
    lots: z.array(Id).min(1).max(LIMITS.items).optional(),
    supplierLotNumbers: z.array(Name).min(1).max(LIMITS.items).optional(),
    reason: Text(LIMITS.text),
    classification: z.enum(['I', 'II', 'III']),
    /** A drill (mock recall): same scope and evidence, no holds, no stock change, nothing sent. */
    drill: z.boolean().default(false),
    /** Effectiveness-check depth per 21 CFR 7.42: A = 100 % of consignees … E = none. */
    effectivenessLevel: z.enum(['A', 'B', 'C', 'D', 'E']).default('A'),
    /** Share of consignees to reach at level B (between C's 10 % and A's 100 %). Default 0.5. */
    levelBShare: z.number().min(0.1).max(1).default(0.5),
    /** Target time from opening to the customer list, in hours (default 4: BRCGS / IFS). */
    targetHours: z.number().positive().default(4),
    /** Mass-balance tolerance, as a fraction of the quantity in (default 0.005 = 0.5 %). */
    tolerance: z.number().min(0).max(1).default(0.005),
    ...Meta,
  })
  .refine((v) => (v.lots === undefined) !== (v.supplierLotNumbers === undefined), {
    path: ['lots'],
    message: 'give exactly one of lots or supplierLotNumbers',
  });
export type RecallOpenInput = z.input<typeof RecallOpenInput>;

export const RecallNotifyInput = z.strictObject({
  recallId: Id,
  customerId: Id,
  channel: z.enum(['email', 'phone', 'letter', 'edi', 'visit', 'other']),
  contact: Text(LIMITS.name, 0).optional(),
  note: Note.optional(),
  ...Meta,
});
export type RecallNotifyInput = z.input<typeof RecallNotifyInput>;

export const RecallAcknowledgeInput = z.strictObject({
  recallId: Id,
  customerId: Id,
  /** Per product: quantities (in the product's unit) the customer returned, destroyed, or still holds / sold. */
  quantities: z
    .array(
      z.strictObject({
        productId: Id,
        returned: Decimal.default('0'),
        destroyed: Decimal.default('0'),
        corrected: Decimal.default('0'),
      }),
    )
    .max(LIMITS.items)
    .default([]),
  note: Note.optional(),
  ...Meta,
});
export type RecallAcknowledgeInput = z.input<typeof RecallAcknowledgeInput>;

export const RecallCloseInput = z.strictObject({ recallId: Id, summary: Text(LIMITS.text), ...Meta });
export type RecallCloseInput = z.input<typeof RecallCloseInput>;

/** The stored header of a recall case (collection `recall`). */
export interface RecallCase {
  recallId: string;
  drill: boolean;
  reason: string;
  classification: 'I' | 'II' | 'III';
  effectivenessLevel: 'A' | 'B' | 'C' | 'D' | 'E';
  levelBShare: number;
  targetHours: number;
  tolerance: number;
  openedAt: string;
  openedSeq: number;
  scopeComputedAt: string;
  scopeMs: number;
  scope: RecallScope;
}

/** One step of a case (collection `recallStep`, key = recallId). */
export interface RecallStep {
  type: 'notified' | 'acknowledged' | 'closed';
  recallId: string;
  customerId?: string;
  channel?: string;
  contact?: string;
  note?: string;
  quantities?: { productId: string; returned: string; destroyed: string; corrected: string }[];
  summary?: string;
  at: string;
  seq: number;
}

export const RECALL = 'recall';
export const RECALL_STEP = 'recallStep';

async function requireCase(store: Store, recallId: string): Promise<RecallCase> {
  const r = await store.getRecord(RECALL, recallId);
  if (!r) throw notFound('recall', ['recallId'], recallId);
  return r.value as unknown as RecallCase;
}

async function requireOpen(store: Store, recallId: string): Promise<RecallCase> {
  const c = await requireCase(store, recallId);
  const steps = await store.listRecords(RECALL_STEP, { key: recallId });
  if (steps.some((s) => (s.value as { type?: string }).type === 'closed'))
    throw fieldError(['recallId'], `recall "${recallId}" is closed`, recallId);
  return c;
}

/** The `recallOpen` command, with the scope computed beforehand (it needs the genealogy index). */
/**
 * `recallOpen`: compute the scope from the genealogy index and the store at the head it is decided
 * against (affected lots, deliveries, customers, attributed quantities, stock on hand) and record the
 * case. A real recall places a `recall` hold on every affected lot still on hand in the same append
 * (follow-up `hold` commands); a drill places none.
 */
export const recallOpenCommand: CommandSpec<typeof RecallOpenInput, 'recallOpened'> = {
  name: 'recallOpen',
  type: 'recallOpened',
  schema: RecallOpenInput,
  async decide(input, { store, index, now }) {
    if (await store.getRecord(RECALL, input.recallId))
      throw fieldError(['recallId'], `recall "${input.recallId}" already exists`, input.recallId);
    const t0 = performance.now();
    let lots = input.lots ?? [];
    for (const [i, n] of (input.supplierLotNumbers ?? []).entries()) {
      const found = await store.listLots({ supplierLotNumber: n });
      if (found.length === 0)
        throw new LotgraphError(
          ErrorCodes.LOT_NOT_FOUND,
          `supplierLotNumbers.${i}: no lot with supplier lot number "${n}"`,
          { field: `supplierLotNumbers.${i}`, value: n },
        );
      lots = [...lots, ...found.map((l) => l.id)];
    }
    const scope = await computeScope(store, index, [...new Set(lots)]);
    return {
      recallId: input.recallId,
      drill: input.drill,
      reason: input.reason,
      classification: input.classification,
      effectivenessLevel: input.effectivenessLevel,
      levelBShare: input.levelBShare,
      targetHours: input.targetHours,
      tolerance: input.tolerance,
      scopeComputedAt: now(),
      scopeMs: performance.now() - t0,
      scope: scope as unknown as Json,
    };
  },
  followUps(payload, input, key) {
    if (input.drill) return [];
    const scope = payload.scope as unknown as RecallScope;
    return [...new Set(scope.onHand.map((s) => s.lotId))].map((lotId) => ({
      spec: holdCommand as unknown as FollowUp['spec'],
      input: {
        holdId: `${input.recallId}/${lotId}`,
        lotId,
        reasonCode: 'recall',
        note: `recall ${input.recallId}: ${input.reason}`.slice(0, 500),
        idempotencyKey: `${key}/hold/${lotId}`,
        ...(input.eventTime !== undefined ? { eventTime: input.eventTime } : {}),
      },
    }));
  },
};

export const recallNotifyCommand: CommandSpec<typeof RecallNotifyInput, 'recallNotified'> = {
  name: 'recallNotify',
  type: 'recallNotified',
  schema: RecallNotifyInput,
  async decide(input, { store }) {
    const c = await requireOpen(store, input.recallId);
    if (!c.scope.customers.some((x) => x.customerId === input.customerId))
      throw fieldError(
        ['customerId'],
        `customer "${input.customerId}" is not in the scope of this recall`,
        input.customerId,
      );
    const p: EventPayloads['recallNotified'] = {
      recallId: input.recallId,
      customerId: input.customerId,
      channel: input.channel,
    };
    if (c.drill) p.drill = true;
    if (input.contact !== undefined) p.contact = input.contact;
    if (input.note !== undefined) p.note = input.note;
    return p;
  },
};

export const recallAcknowledgeCommand: CommandSpec<typeof RecallAcknowledgeInput, 'recallAcknowledged'> = {
  name: 'recallAcknowledge',
  type: 'recallAcknowledged',
  schema: RecallAcknowledgeInput,
  async decide(input, { store }) {
    const c = await requireOpen(store, input.recallId);
    const cust = c.scope.customers.find((x) => x.customerId === input.customerId);
    if (!cust)
      throw fieldError(
        ['customerId'],
        `customer "${input.customerId}" is not in the scope of this recall`,
        input.customerId,
      );
    for (const [i, q] of input.quantities.entries()) {
      const received = cust.quantities.find((x) => x.productId === q.productId);
      if (!received)
        throw fieldError(
          ['quantities', i, 'productId'],
          `the customer received no affected "${q.productId}"`,
          q.productId,
        );
      const product = await store.getProduct(q.productId);
      const d = product?.decimals ?? 0;
      const steps = (v: string, f: string) => toSteps(v, d, ['quantities', i, f]);
      const accounted =
        steps(q.returned, 'returned') + steps(q.destroyed, 'destroyed') + steps(q.corrected, 'corrected');
      if (accounted > toSteps(received.quantity, d))
        throw fieldError(
          ['quantities', i],
          `accounts for more than the ${received.quantity} ${received.unit} the customer received`,
          fromSteps(accounted, d),
        );
    }
    const p: EventPayloads['recallAcknowledged'] = {
      recallId: input.recallId,
      customerId: input.customerId,
      quantities: input.quantities.map((q) => ({ ...q })),
    };
    if (c.drill) p.drill = true;
    if (input.note !== undefined) p.note = input.note;
    return p;
  },
};

export const recallCloseCommand: CommandSpec<typeof RecallCloseInput, 'recallClosed'> = {
  name: 'recallClose',
  type: 'recallClosed',
  schema: RecallCloseInput,
  async decide(input, { store }) {
    const c = await requireOpen(store, input.recallId);
    return { recallId: input.recallId, summary: input.summary, ...(c.drill ? { drill: true } : {}) };
  },
};

/** Projection of the recall events: the case header and one record per step. */
export function projectRecall(
  type: 'recallOpened' | 'recallNotified' | 'recallAcknowledged' | 'recallClosed',
  payload: unknown,
  e: { seq: number; eventTime: string },
): AuxRecord {
  if (type === 'recallOpened') {
    const p = payload as EventPayloads['recallOpened'];
    const value: Omit<RecallCase, 'scope'> & { scope: Json } = {
      ...p,
      openedAt: e.eventTime,
      openedSeq: e.seq,
    };
    return {
      collection: RECALL,
      id: p.recallId,
      key: p.drill ? 'drill' : 'recall',
      value: value as unknown as Json,
      seq: e.seq,
    };
  }
  const p = payload as { recallId: string } & Record<string, unknown>;
  const stepType =
    type === 'recallNotified' ? 'notified' : type === 'recallAcknowledged' ? 'acknowledged' : 'closed';
  const value = { ...p, type: stepType, at: e.eventTime, seq: e.seq };
  return {
    collection: RECALL_STEP,
    id: `${p.recallId}/${String(e.seq).padStart(12, '0')}`,
    key: p.recallId,
    value: value as unknown as Json,
    seq: e.seq,
  };
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

const hours = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 3_600_000;

/** Build the evidence document of a case (reads the case, its steps and the ledger for mass balances). */
export async function recallEvidence(store: Store, recallId: string): Promise<RecallEvidence> {
  const c = await requireCase(store, recallId);
  const steps = (await store.listRecords(RECALL_STEP, { key: recallId })).map(
    (r) => r.value as unknown as RecallStep,
  );
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
  for (const cu of c.scope.customers)
    for (const q of cu.quantities) {
      if (!decimals.has(q.productId)) {
        const p = await store.getProduct(q.productId);
        decimals.set(q.productId, p?.decimals ?? 0);
        units.set(q.productId, p?.unit ?? q.unit);
      }
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

  // Mass balance of every suspect and affected lot, in one pass over the ledger.
  const lotIds = c.scope.lots.map((l) => l.lotId);
  const suspects = new Set(c.scope.suspectLots);
  const balances = await massBalances(store, lotIds);
  const mb = balances.map((b) => {
    const d = (b.balance.split('.')[1] ?? '').length;
    const inSteps = toSteps(b.received, d) + toSteps(b.produced, d) + toSteps(b.returned, d);
    const varSteps = toSteps(b.balance.replace('-', ''), d);
    const variancePercent = inSteps === 0n ? 0 : (Number(varSteps) / Number(inSteps)) * 100;
    return {
      ...b,
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

/** The notification list: one row per customer and product. */
export function notificationCsv(e: RecallEvidence): string {
  const rows: (string | number | undefined)[][] = [];
  for (const c of e.scope.customers) {
    const contact = c.contacts[0];
    for (const q of c.quantities) {
      rows.push([
        e.recallId,
        e.drill ? 'DRILL' : 'RECALL',
        c.customerId,
        c.name,
        c.gln,
        contact?.name,
        contact?.email,
        contact?.phone,
        q.productId,
        q.quantity,
        q.unit,
        c.lots.join(' '),
        c.deliveries,
        c.firstShippedAt,
        c.lastShippedAt,
      ]);
    }
  }
  return toCsv(
    [
      'recall_id',
      'kind',
      'customer_id',
      'customer_name',
      'customer_gln',
      'contact_name',
      'contact_email',
      'contact_phone',
      'product_id',
      'quantity',
      'unit',
      'lots',
      'deliveries',
      'first_shipped_at',
      'last_shipped_at',
    ],
    rows,
  );
}

export type { MassBalance };
