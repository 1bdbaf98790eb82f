/**
 * The registered projectors: every feature's, merged once. Adding a feature with events means adding its
 * projectors here (a test checks that every event type has exactly one).
 *
 * @module
 */
import { alertProjectors } from '../alerts/projector.js';
import { allocationProjectors } from '../allocation/projector.js';
import { coreProjectors } from '../commands/projector.js';
import type { StoredEvent } from '../ledger/events.js';
import { qualityProjectors } from '../quality/projector.js';
import { recallProjectors } from '../recall/projector.js';
import { serialProjectors } from '../serials/projector.js';
import { applyProjectors, mergeProjectors } from './project.js';
import type { Projection, ProjectionContext } from './types.js';

/** Every event type's projector. */
export const PROJECTORS = mergeProjectors([
  coreProjectors,
  allocationProjectors,
  qualityProjectors,
  recallProjectors,
  alertProjectors,
  serialProjectors,
]);

/** Project one event with the registered projectors. */
export function projectEvent(ctx: ProjectionContext, e: StoredEvent): Promise<Projection> {
  return applyProjectors(PROJECTORS, ctx, e);
}
