/**
 * What a feature facade (`lg.stock`, `lg.trace`, `lg.recall`, …) may use of its Lotgraph instance — a leaf
 * contract, so the facades live in their feature folders without importing the class.
 *
 * @module
 */
import type { CommandEvent, CommandInputs, CommandName } from '../commands/registry.js';
import type { GenealogyIndex } from '../genealogy/genealogy-index.js';
import type { OneStepTrace } from '../genealogy/trace-types.js';
import type { Store } from '../store/port.js';
import type { StoredEvent } from './events.js';

/** One command of a batch: its name and input. */
export type BatchCommand = {
  [K in CommandName]: { command: K; input: CommandInputs[K] };
}[CommandName];

/** The instance's side of the facades. */
export interface LotgraphHost {
  readonly store: Store;
  readonly index: GenealogyIndex;
  /** Run `fn` in turn with the instance's commands and queries. */
  serial<R>(fn: () => Promise<R>): Promise<R>;
  /** Catch the genealogy index up with the store (inside `serial`). */
  syncUnlocked(): Promise<void>;
  /** Run one registered command. */
  command<K extends CommandName>(name: K, input: CommandInputs[K]): Promise<CommandEvent<K>>;
  /** The instance's clock (ISO instant). */
  now(): string;
  /** Run commands as one append. */
  batch(commands: readonly BatchCommand[]): Promise<StoredEvent[]>;
  /** One step back / forward of a lot. */
  oneStep(lotId: string): Promise<OneStepTrace>;
  /** Call `listener` after every commit this instance makes or syncs; returns the unsubscribe function. */
  onCommit(listener: () => void): () => void;
  /** Run `fn` when the instance closes (before the store is released). */
  onClose(fn: () => Promise<void>): void;
}
