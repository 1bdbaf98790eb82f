/**
 * The contract of a command — a leaf module: it imports nothing of the sdk but types, so every feature
 * folder can declare its commands without depending on the runner (Emmett's decider, without evolve:
 * projections live in each feature's `projector.ts`).
 *
 * @module
 */
import type { z } from 'zod';
import type { Store, StoreHead } from '../store/port.js';
import type { EventPayloads, EventType } from './events.js';

/** Facts a command's decide step gets besides its input. */
export interface DecideContext {
  store: Store;
  /** The event time (UTC instant). */
  eventTime: string;
  /** The UTC day of the event time, `YYYY-MM-DD` (used for expiry checks). */
  day: string;
  head: StoreHead;
}

/** A command: its input schema, the event type it appends, and the decision from input + state to payload. */
export interface CommandSpec<S extends z.ZodType, T extends EventType> {
  name: string;
  type: T;
  schema: S;
  decide(input: z.output<S>, ctx: DecideContext): Promise<EventPayloads[T]>;
}
