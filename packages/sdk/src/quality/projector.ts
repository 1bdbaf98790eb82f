import type { EventPayloads, Json, StoredEvent } from '../ledger/events.js';
import type { Projection, Projectors } from '../projection/types.js';
import type { AuxRecord, DocumentRecord, HoldRecord, TestResultRecord } from '../store/port.js';
import { fromBase64 } from './commands.js';
import { SPEC } from './schemas.js';

function project(e: StoredEvent, _ctx: unknown, out: Projection): void {
  const c = projectQuality(e.type as Parameters<typeof projectQuality>[0], e.payload as unknown, e);
  for (const x of Array.isArray(c) ? c : [c]) out.changes.push(x);
}

/** The quality feature's projectors. */
export const qualityProjectors: Projectors = {
  specDefined: project,
  tested: project,
  qualityDecided: project,
  documentAttached: project,
};

/** Projection of the quality events. */
export function projectQuality(
  type: 'specDefined' | 'tested' | 'qualityDecided' | 'documentAttached',
  payload: unknown,
  e: { seq: number; eventTime: string },
):
  | { type: 'putRecord'; record: AuxRecord }
  | { type: 'putTestResult'; result: TestResultRecord }
  | { type: 'putDocument'; document: DocumentRecord }
  | { type: 'putHold'; hold: HoldRecord }
  | ({ type: 'putRecord'; record: AuxRecord } | { type: 'putHold'; hold: HoldRecord })[] {
  if (type === 'specDefined') {
    const p = payload as EventPayloads['specDefined'];
    return {
      type: 'putRecord',
      record: { collection: SPEC, id: p.productId, value: { tests: p.tests } as unknown as Json, seq: e.seq },
    };
  }
  if (type === 'tested') {
    const p = payload as EventPayloads['tested'];
    const { resultId, ...rest } = p;
    return { type: 'putTestResult', result: { id: resultId, ...rest, seq: e.seq } as TestResultRecord };
  }
  if (type === 'documentAttached') {
    const p = payload as EventPayloads['documentAttached'];
    const { documentId, contentBase64, ...rest } = p;
    const doc: DocumentRecord = { id: documentId, ...rest, attachedAt: e.eventTime, seq: e.seq };
    if (contentBase64 !== undefined) doc.content = fromBase64(contentBase64);
    return { type: 'putDocument', document: doc };
  }
  const p = payload as EventPayloads['qualityDecided'];
  const out: ({ type: 'putRecord'; record: AuxRecord } | { type: 'putHold'; hold: HoldRecord })[] = [
    {
      type: 'putRecord',
      record: {
        collection: 'qualityDecision',
        id: p.lotId,
        value: {
          decision: p.decision,
          approver: p.approver,
          at: e.eventTime,
          override: p.override,
          ...(p.note !== undefined ? { note: p.note } : {}),
        },
        seq: e.seq,
      },
    },
  ];
  for (const h of p.liftedHolds as unknown as HoldRecord[])
    out.push({
      type: 'putHold',
      hold: { ...h, status: 'released', releasedAt: e.eventTime, releasedSeq: e.seq },
    });
  return out;
}
