/**
 * The ERP sync engine. Pull: batch masters, then goods movements, page by page from the checkpoint; each
 * movement becomes a ledger command with the idempotency key `erp:{connector}:{movement key}`, so a rerun
 * (or a resume after a crash between pages) appends nothing twice. Push: ledger events after the push
 * checkpoint become lots / movements / holds in the ERP (`./push.ts`). Both report progress and conflicts.
 *
 * @module
 */
import { isLotgraphError, type Lotgraph, type LotgraphError } from '@lotgraph/sdk';
import { z } from 'zod';
import { DeliveryError, parseWith } from '../message.js';
import type { CheckpointStore, ErpBatch, ErpConnector, ErpMovement } from './contract.js';

/** Why an ERP record was not applied as it stood. */
export type ConflictReason =
  | 'unknownProduct'
  | 'unknownLocation'
  | 'expiryDiffers'
  | 'insufficientStock'
  | 'changedInErp'
  | 'refused';

/** One record the engine could not apply (it went on with the rest). */
export interface SyncConflict {
  stream: 'batches' | 'movements' | 'push';
  /** The ERP record's key (movement key, `material/batch`) or the ledger seq for the push stream. */
  key: string;
  reason: ConflictReason;
  message: string;
  /** The lotgraph error, when one was thrown. */
  code?: string;
}

/** Counts so far, reported after every page. */
export interface SyncProgress {
  stream: 'batches' | 'movements' | 'push';
  pages: number;
  records: number;
  /** Commands appended (pull) or records sent (push). */
  applied: number;
  /** Records already in the ledger under their idempotency key (a rerun or a resumed page). */
  alreadyApplied: number;
  /** Records with nothing to do (no batch, an echo of our own push …). */
  skipped: number;
  conflicts: number;
}

/** What a sync run did. */
export interface SyncReport {
  batches: SyncProgress;
  movements: SyncProgress;
  conflicts: SyncConflict[];
}

/** Options of {@link syncFromErp}. */
export interface SyncOptions {
  checkpoints: CheckpointStore;
  /** ERP material → lotgraph product id (default: the same string); undefined → conflict `unknownProduct`. */
  productFor?: (material: string) => string | undefined;
  /** ERP storage location → lotgraph location id (default: the same string). */
  locationFor?: (location: string) => string | undefined;
  /** ERP supplier → lotgraph party id (default: left out of the receipt). */
  supplierFor?: (supplier: string) => string | undefined;
  /** Lot id for an ERP batch (default `{batch}`; SAP batches are unique per material, so pick `{material}-{batch}` if yours are not). */
  lotIdFor?: (material: string, batch: string) => string;
  /** Reason code of issues booked as `adjust` (default `ERP-{movementType}`). */
  issueReason?: (m: ErpMovement) => string;
  onProgress?: (p: SyncProgress) => void;
  onConflict?: (c: SyncConflict) => void;
}

export const Fn = z.custom<(...a: never[]) => unknown>((v) => typeof v === 'function', {
  message: 'expected a function',
});
export const SyncOptionsSchema = z.strictObject({
  checkpoints: z.custom<CheckpointStore>(
    (v) =>
      typeof (v as CheckpointStore)?.get === 'function' && typeof (v as CheckpointStore)?.set === 'function',
    {
      message: 'expected a CheckpointStore',
    },
  ),
  productFor: Fn.optional(),
  locationFor: Fn.optional(),
  supplierFor: Fn.optional(),
  lotIdFor: Fn.optional(),
  issueReason: Fn.optional(),
  onProgress: Fn.optional(),
  onConflict: Fn.optional(),
});

export const progress = (stream: SyncProgress['stream']): SyncProgress => ({
  stream,
  pages: 0,
  records: 0,
  applied: 0,
  alreadyApplied: 0,
  skipped: 0,
  conflicts: 0,
});

const reasonOf = (e: LotgraphError): ConflictReason =>
  e.code === 'INSUFFICIENT_STOCK'
    ? 'insufficientStock'
    : e.code === 'IDEMPOTENCY_MISMATCH'
      ? 'changedInErp'
      : e.code === 'PRODUCT_NOT_FOUND'
        ? 'unknownProduct'
        : e.code === 'LOCATION_NOT_FOUND'
          ? 'unknownLocation'
          : 'refused';

/**
 * Pull batch masters and goods movements from an ERP into the ledger. Resumable: the checkpoint of each
 * stream is saved after every page (the next-page link) and at the end (the high-water mark); a run that
 * stopped half-way continues from the page it had reached. Errors of the ERP (`DeliveryError`) stop the
 * run and propagate — the checkpoint stays at the last completed page; a record the ledger refuses is
 * reported as a conflict and the run goes on.
 *
 * @example
 * ```ts
 * const report = await syncFromErp(lg, sapConnector({ baseUrl, plant: '1010' }), {
 *   checkpoints: fileCheckpointStore('./erp-sync.json'), locationFor: (sloc) => `WH-${sloc}` });
 * ```
 */
export async function syncFromErp(
  lg: Lotgraph,
  connector: ErpConnector,
  options: SyncOptions,
): Promise<SyncReport> {
  parseWith(SyncOptionsSchema, options, 'syncFromErp');
  const o = options;
  const productFor = o.productFor ?? ((m: string) => m);
  const locationFor = o.locationFor ?? ((l: string) => l);
  const lotIdFor = o.lotIdFor ?? ((_m: string, b: string) => b);
  const conflicts: SyncConflict[] = [];
  const report: SyncReport = { batches: progress('batches'), movements: progress('movements'), conflicts };
  const conflict = (p: SyncProgress, c: SyncConflict) => {
    conflicts.push(c);
    p.conflicts++;
    o.onConflict?.(c);
  };
  const masters = new Map<string, ErpBatch>();
  const mkey = (material: string, batch: string) => `${material}\u0000${batch}`;

  // ── batch masters: remember them for receipts; compare with lots that already exist ──
  await pages(
    connector.name,
    'batches',
    o.checkpoints,
    (c) => connector.pullBatches(c),
    report.batches,
    o.onProgress,
    async (b) => {
      masters.set(mkey(b.material, b.batch), b);
      const lot = await lg.store.getLot(lotIdFor(b.material, b.batch));
      if (!lot) {
        report.batches.skipped++;
        return;
      }
      if (b.expiry !== undefined && lot.expiry !== undefined && b.expiry !== lot.expiry)
        conflict(report.batches, {
          stream: 'batches',
          key: `${b.material}/${b.batch}`,
          reason: 'expiryDiffers',
          message: `lot "${lot.id}" expires ${lot.expiry} in lotgraph but ${b.expiry} in ${connector.name}`,
        });
      else report.batches.alreadyApplied++;
    },
  );

  // ── goods movements → receive / adjust, each under a stable idempotency key ──
  await pages(
    connector.name,
    'movements',
    o.checkpoints,
    (c) => connector.pullMovements(c),
    report.movements,
    o.onProgress,
    async (m) => {
      const p = report.movements;
      const idempotencyKey = `erp:${connector.name}:${m.key}`;
      if (await lg.store.findEventByIdempotencyKey(idempotencyKey)) {
        p.alreadyApplied++;
        return;
      }
      const productId = productFor(m.material);
      if (!productId)
        return conflict(p, {
          stream: 'movements',
          key: m.key,
          reason: 'unknownProduct',
          message: `no product for material "${m.material}"`,
        });
      const locationId = locationFor(m.location);
      if (!locationId)
        return conflict(p, {
          stream: 'movements',
          key: m.key,
          reason: 'unknownLocation',
          message: `no location for "${m.location}"`,
        });
      const lotId = lotIdFor(m.material, m.batch);
      const eventTime = `${m.postedAt}T00:00:00Z`;
      try {
        if (m.kind === 'receipt') {
          let master = masters.get(mkey(m.material, m.batch));
          if (!master) {
            master = await connector.getBatch(m.material, m.batch, m.plant);
            if (master) masters.set(mkey(m.material, m.batch), master);
          }
          const supplier = m.supplier ?? master?.supplier;
          const supplierId = supplier !== undefined ? o.supplierFor?.(supplier) : undefined;
          await lg.receive({
            lotId,
            productId,
            locationId,
            quantity: m.quantity,
            ...(supplierId !== undefined ? { supplierId } : {}),
            ...(master?.supplierBatch !== undefined ? { supplierLotNumber: master.supplierBatch } : {}),
            ...(master?.expiry !== undefined ? { expiry: master.expiry } : {}),
            ...(master?.productionDate !== undefined ? { productionDate: master.productionDate } : {}),
            ...(master?.originCountry !== undefined && /^[A-Z]{2}$/.test(master.originCountry)
              ? { originCountry: master.originCountry }
              : {}),
            idempotencyKey,
            eventTime,
          });
        } else {
          await lg.adjust({
            lotId,
            locationId,
            delta: `-${m.quantity}`,
            reasonCode: o.issueReason?.(m) ?? `ERP-${m.movementType || 'ISSUE'}`,
            note: `${connector.name} ${m.key}`,
            idempotencyKey,
            eventTime,
          });
        }
        p.applied++;
      } catch (e) {
        if (!isLotgraphError(e) || e.code === 'STORE_UNAVAILABLE') throw e;
        conflict(p, {
          stream: 'movements',
          key: m.key,
          reason: reasonOf(e),
          message: e.message,
          code: e.code,
        });
      }
    },
  );
  return report;
}

/** Walk a stream's pages from its checkpoint, saving the checkpoint after every page. */
async function pages<T extends { changedAt: string }>(
  connector: string,
  stream: 'batches' | 'movements',
  checkpoints: CheckpointStore,
  pull: (c: { since?: string; page?: string }) => Promise<{ items: T[]; next?: string }>,
  p: SyncProgress,
  onProgress: ((p: SyncProgress) => void) | undefined,
  apply: (item: T) => Promise<void>,
): Promise<void> {
  const name = `${connector}:${stream}`;
  const cp = (await checkpoints.get(name)) ?? {};
  const since = cp.since;
  let high = cp.since;
  let page = cp.page;
  for (;;) {
    const res = await pull({
      ...(since !== undefined ? { since } : {}),
      ...(page !== undefined ? { page } : {}),
    });
    p.pages++;
    for (const item of res.items) {
      p.records++;
      await apply(item);
      if (high === undefined || item.changedAt > high) high = item.changedAt;
    }
    if (res.next) {
      if (res.next === page)
        throw new DeliveryError(connector, `${stream}: the ERP answered the same next-page link twice`, {
          retryable: false,
        });
      page = res.next;
      // Mid-run: keep the old high-water mark with the page, so a resume re-reads nothing it need not.
      await checkpoints.set(name, { ...(since !== undefined ? { since } : {}), page });
    } else {
      await checkpoints.set(name, high !== undefined ? { since: high } : {});
      onProgress?.({ ...p });
      return;
    }
    onProgress?.({ ...p });
  }
}
