/**
 * Bulk history import: a long (async) stream of commands — years of an ERP's receipts, productions and
 * shipments — appended in chunks, one transaction per chunk, with progress. Resumable: commands that carry
 * an idempotency key and were committed by an earlier, interrupted run are replayed, not appended again.
 *
 * @module
 */
import * as z from 'zod';
import { FunctionArg } from '../domain/args.js';
import { parseInput } from '../domain/validate.js';
import { fieldError, isLotgraphError, withBatchIndex } from '../errors.js';
import type { Store } from '../store/port.js';
import type { StoredEvent } from './events.js';
import type { BatchCommand } from './host.js';

/** Options of `lg.import`. */
export interface ImportOptions {
  /** Commands per transaction (default 500, at most 10,000). */
  chunk?: number;
  /** Called after every committed chunk. */
  onProgress?: (progress: ImportProgress) => void;
}

/** Where an import stands. */
export interface ImportProgress {
  /** Commands read from the source and committed (or found committed) so far. */
  commands: number;
  /** Commands appended by this run (replayed ones append nothing; a real recall's holds are not counted). */
  events: number;
  /** Commands already in the ledger (same idempotency key and input) that were skipped. */
  replayed: number;
  /** Chunks committed. */
  chunks: number;
}

const Options = z.strictObject({
  chunk: z.number().int().min(1).max(10_000).optional(),
  onProgress: FunctionArg.optional(),
});

function isIterable(v: unknown): v is Iterable<unknown> | AsyncIterable<unknown> {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return false;
  return (
    typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function' ||
    typeof (v as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/**
 * `lg.import(source, options)` — the way to migrate years of ERP history: an (async) iterable of commands
 * in the `batch` shape, appended in chunks of `chunk` (default 500) commands, one transaction each, with
 * `onProgress` after every chunk. Resumable after a crash: give every command a stable idempotency key
 * (e.g. the ERP document number) and run the same source again — committed commands are replayed, not
 * appended twice.
 *
 * @example
 * ```ts
 * async function* history() {
 *   for (let i = 0; i < 3; i++)
 *     yield { command: 'receive', input: { idempotencyKey: `GR-${i}`, lotId: `H-${i}`, productId: 'flour', locationId: 'WH', quantity: '10' } };
 * }
 * const p = await lg.import(history(), { chunk: 2, onProgress: (x) => console.log(x.commands) });
 * ```
 *
 * Run `source` through `batch` in chunks. A command that fails stops the import with its error, whose
 * `details.batchIndex` is the command's position in the source; everything before its chunk is
 * committed, nothing of its chunk is. Re-running the same source resumes (give every command a stable
 * idempotency key, e.g. the ERP document number).
 */
export async function importCommands(
  store: Store,
  batch: (commands: readonly BatchCommand[]) => Promise<StoredEvent[]>,
  source: Iterable<BatchCommand> | AsyncIterable<BatchCommand>,
  options: ImportOptions = {},
): Promise<ImportProgress> {
  if (!isIterable(source)) throw fieldError(['source'], 'must be an iterable or async iterable of commands');
  const o = parseInput(Options, options, 'import');
  const size = o.chunk ?? 500;
  const progress: ImportProgress = { commands: 0, events: 0, replayed: 0, chunks: 0 };
  let pending: BatchCommand[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const before = (await store.head()).seq;
    let results: StoredEvent[];
    try {
      results = await batch(pending);
    } catch (e) {
      if (!isLotgraphError(e)) throw e;
      const inChunk = typeof e.details.batchIndex === 'number' ? e.details.batchIndex : 0;
      throw withBatchIndex(e, progress.commands + inChunk);
    }
    const replayed = results.filter((r) => r.seq <= before).length;
    progress.commands += pending.length;
    progress.replayed += replayed;
    progress.events += results.length - replayed;
    progress.chunks++;
    pending = [];
    options.onProgress?.({ ...progress });
  };
  for await (const command of source as AsyncIterable<BatchCommand>) {
    pending.push(command);
    if (pending.length >= size) await flush();
  }
  await flush();
  return progress;
}
