/** Projectors of the quality events: specifications, test results, decisions and documents. */
import type { StoredEvent } from '../ledger/events.js';
import type { Projection, Projectors } from '../projection/types.js';
import { projectQuality } from './quality.js';

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
