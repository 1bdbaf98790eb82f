import * as z from 'zod';
import { alertsFacade } from './alerts/facade.js';
import type { EventHandler } from './alerts/webhook.js';
import { allocationFacade } from './allocation/facade.js';
import { shipmentOf } from './commands/queries.js';
import {
  COMMANDS,
  type CommandEvent,
  type CommandInputs,
  type CommandName,
  commandSpec,
} from './commands/registry.js';
import type {
  AdjustInput,
  CorrectInput,
  DefineLocationInput,
  DefinePartyInput,
  DefineProductInput,
  HoldInput,
  MergeInput,
  MoveInput,
  ProduceInput,
  ReceiveInput,
  ReleaseInput,
  RepackInput,
  ReturnInput,
  ShipInput,
  SplitInput,
} from './commands/schemas.js';
import { checkArgs, FunctionArg } from './domain/args.js';
import { BatchArgs } from './domain/query-schemas.js';
import type { Lot, Shipment } from './domain/schemas.js';
import { Id } from './domain/schemas.js';
import { parseInput } from './domain/validate.js';
import { ErrorCodes, LotgraphError } from './errors.js';
import { exportsFacade, importsFacade } from './exports/facade.js';
import { traceFacade } from './genealogy/facade.js';
import { GenealogyIndex, type GenealogySnapshot } from './genealogy/genealogy-index.js';
import type { CommandSpec } from './ledger/command.js';
import { EventEmitter } from './ledger/emitter.js';
import type { BatchCommand, LotgraphHost } from './ledger/host.js';
import { type ImportOptions, type ImportProgress, importCommands } from './ledger/import.js';
import { outboxFacade } from './outbox/facade.js';
import { documentsFacade, qualityFacade } from './quality/facade.js';
import { recallFacade } from './recall/facade.js';
import { serialsFacade, unitsFacade } from './serials/facade.js';
import { stockFacade } from './stock/facade.js';

export type { BatchCommand } from './ledger/host.js';

import { EVENT_TYPES, type EventOf, type EventType, type StoredEvent } from './ledger/events.js';
import { type RebuildProgress, rebuildProjections } from './ledger/rebuild.js';
import { prepareBatch, type RunnerDeps, runBatch, runCommand } from './ledger/runner.js';
import {
  assertVerified,
  type LedgerCheckpoint,
  type LedgerVerification,
  type VerifyLedgerOptions,
  verifyLedger,
} from './ledger/verify.js';
import { type LotgraphErrorContext, type LotgraphOptions, OpenOptions } from './lotgraph-options.js';
import type { Store } from './store/port.js';
import { MasterDataCache } from './store/prefetch.js';

/**
 * An open lotgraph: commands that append events, stock queries, and trace over the in-process genealogy
 * index. One instance per store per process; several processes may share a store (each catches up by seq).
 *
 * @example
 * ```ts
 * const lg = await Lotgraph.open({ store: new MemoryStore() });
 * await lg.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3 });
 * await lg.defineLocation({ id: 'WH', site: 'plant' });
 * await lg.receive({ lotId: 'F-1', productId: 'flour', locationId: 'WH', quantity: '500' });
 * const t = await lg.trace.forward('F-1');
 * ```
 */
export class Lotgraph {
  /** The store this instance reads and writes. */
  readonly store: Store;
  private readonly deps: RunnerDeps;
  private readonly index: GenealogyIndex;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly onError: LotgraphOptions['onError'];
  private readonly emitter: EventEmitter;
  private closed = false;

  /** What the feature facades (`lg.stock`, `lg.trace`, `lg.recall`…) may use of this instance. */
  private readonly host: LotgraphHost = (() => {
    const self = this;
    return {
      get store() {
        return self.store;
      },
      get index() {
        return self.index;
      },
      serial: <R>(fn: () => Promise<R>) => self.serial(fn),
      syncUnlocked: () => self.syncUnlocked(),
      command: <K extends CommandName>(name: K, input: CommandInputs[K]) => self.command(name, input),
      now: () => self.deps.now(),
      batch: (commands: readonly BatchCommand[]) => self.batch(commands),
      oneStep: (lotId: string) => self.trace.oneStep(lotId),
      onCommit: (listener: () => void) => self.emitter.on('*', () => listener()),
      onClose: (fn: () => Promise<void>) => {
        self.closers.push(fn);
      },
    };
  })();
  private readonly closers: (() => Promise<void>)[] = [];

  private constructor(store: Store, index: GenealogyIndex, options: LotgraphOptions) {
    this.store = store;
    this.index = index;
    this.onError = options.onError;
    this.emitter = new EventEmitter(
      store,
      () => this.index.seq,
      (e, ctx) => this.report(e, ctx),
    );
    const clock = options.clock ?? (() => new Date());
    this.deps = {
      store,
      index,
      actor: options.actor ?? 'system',
      now: () => {
        const t = clock();
        return typeof t === 'string' ? t : t.toISOString();
      },
      lock: (fn) => this.serial(fn),
      master: new MasterDataCache(),
    };
  }

  /**
   * Open a lotgraph over a store: loads the genealogy index from the store in streamed chunks (progress
   * via `onProgress`).
   *
   * @example
   * ```ts
   * const lg = await Lotgraph.open({ store: new MemoryStore(), onProgress: (p) => console.log(p.nodesLoaded) });
   * ```
   */
  static async open(options: LotgraphOptions): Promise<Lotgraph> {
    parseInput(OpenOptions, options, 'Lotgraph.open');
    const index = await GenealogyIndex.load(options.store, options.onProgress);
    const lg = new Lotgraph(options.store, index, options);
    if (options.follow && options.store.subscribe) {
      lg.unfollow = await options.store.subscribe((seq) => {
        if (seq > lg.index.seq && !lg.closed) lg.sync().catch((e) => lg.report(e, { source: 'follow' }));
      });
    }
    return lg;
  }

  private unfollow: (() => Promise<void>) | undefined;

  /** Hand a failure that must not fail a committed command to `onError` (which itself must not throw). */
  private report(error: unknown, context: LotgraphErrorContext): void {
    try {
      this.onError?.(error, context);
    } catch {
      // An error hook that throws has nowhere left to report to.
    }
  }

  private serial<R>(fn: () => Promise<R>): Promise<R> {
    if (this.closed)
      return Promise.reject(new LotgraphError(ErrorCodes.STORE_CLOSED, 'this lotgraph is closed'));
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Run one registered command: validate, decide, append, emit. */
  private async command<K extends CommandName>(name: K, input: CommandInputs[K]): Promise<CommandEvent<K>> {
    const ev = await runCommand(
      this.deps,
      COMMANDS[name] as unknown as CommandSpec<z.ZodType, EventType>,
      input,
    );
    await this.emit();
    return ev as unknown as CommandEvent<K>;
  }

  /** Define or update a product (its unit and decimals never change once defined). */
  defineProduct(input: DefineProductInput): Promise<EventOf<'productDefined'>> {
    return this.command('defineProduct', input);
  }
  /** Define or update a party (supplier / customer / own site). */
  defineParty(input: DefinePartyInput): Promise<EventOf<'partyDefined'>> {
    return this.command('defineParty', input);
  }
  /** Define or update a location. */
  defineLocation(input: DefineLocationInput): Promise<EventOf<'locationDefined'>> {
    return this.command('defineLocation', input);
  }

  /**
   * Goods receipt of a supplier lot, from fields or a GS1 scan string.
   *
   * @example
   * ```ts
   * await lg.receive({ scan: '(01)09506000134352(10)ABC123(17)261231(3103)012500', supplierId: 'mill', locationId: 'WH' });
   * ```
   */
  receive(input: ReceiveInput): Promise<EventOf<'received'>> {
    return this.command('receive', input);
  }
  /**
   * A production order: consumes input lots (partially) and creates output lots and by-products.
   *
   * @example
   * ```ts
   * await lg.produce({
   *   orderId: 'PO-1',
   *   inputs: [{ lotId: 'F-1', locationId: 'WH', quantity: '25' }],
   *   outputs: [{ lotId: 'B-1', productId: 'bread', locationId: 'WH', quantity: '40' }],
   * });
   * ```
   */
  produce(input: ProduceInput): Promise<EventOf<'produced'>> {
    return this.command('produce', input);
  }
  /** Move a quantity of a lot between locations. */
  move(input: MoveInput): Promise<EventOf<'moved'>> {
    return this.command('move', input);
  }
  /** Adjust stock (count correction or write-off) with a reason code. */
  adjust(input: AdjustInput): Promise<EventOf<'adjusted'>> {
    return this.command('adjust', input);
  }
  /** Split part of a lot into new lots (lineage kept). */
  split(input: SplitInput): Promise<EventOf<'transformed'>> {
    return this.command('split', input);
  }
  /** Merge lots of one product into one lot (lineage kept). */
  merge(input: MergeInput): Promise<EventOf<'transformed'>> {
    return this.command('merge', input);
  }
  /** Repack a quantity of a lot into a lot of a packaged product (lineage kept). */
  repack(input: RepackInput): Promise<EventOf<'transformed'>> {
    return this.command('repack', input);
  }
  /**
   * Ship order lines to a customer: explicit lots, or a product picked FEFO.
   *
   * @example
   * ```ts
   * await lg.ship({ shipmentId: 'SH-1', customerId: 'shop', lines: [{ productId: 'bread', quantity: '10' }] });
   * ```
   */
  ship(input: ShipInput): Promise<EventOf<'shipped'>> {
    return this.command('ship', input);
  }
  /** Goods returned by a customer, into stock or quarantine. */
  return(input: ReturnInput): Promise<EventOf<'returned'>> {
    return this.command('return', input);
  }
  /** Put a lot on hold (lot-wide or at one location); held stock cannot be consumed or shipped. */
  hold(input: HoldInput): Promise<EventOf<'held'>> {
    return this.command('hold', input);
  }
  /** Release an active hold. */
  release(input: ReleaseInput): Promise<EventOf<'released'>> {
    return this.command('release', input);
  }
  /** A correction event referencing the event it corrects. */
  correct(input: CorrectInput): Promise<EventOf<'corrected'>> {
    return this.command('correct', input);
  }

  /**
   * Run several commands as ONE store transaction (all or nothing) — for bulk ingest. Each command is
   * decided against the store plus the commands before it in the batch (a lot received in command 1 can be
   * consumed in command 2). Idempotency keys behave as for single commands. On failure nothing is stored
   * and the error's `details.batchIndex` names the failing command.
   *
   * @example
   * ```ts
   * await lg.batch([
   *   { command: 'receive', input: { lotId: 'F-2', productId: 'flour', locationId: 'WH', quantity: '100' } },
   *   { command: 'produce', input: { orderId: 'PO-2', inputs: [{ lotId: 'F-2', locationId: 'WH', quantity: '50' }],
   *     outputs: [{ lotId: 'B-2', productId: 'bread', locationId: 'WH', quantity: '90' }] } },
   * ]);
   * ```
   */
  async batch(commands: readonly BatchCommand[]): Promise<StoredEvent[]> {
    parseInput(BatchArgs, { commands }, 'batch', { structural: false });
    const prepared = await prepareBatch(commands, commandSpec);
    const out = await runBatch(this.deps, prepared);
    await this.emit();
    return out;
  }

  /** Bulk history import in chunked transactions, resumable by idempotency key (see {@link importCommands}). */
  async import(
    source: Iterable<BatchCommand> | AsyncIterable<BatchCommand>,
    options: ImportOptions = {},
  ): Promise<ImportProgress> {
    return importCommands(this.store, (c) => this.batch(c), source, options);
  }

  /** A lot by id (with supplier lot number, dates, origin), or undefined. */
  async lot(id: string): Promise<Lot | undefined> {
    checkArgs('lot', { id: Id }, { id });
    return this.store.getLot(id);
  }

  /** A shipment with its lines (exact decimal quantities in each product's base unit), or undefined. */
  async shipment(id: string): Promise<Shipment | undefined> {
    checkArgs('shipment', { id: Id }, { id });
    return shipmentOf(this.store, id);
  }

  /** Stock queries and reconciliation. */
  readonly stock = stockFacade(this.host);

  /** Trace over the genealogy index. */
  readonly trace = traceFacade(this.host);

  /**
   * Allocation and picking: FEFO / FIFO / named-lot proposals that explain every lot considered, atomic
   * reservations (never more than on hand, even under concurrent callers), release, pick confirmation by
   * scanning the picked label, and per-customer minimum remaining shelf life. Ship a reservation with
   * `ship({ lines: [{ reservationId, quantity }] })`.
   *
   * @example
   * ```ts
   * const a = await lg.allocation.allocate({ productId: 'bread', quantity: '40', strategy: 'FEFO', date: '2026-03-02' });
   * console.log(a.picks, a.considered.map((c) => `${c.lotId}: ${c.reason}`));
   * ```
   */
  readonly allocation = allocationFacade(this.host);

  /**
   * Quality: product specifications, lot test results with automatic conformity, the verdict, the release
   * decision (approver recorded; lifts QC holds), and the Certificate of Analysis as PDF.
   *
   * @example
   * ```ts
   * await lg.quality.defineSpec({ productId: 'flour', tests: [{ code: 'H2O', name: 'Moisture', unit: '%', max: '15' }] });
   * await lg.quality.recordResult({ resultId: 'T1', lotId: 'F-1', testCode: 'H2O', value: '13.2' });
   * const pdf = await lg.quality.coa('F-1');
   * ```
   */
  readonly quality = qualityFacade(this.host);

  /** Documents attached to lots and shipments: metadata, SHA-256, bytes or URI. */
  readonly documents = documentsFacade(this.host);

  /** Stock alerts. */
  readonly alerts = alertsFacade(this.host);
  /** Item-level serials (GTIN + serial under a lot): commission, change state, look up, resolve scans. */
  readonly serials = serialsFacade(this.host);
  /** Logistic units (SSCC pallets, cases): pack, unpack, move, look inside. Ship them with `ship({ units })`. */
  readonly units = unitsFacade(this.host);

  /** Imports into the ledger. */
  readonly imports = importsFacade(this.host);

  /**
   * The transactional outbox (stores with `outbox`: MemoryStore, SQLite, PostgreSQL, MariaDB/MySQL):
   * durable subscriptions whose messages are recorded in the same transaction as their events, delivered
   * at least once by dispatchers in any number of processes, with retries, backoff, dead letters and replay.
   *
   * @example
   * ```ts
   * const d = await lg.outbox.subscribe('erp', { types: ['shipped'], deliver: async (m) => post(m.key, m.payload) });
   * ```
   */
  readonly outbox = outboxFacade(this.host);

  /**
   * Subscribe to committed events of a type (or `'*'`), from this instance and — with `follow: true` or
   * after `sync()` — from other processes, in ledger order, each once. Returns the unsubscribe function.
   * Combine with `webhookSender` to push events to a WMS endpoint.
   */
  on(type: EventType | '*', handler: EventHandler): () => void {
    checkArgs('on', { type: z.enum(['*', ...EVENT_TYPES]), handler: FunctionArg }, { type, handler });
    return this.emitter.on(type, handler);
  }

  private emit(): Promise<void> {
    return this.emitter.emit();
  }

  /**
   * Recall cases and mock recalls. `open` computes the scope from the genealogy (affected lots with a path,
   * deliveries and customers with exact quantities, attributed suspect quantities, on-hand stock); a real
   * recall also places a `recall` hold on every affected lot still on hand — in the same transaction as the
   * `recallOpened` event. A drill (`drill: true`) records the case and its evidence, changes no stock and
   * places no hold. `open` answers with the case's evidence as of its opening (no steps yet; mass balances
   * at that seq), or as of the store's head when this instance has synced other processes' events since;
   * `evidence(recallId)` reads it as of the head.
   *
   * @example
   * ```ts
   * const ev = await lg.recall.open({ recallId: 'R-1', lots: ['F-1'], reason: 'Salmonella', classification: 'I', drill: true });
   * console.log(ev.scope.customers.map((c) => c.name));
   * ```
   */
  readonly recall = recallFacade(this.host);

  /** Regulatory exports from the ledger. */
  readonly exports = exportsFacade(this.host);

  private async syncUnlocked(): Promise<void> {
    const head = await this.store.head();
    await this.index.syncTo(this.store, head.seq);
  }

  /** Catch up with events written by another process (the genealogy index is appended to, never rebuilt). */
  async sync(): Promise<void> {
    await this.serial(() => this.syncUnlocked());
    await this.emit();
  }

  /**
   * The genealogy index as a portable snapshot, for client-side traces (a browser loads it with
   * `GenealogyGraph.fromBytes` from `@lotgraph/core-wasm`): the graph's `toBytes()` plus each node's kind
   * and ref (node id = array index), as of the ledger head.
   */
  async exportGenealogy(): Promise<GenealogySnapshot> {
    return this.serial(async () => {
      await this.syncUnlocked();
      return this.index.snapshot();
    });
  }

  /** Seq of the last event this instance's genealogy index reflects. */
  get indexedSeq(): number {
    return this.index.seq;
  }

  /**
   * Recompute every hash and link of the ledger and check the store's head; report the first broken
   * link. Pass `checkpoints` taken earlier with {@link Lotgraph.ledgerCheckpoint} (and kept outside this
   * store) to also detect a rewrite that recomputed every later hash, or a cut-off tail.
   */
  async verifyLedger(options: VerifyLedgerOptions = {}): Promise<LedgerVerification> {
    // verifyLedger checks its options itself (one schema, one message naming `verifyLedger`).
    return verifyLedger(this.store, options);
  }

  /**
   * The ledger head as a checkpoint (`seq` + `hash`) to keep somewhere this store's writers cannot change
   * (another database, a signed audit log); `verifyLedger({ checkpoints: [cp] })` then proves the ledger
   * still holds that history.
   */
  async ledgerCheckpoint(): Promise<LedgerCheckpoint> {
    const head = await this.store.head();
    return { seq: head.seq, hash: head.hash };
  }

  /** Like {@link Lotgraph.verifyLedger}, but throws `LEDGER_TAMPERED` (with `seq` and `reason`) on a broken link. */
  async assertLedgerIntact(options: { checkpoints?: readonly LedgerCheckpoint[] } = {}): Promise<void> {
    assertVerified(await this.verifyLedger(options));
  }

  /** Replay this ledger into an empty store, recomputing all projections there. */
  async rebuildProjections(target: Store, onProgress?: (p: RebuildProgress) => void): Promise<void> {
    return rebuildProjections(this.store, target, onProgress);
  }

  /** Free the genealogy index. Does not close the store (the caller owns it). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const fn of this.closers.splice(0)) await fn();
    await this.unfollow?.();
    await this.tail;
    this.closed = true;
    this.index.dispose();
  }
}
