/**
 * The contract of a command — a leaf module: it imports nothing of the sdk but types, so every feature
 * folder can declare its commands without depending on the runner (Emmett's decider, without evolve:
 * projections live in each feature's `projector.ts`).
 *
 * @module
 */
import type { z } from 'zod';
import type { GenealogyIndex } from '../genealogy/genealogy-index.js';
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
  /** The genealogy index at the head the command is decided against (read only: traces, recall scopes). */
  index: GenealogyIndex;
  /** The clock of the lotgraph instance (UTC instant). */
  now(): string;
}

/** A command to run right after another one, in the same append (e.g. the holds of a real recall). */
export interface FollowUp {
  spec: CommandSpec<z.ZodType, EventType>;
  input: unknown;
}

/** A command: its input schema, the event type it appends, and the decision from input + state to payload. */
export interface CommandSpec<S extends z.ZodType, T extends EventType> {
  name: string;
  type: T;
  schema: S;
  decide(input: z.output<S>, ctx: DecideContext): Promise<EventPayloads[T]>;
  /**
   * Commands that must be appended together with this one, decided right after it against the same
   * view. `key` is this command's idempotency key (derive the follow-ups' keys from it).
   */
  followUps?(payload: EventPayloads[T], input: z.output<S>, key: string): FollowUp[];
  /**
   * The auxiliary records `decide` will look up with `getRecord` (collection and id): read with the
   * command's prefetch, in its first round trip, instead of one round trip each under the lock.
   */
  records?(input: z.output<S>): { collection: string; id: string }[];
}
