/** Projectors of the recall events: each keeps the case record current. */
import type { StoredEvent } from '../ledger/events.js';
import type { Projection, Projectors } from '../projection/types.js';
import { projectRecall } from './recall.js';

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
