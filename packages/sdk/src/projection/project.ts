/**
 * Running projectors: merge the projectors the features declare and apply the one that owns an event's
 * type. Imports no feature module — the registered list is `projection/projectors.ts`.
 *
 * @module
 */
import { ErrorCodes, LotgraphError } from '../errors.js';
import type { EventType, StoredEvent } from '../ledger/events.js';
import type { Projection, ProjectionContext, Projector, Projectors } from './types.js';

/** One map of projectors from the features' maps; an event type claimed twice is a programming error. */
export function mergeProjectors(list: readonly Projectors[]): Readonly<Record<string, Projector>> {
  const merged: Record<string, Projector> = {};
  for (const projectors of list) {
    for (const [type, projector] of Object.entries(projectors)) {
      if (merged[type])
        throw new LotgraphError(ErrorCodes.VALIDATION_FAILED, `two projectors for event type "${type}"`, {
          type,
        });
      if (projector) merged[type] = projector;
    }
  }
  return merged;
}

/**
 * Project one event into projection changes and genealogy refs with the projector of its type. Pure with
 * respect to the event: projectors read only product decimals and (for corrections) the current lot, so
 * replaying the ledger in order rebuilds exactly the projections the commands wrote.
 */
export async function applyProjectors(
  projectors: Readonly<Record<string, Projector>>,
  ctx: ProjectionContext,
  e: StoredEvent,
): Promise<Projection> {
  const out: Projection = { changes: [], nodes: [], edges: [] };
  const projector = Object.hasOwn(projectors, e.type) ? projectors[e.type] : undefined;
  if (!projector) {
    throw new LotgraphError(ErrorCodes.VALIDATION_FAILED, `unknown event type "${e.type as EventType}"`, {
      type: e.type,
    });
  }
  await projector(e, ctx, out);
  return out;
}
