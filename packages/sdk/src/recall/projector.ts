import type { EventPayloads, Json, StoredEvent } from '../ledger/events.js';
import type { Projection, Projectors } from '../projection/types.js';
import type { AuxRecord } from '../store/port.js';
import { RECALL, RECALL_STEP, type RecallCase } from './schemas.js';

function project(e: StoredEvent, _ctx: unknown, out: Projection): void {
  out.changes.push({
    type: 'putRecord',
    record: projectRecall(e.type as Parameters<typeof projectRecall>[0], e.payload as unknown, e),
  });
}

/** The recall feature's projectors. */
export const recallProjectors: Projectors = {
  recallOpened: project,
  recallNotified: project,
  recallAcknowledged: project,
  recallClosed: project,
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
