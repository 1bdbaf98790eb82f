/**
 * The ERP push: ledger events → lots, goods movements and holds in the ERP, as a checkpointed run
 * ({@link pushToErp}) or one event per outbox message ({@link erpPushSender}).
 *
 * @module
 */
import type { EventPayloads, Lotgraph, StoredEvent } from '@lotgraph/sdk';
import { z } from 'zod';
import { checkMessage, DeliveryError, type OutboxMessage, parseWith } from '../message.js';
import type { CheckpointStore, ErpConnector } from './contract.js';
import { Fn, progress, type SyncConflict, SyncOptionsSchema, type SyncProgress } from './engine.js';

/** Options of {@link pushToErp}. */
export interface PushOptions {
  checkpoints: CheckpointStore;
  /** lotgraph product id → ERP material (default: the same string). */
  materialFor?: (productId: string) => string | undefined;
  /** lotgraph location id → ERP storage location (default: the same string). */
  storageLocationFor?: (locationId: string) => string | undefined;
  /** Events per read (default 500). */
  chunk?: number;
  onProgress?: (p: SyncProgress) => void;
  onConflict?: (c: SyncConflict) => void;
}

/** How ledger ids map to ERP ids when pushing (see {@link PushOptions}). */
export type ErpPushMapping = Pick<PushOptions, 'materialFor' | 'storageLocationFor'>;

/**
 * Push one ledger event to the ERP. Returns `sent` (records pushed), or the conflicts found (a product
 * without an ERP material). Events the pull booked (`erp:{connector}:…` keys) are not echoed back.
 */
async function pushEvent(
  lg: Lotgraph,
  connector: ErpConnector,
  ev: StoredEvent,
  mapping: ErpPushMapping,
): Promise<{ sent: number; conflicts: SyncConflict[] }> {
  const conflicts: SyncConflict[] = [];
  let sent = 0;
  if (ev.idempotencyKey.startsWith(`erp:${connector.name}:`)) return { sent, conflicts };
  const key = `lotgraph:${ev.seq}`;
  const materialFor = mapping.materialFor ?? ((x: string) => x);
  const slocFor = mapping.storageLocationFor ?? ((x: string) => x);
  const material = (productId: string) => {
    const m = materialFor(productId);
    if (!m)
      conflicts.push({
        stream: 'push',
        key,
        reason: 'unknownProduct',
        message: `no ERP material for product "${productId}"`,
      });
    return m;
  };
  const move = async (
    kind: 'receipt' | 'issue',
    lotId: string,
    productId: string,
    locationId: string,
    quantity: string,
    part: number,
  ) => {
    const mat = material(productId);
    const sloc = slocFor(locationId);
    if (!mat || !connector.pushMovement) return;
    if (!sloc) {
      conflicts.push({
        stream: 'push',
        key,
        reason: 'unknownLocation',
        message: `no ERP storage location for "${locationId}"`,
      });
      return;
    }
    const product = await lg.store.getProduct(productId);
    await connector.pushMovement({
      key: `${key}:${part}`,
      kind,
      material: mat,
      batch: lotId,
      location: sloc,
      quantity: quantity.replace(/^-/, ''),
      unit: product?.unit ?? '',
      postedAt: ev.eventTime.slice(0, 10),
    });
    sent++;
  };
  const newLot = async (lotId: string, productId: string) => {
    const mat = material(productId);
    if (!mat || !connector.pushLot) return;
    const lot = await lg.store.getLot(lotId);
    await connector.pushLot({
      key,
      material: mat,
      batch: lotId,
      ...(lot?.expiry ? { expiry: lot.expiry } : {}),
      ...(lot?.productionDate ? { productionDate: lot.productionDate } : {}),
      ...(lot?.supplierLotNumber ? { supplierBatch: lot.supplierLotNumber } : {}),
    });
    sent++;
  };
  const pl = ev.payload as unknown;
  switch (ev.type) {
    case 'received': {
      const r = pl as EventPayloads['received'];
      if (r.newLot) await newLot(r.lot.id, r.lot.productId);
      await move('receipt', r.lot.id, r.lot.productId, r.locationId, r.quantity, 0);
      break;
    }
    case 'produced': {
      const r = pl as EventPayloads['produced'];
      for (const out of r.outputs) if (out.newLot) await newLot(out.lot.id, out.lot.productId);
      break;
    }
    case 'adjusted': {
      const r = pl as EventPayloads['adjusted'];
      await move(
        r.delta.startsWith('-') ? 'issue' : 'receipt',
        r.lotId,
        r.productId,
        r.locationId,
        r.delta,
        0,
      );
      break;
    }
    case 'shipped': {
      const r = pl as EventPayloads['shipped'];
      for (const l of r.lines) await move('issue', l.lotId, l.productId, l.locationId, l.quantity, l.lineNo);
      break;
    }
    case 'held':
    case 'released': {
      const r = pl as EventPayloads['held'];
      const lot = await lg.store.getLot(r.lotId);
      const mat = lot ? material(lot.productId) : undefined;
      if (mat && connector.pushHold) {
        await connector.pushHold({ key, material: mat, batch: r.lotId, held: ev.type === 'held' });
        sent++;
      }
      break;
    }
    default:
      break;
  }
  return { sent, conflicts };
}

const PushMapping = {
  materialFor: Fn.optional(),
  storageLocationFor: Fn.optional(),
};

/**
 * Push ledger events after the push checkpoint to the ERP: new lots (`received` / `produced` outputs)
 * as batch masters, stock changes (`received`, `adjusted`, `shipped`) as goods movements, holds and
 * releases as the batch's hold flag. Events the pull booked (`erp:{connector}:…` keys) are not echoed
 * back. The checkpoint (last seq) is saved after every event; each push carries the key `lotgraph:{seq}`.
 */
export async function pushToErp(
  lg: Lotgraph,
  connector: ErpConnector,
  options: PushOptions,
): Promise<SyncProgress & { conflictList: SyncConflict[] }> {
  parseWith(
    z.strictObject({
      checkpoints: SyncOptionsSchema.shape.checkpoints,
      ...PushMapping,
      chunk: z.number().int().min(1).max(10_000).optional(),
      onProgress: Fn.optional(),
      onConflict: Fn.optional(),
    }),
    options,
    'pushToErp',
  );
  const name = `${connector.name}:push`;
  const p = progress('push');
  const conflictList: SyncConflict[] = [];
  let seq = (await options.checkpoints.get(name))?.seq ?? 0;
  for (;;) {
    const events = await lg.store.readEvents(seq + 1, options.chunk ?? 500);
    if (events.length === 0) break;
    p.pages++;
    for (const ev of events) {
      p.records++;
      const r = await pushEvent(lg, connector, ev, options);
      for (const c of r.conflicts) {
        conflictList.push(c);
        p.conflicts++;
        options.onConflict?.(c);
      }
      if (r.sent > 0) p.applied++;
      else p.skipped++;
      seq = ev.seq;
      await options.checkpoints.set(name, { seq });
    }
    options.onProgress?.({ ...p });
  }
  return { ...p, conflictList };
}

/**
 * The ERP push as an outbox integration: `deliver({ key, topic: 'erp.push', payload: { seq } })` pushes
 * that ledger event (same mapping as {@link pushToErp}). A product without an ERP material is a
 * permanent failure; the connector's own `DeliveryError`s pass through.
 */
export function erpPushSender(
  lg: Lotgraph,
  connector: ErpConnector,
  mapping: ErpPushMapping = {},
): { deliver(message: OutboxMessage): Promise<void> } {
  parseWith(z.strictObject(PushMapping), mapping, 'erpPushSender');
  return {
    async deliver(message) {
      const m = checkMessage(message, 'erp.deliver');
      if (m.topic !== 'erp.push')
        throw new DeliveryError(connector.name, `unknown topic "${m.topic}"`, {
          retryable: false,
          key: m.key,
        });
      const seq = (m.payload as { seq?: unknown } | null)?.seq;
      if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1)
        throw new DeliveryError(connector.name, 'payload.seq: expected a ledger sequence number', {
          retryable: false,
          key: m.key,
        });
      const ev = await lg.store.getEvent(seq);
      if (!ev)
        throw new DeliveryError(connector.name, `event ${seq} does not exist`, {
          retryable: false,
          key: m.key,
        });
      const r = await pushEvent(lg, connector, ev, mapping);
      if (r.conflicts.length > 0)
        throw new DeliveryError(connector.name, r.conflicts.map((c) => c.message).join('; '), {
          retryable: false,
          key: m.key,
        });
    },
  };
}
