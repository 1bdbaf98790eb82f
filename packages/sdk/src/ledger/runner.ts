import type { z } from 'zod';
import { toUtcInstant } from '../domain/dates.js';
import { parseInput } from '../domain/validate.js';
import { ErrorCodes, isLotgraphError, LotgraphError, withBatchIndex } from '../errors.js';
import type { GenealogyIndex } from '../genealogy/genealogy-index.js';
import { projectEvent } from '../projection/projectors.js';
import type { ProjectionContext } from '../projection/types.js';
import { OverlayStore } from '../store/overlay-store.js';
import type { ProjectionChange, Store, StoreHead } from '../store/port.js';
import { type MasterDataCache, prefetchedView, prefetchKeysOf } from '../store/prefetch.js';
import { memoiseReads } from '../store/read-memo.js';
import type { CommandSpec } from './command.js';
import type { EventOf, EventType, StoredEvent } from './events.js';
import { canonicalJson, hashEvent, jsonCopy, sha256Hex } from './hashing.js';

/** What the runner needs from the Lotgraph instance. */
export interface RunnerDeps {
  store: Store;
  index: GenealogyIndex;
  now: () => string;
  actor: string;
  /** Serialises commands of one instance (across processes the store's seq check does). */
  lock: <R>(fn: () => Promise<R>) => Promise<R>;
  maxAttempts?: number;
  /** Master data kept by this instance between commands (stores that report `masterSeq` and `prefetch`). */
  master?: MasterDataCache;
}

/** A read-through context for projection that looks products and lots up in the store. */
export function storeProjectionContext(store: Store): ProjectionContext {
  return { product: (id) => store.getProduct(id), lot: (id) => store.getLot(id) };
}

function randomKey(): string {
  const c = globalThis.crypto as Crypto & { randomUUID?: () => string };
  if (c.randomUUID) return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** A validated command, ready to decide: its spec, parsed input, key and request hash. */
export interface PreparedCommand {
  spec: CommandSpec<z.ZodType, EventType>;
  input: z.output<z.ZodType> & { idempotencyKey?: string; eventTime?: string; actor?: string };
  key: string;
  requestHash: string;
}

/** Validate a command input and compute its request hash (outside any lock). */
export async function prepareCommand<S extends z.ZodType, T extends EventType>(
  spec: CommandSpec<S, T>,
  raw: unknown,
): Promise<PreparedCommand> {
  const input = parseInput(spec.schema, raw, spec.name) as PreparedCommand['input'];
  const { idempotencyKey, ...rest } = input;
  const requestHash = await sha256Hex(canonicalJson({ command: spec.name, input: rest }));
  return {
    spec: spec as unknown as PreparedCommand['spec'],
    input,
    key: idempotencyKey ?? randomKey(),
    requestHash,
  };
}

/** Decide one prepared command against `view` at the given tip: the hashed event (not yet stored). */
async function decideEvent(
  deps: RunnerDeps,
  p: PreparedCommand,
  view: Store,
  tip: StoreHead,
): Promise<{ payload: unknown; event: StoredEvent }> {
  const eventTime = toUtcInstant(p.input.eventTime ?? deps.now());
  const payload = await p.spec.decide(p.input, {
    store: view,
    eventTime,
    day: eventTime.slice(0, 10),
    head: tip,
    index: deps.index,
    now: () => toUtcInstant(deps.now()),
  });
  return { payload, event: await hashed(deps, p, eventTime, payload, tip) };
}

async function hashed(
  deps: RunnerDeps,
  p: PreparedCommand,
  eventTime: string,
  payload: unknown,
  tip: StoreHead,
): Promise<StoredEvent> {
  const body: Omit<StoredEvent, 'hash'> = {
    seq: tip.seq + 1,
    type: p.spec.type,
    eventTime,
    recordTime: toUtcInstant(deps.now()),
    actor: p.input.actor ?? deps.actor,
    idempotencyKey: p.key,
    requestHash: p.requestHash,
    payload: jsonCopy(payload) as StoredEvent['payload'],
    prevHash: tip.hash,
  };
  return { ...body, hash: await hashEvent(body) };
}

/**
 * Validate, decide, hash, project and append one command as one event in one store transaction;
 * retry on CONFLICT; return the stored event. Idempotent by key: a retry with the same key and the same
 * input returns the first event and appends nothing; the same key with another input → IDEMPOTENCY_MISMATCH.
 */
export async function runCommand<S extends z.ZodType, T extends EventType>(
  deps: RunnerDeps,
  spec: CommandSpec<S, T>,
  raw: unknown,
): Promise<EventOf<T>> {
  const [event] = await runBatch(deps, [await prepareCommand(spec, raw)]);
  return event as unknown as EventOf<T>;
}

/**
 * Run prepared commands as ONE store append (all or nothing): each is decided against the store plus the
 * events decided before it in the batch. Commands whose key is already stored (or earlier in the batch)
 * replay their first event. A failure of any command fails the batch (`details.batchIndex` names it).
 */
export async function runBatch(deps: RunnerDeps, prepared: PreparedCommand[]): Promise<StoredEvent[]> {
  return deps.lock(async () => {
    const attempts = deps.maxAttempts ?? 50;
    const store = deps.store;
    const locked = <R>(fn: (store: Store) => Promise<R>): Promise<R> =>
      store.withWriteLock ? store.withWriteLock(fn) : fn(store);
    const started = Date.now();
    let unavailable = 0;
    for (let attempt = 1; ; attempt++) {
      let outcome: Decided;
      try {
        // Decide and append inside the store's writer lock (when it has one): writers of several
        // processes then take turns, and the append below finds the head it decided against.
        // Everything inside reads and appends through the store as the lock sees it.
        outcome = await locked((s) => decideAndAppend(s === store ? deps : { ...deps, store: s }, prepared));
      } catch (e) {
        if (isLotgraphError(e, ErrorCodes.STORE_UNAVAILABLE) && Date.now() - started < UNAVAILABLE_RETRY_MS) {
          // The connection dropped: nothing committed, or it committed and the retry finds the event by
          // its idempotency key and returns it. Either way retrying is safe; back off while the database
          // comes back (a restart takes a few seconds).
          await sleep(Math.min(2000, 50 * 2 ** unavailable++) * (0.5 + Math.random()));
          continue;
        }
        if (isLotgraphError(e, ErrorCodes.CONFLICT) && attempt < attempts) {
          // Another writer committed first (a store without a writer lock, or one outside it). Retry at
          // once, then with a growing random pause so that busy processes stop colliding.
          if (attempt > 2) await sleep(Math.random() * Math.min(200, 2 ** attempt));
          continue;
        }
        throw e;
      }
      // Committed (the lock released, the transaction durable): now the index may show it.
      if (outcome.appended) {
        deps.index.applyCommitted(outcome.merged, outcome.tipSeq, outcome.events);
        deps.master?.noteAppended(outcome.head, outcome.changes, outcome.tipSeq);
      }
      return outcome.results;
    }
  });
}

interface Decided {
  results: StoredEvent[];
  /** The events appended (with follow-ups), in seq order. */
  events: StoredEvent[];
  appended: boolean;
  merged: ReturnType<ReturnType<GenealogyIndex['registry']['resolver']>['merged']>;
  tipSeq: number;
  /** The head decided against, and the projection changes appended on it. */
  head: StoreHead;
  changes: ProjectionChange[];
}

/** One attempt: read the head, decide every command against it, append (throws CONFLICT if it moved). */
async function decideAndAppend(deps: RunnerDeps, prepared: PreparedCommand[]): Promise<Decided> {
  const { head, view: base } = await readView(deps, prepared);
  await deps.index.syncTo(deps.store, head.seq);
  // A command with follow-ups appends several events: they need the overlay like a batch does.
  const single = prepared.length === 1 && !prepared[0]?.spec.followUps;
  const view = single ? base : new OverlayStore(base, head);
  const queue = [...prepared];
  // Follow-ups are appended with their command but are not results of their own (one result per command).
  const followUps = new Set<PreparedCommand>();
  const batchIndex = new Map(prepared.map((p, i) => [p, i] as const));
  const resolver = deps.index.registry.resolver();
  const results: StoredEvent[] = [];
  const events: StoredEvent[] = [];
  const changes: ProjectionChange[] = [];
  let tip = head;
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i] as PreparedCommand;
    try {
      const existing = await view.findEventByIdempotencyKey(p.key);
      if (existing) {
        if (!followUps.has(p)) results.push(replayed(existing, p.spec, p.requestHash, p.key));
        continue;
      }
      const { payload, event } = await decideEvent(deps, p, view, tip);
      if (p.spec.followUps) {
        const follow = p.spec.followUps(payload as never, p.input, p.key);
        const next = await Promise.all(follow.map((f) => prepareCommand(f.spec, f.input)));
        for (const n of next) {
          followUps.add(n);
          batchIndex.set(n, batchIndex.get(p) ?? i);
        }
        queue.splice(i + 1, 0, ...next);
      }
      const projected = await projectEvent(storeProjectionContext(view), event);
      const genealogy = resolver.resolve(projected.nodes, projected.edges, event.seq);
      const eventChanges = [...projected.changes, ...genealogy.changes];
      if (view instanceof OverlayStore) await view.stage(event, eventChanges);
      events.push(event);
      changes.push(...eventChanges);
      if (!followUps.has(p)) results.push(event);
      tip = { ...tip, seq: event.seq, hash: event.hash };
    } catch (e) {
      throw prepared.length > 1 && isLotgraphError(e) ? withBatchIndex(e, batchIndex.get(p) ?? i) : e;
    }
  }
  if (events.length > 0) await deps.store.append({ expectedSeq: head.seq, events, changes });
  return {
    results,
    events,
    appended: events.length > 0,
    merged: resolver.merged(),
    tipSeq: tip.seq,
    head,
    changes,
  };
}

/**
 * The head and the store as the commands of one attempt read it: point reads memoised (network stores),
 * and — for stores with `prefetch` — the head, everything the inputs name and master data (only when the
 * head's `masterSeq` moved past the instance's cached copy) fetched in one round trip up front.
 */
async function readView(
  deps: RunnerDeps,
  prepared: PreparedCommand[],
): Promise<{ head: StoreHead; view: Store }> {
  const store = deps.store;
  const base = store.memoiseReads ? memoiseReads(store) : store;
  if (!store.prefetch) return { head: await store.head(), view: base };
  const records = prepared.flatMap((p) => p.spec.records?.(p.input as never) ?? []);
  const keys = {
    ...prefetchKeysOf(
      prepared.map((p) => p.input),
      prepared.map((p) => p.key),
    ),
    ...(records.length > 0 ? { records } : {}),
  };
  const cache = deps.master?.supported ? deps.master : undefined;
  const data = await store.prefetch({ ...keys, master: cache !== undefined, masterUnless: cache?.seq });
  const head = data.head;
  if (cache === undefined) return { head, view: prefetchedView(base, keys, data, undefined) };
  if (head.masterSeq === undefined) {
    // The store keeps no master-data sequence: nothing can tell when a cached copy is stale.
    cache.supported = false;
    cache.clear();
    return { head, view: prefetchedView(base, keys, data, undefined) };
  }
  if (data.products !== undefined) cache.fill(head, data);
  return { head, view: prefetchedView(base, keys, data, cache.validFor(head) ? cache : undefined) };
}

/** How long a command keeps retrying while the store is unavailable before it reports STORE_UNAVAILABLE. */
const UNAVAILABLE_RETRY_MS = 20_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function replayed(
  existing: StoredEvent,
  spec: { name: string; type: EventType },
  requestHash: string,
  key: string,
): StoredEvent {
  if (existing.requestHash !== requestHash || existing.type !== spec.type) {
    throw new LotgraphError(
      ErrorCodes.IDEMPOTENCY_MISMATCH,
      `idempotencyKey "${key}" was already used for a different ${existing.type === spec.type ? 'input' : `command (${existing.type})`} at seq ${existing.seq}`,
      { field: 'idempotencyKey', idempotencyKey: key, seq: existing.seq },
    );
  }
  return existing;
}

/**
 * Validate and hash every command of a batch (concurrently: they are independent): an unknown command
 * name or a bad input fails the batch with `details.batchIndex` naming it.
 */
export async function prepareBatch(
  commands: readonly { command: unknown; input: unknown }[],
  specOf: (name: unknown) => CommandSpec<z.ZodType, EventType> | undefined,
): Promise<PreparedCommand[]> {
  const specs = commands.map((c, i) => {
    const spec = specOf(c.command);
    if (!spec)
      throw new LotgraphError(
        ErrorCodes.VALIDATION_FAILED,
        `${i}.command: unknown command "${String(c.command)}"`,
        {
          field: `${i}.command`,
          value: c.command,
          batchIndex: i,
        },
      );
    return spec;
  });
  const settled = await Promise.allSettled(specs.map((spec, i) => prepareCommand(spec, commands[i]?.input)));
  return settled.map((r, i) => {
    if (r.status === 'fulfilled') return r.value;
    throw r.reason instanceof LotgraphError ? withBatchIndex(r.reason, i) : r.reason;
  });
}
