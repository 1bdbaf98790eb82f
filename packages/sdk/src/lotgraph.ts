import { z } from 'zod';
import { expiredOnHand, expiring, lowStock, type StockAlert } from './alerts/alerts.js';
import type { EventHandler } from './alerts/webhook.js';
import { allocate } from './allocation/queries.js';
import {
  AllocateInput,
  type Allocation,
  type ConfirmPickInput,
  type DefineCustomerPolicyInput,
  type ReleaseReservationInput,
  type ReserveInput,
} from './allocation/schemas.js';
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
  ReconcileInput,
  ReleaseInput,
  RepackInput,
  ReturnInput,
  ShipInput,
  SplitInput,
} from './commands/schemas.js';
import { checkArgs, DayArg, FunctionArg, IdList, StoreArg } from './domain/args.js';
import { Instant } from './domain/dates.js';
import { fromSteps } from './domain/quantity.js';
import type { Lot, Shipment } from './domain/schemas.js';
import { Code, Id, LIMITS, Name, NonNegativeDecimal } from './domain/schemas.js';
import { parseInput } from './domain/validate.js';
import { ErrorCodes, LotgraphError, withBatchIndex } from './errors.js';
import { type EpcisDocument, epcisToCommands, exportEpcis } from './exports/epcis.js';
import { type Fsma204Filter, fsma204Csv, oneStepCsv } from './exports/regulatory.js';
import { GenealogyIndex, type LoadProgress } from './genealogy/genealogy-index.js';
import { NodeRegistry } from './genealogy/node-registry.js';
import {
  type BackwardTrace,
  type ForwardTrace,
  type OneStepTrace,
  type TraceRefs,
  traceBackward,
  traceForward,
  traceOneStep,
  traceRefs,
} from './genealogy/trace.js';
import type { CommandSpec } from './ledger/command.js';
import { EVENT_TYPES, type EventOf, type EventType, type StoredEvent } from './ledger/events.js';
import {
  type PreparedCommand,
  prepareCommand,
  type RunnerDeps,
  runBatch,
  runCommand,
} from './ledger/runner.js';
import { type LedgerCheckpoint, type LedgerVerification, verifyLedger } from './ledger/verify.js';
import { projectEvent } from './projection/projectors.js';
import { coaPdf } from './quality/coa.js';
import { type QualityVerdict, qualityVerdict } from './quality/queries.js';
import type {
  AttachDocumentInput,
  DefineSpecInput,
  QualityDecisionInput,
  RecordTestInput,
} from './quality/schemas.js';
import { notificationCsv, type RecallEvidence, recallEvidence } from './recall/queries.js';
import { customerLetterPdf, recallReportPdf } from './recall/report.js';
import {
  RECALL,
  type RecallAcknowledgeInput,
  type RecallCloseInput,
  type RecallNotifyInput,
  type RecallOpenInput,
} from './recall/schemas.js';
import { type MassBalance, massBalance } from './stock/mass-balance.js';
import { type OnHandQuery, onHand, type ProductStock, productStock, type StockLine } from './stock/stock.js';
import type { Store } from './store/port.js';

/** Options of {@link Lotgraph.open}. */
export interface LotgraphOptions {
  /** Where the ledger and projections live (e.g. `new MemoryStore()`, or a SQLite store). */
  store: Store;
  /** Source of "now" for `recordTime` (and `eventTime` when the caller gives none). Default: the system clock. */
  clock?: () => Date | string;
  /** Default actor for events whose command names none. Default `"system"`. */
  actor?: string;
  /** Called while the genealogy index loads from the store. */
  onProgress?: (progress: LoadProgress) => void;
  /**
   * Keep the genealogy index current with other processes' writes as they commit, when the store can
   * notify (`store.subscribe`, e.g. PostgreSQL). Without it (or with a store that cannot notify) the index
   * still catches up by seq before every command and query. Default false.
   */
  follow?: boolean;
  /**
   * Told about failures that happen after a command committed and must not fail it: a subscriber that
   * throws, a store read that fails while events are emitted, a failed background sync. Default: ignored
   * (the command still resolves with its committed event).
   */
  onError?: (error: unknown, context: LotgraphErrorContext) => void;
}

/** Where a failure reported to {@link LotgraphOptions.onError} happened. */
export interface LotgraphErrorContext {
  /** `subscriber`: an `lg.on` handler threw; `emit`: reading events to emit failed; `follow`: a background sync failed. */
  source: 'subscriber' | 'emit' | 'follow';
  /** The event being delivered, for `subscriber`. */
  event?: StoredEvent;
}

const VerifyOptionsInput = z.strictObject({
  checkpoints: z
    .array(z.strictObject({ seq: z.number().int().min(0), hash: z.string().regex(/^[0-9a-f]{64}$/) }))
    .max(10_000)
    .optional(),
});

const BatchShape = z
  .array(z.strictObject({ command: z.string().max(100), input: z.unknown() }))
  .max(100_000, { message: 'must have at most 100000 commands (use imports for more)' });
const DocumentFilter = z.strictObject({
  lotId: Id.optional(),
  shipmentId: Id.optional(),
  kind: Code.optional(),
});
const ExpiringQuery = z.strictObject({ withinDays: z.number().int().min(0).max(100_000), date: DayArg });
const LowStockQuery = z.strictObject({
  thresholds: z.record(Id, NonNegativeDecimal).refine((r) => Object.keys(r).length <= LIMITS.items, {
    message: `must have at most ${LIMITS.items} products`,
  }),
  locationId: Id.optional(),
});
const ImportOptions = z.strictObject({
  chunk: z.number().int().min(1).max(10_000).optional(),
  onProgress: FunctionArg.optional(),
});
const LetterSender = z.strictObject({ name: Name.optional(), contact: Name.optional() });
const EpcisOptions = z.strictObject({ creationDate: Instant.optional() });
const Fsma204Query = z.strictObject({
  productId: Id.optional(),
  lotId: Id.optional(),
  from: DayArg.optional(),
  to: DayArg.optional(),
});

const OpenOptions = z.strictObject({
  store: StoreArg,
  clock: FunctionArg.optional(),
  actor: Id.optional(),
  onProgress: FunctionArg.optional(),
  follow: z.boolean().optional(),
  onError: FunctionArg.optional(),
});

/** One command of a batch: its name and input. */
export type BatchCommand = {
  [K in keyof CommandInputs]: { command: K; input: CommandInputs[K] };
}[keyof CommandInputs];

/** Progress of {@link rebuildProjections}. */
export interface RebuildProgress {
  phase: 'rebuild';
  events: number;
  total: number;
}

/**
 * Replay the ledger of `source` into the empty store `target`: the same events (same seqs and hashes) with
 * projections recomputed from them. Proves that projections are derived data.
 */
export async function rebuildProjections(
  source: Store,
  target: Store,
  onProgress?: (p: RebuildProgress) => void,
): Promise<void> {
  checkArgs(
    'rebuildProjections',
    { source: StoreArg, target: StoreArg, onProgress: FunctionArg.optional() },
    { source, target, onProgress },
  );
  const head = await target.head();
  if (head.seq !== 0) {
    throw new LotgraphError(ErrorCodes.CONFLICT, `target store is not empty (head seq ${head.seq})`, {
      headSeq: head.seq,
    });
  }
  const total = (await source.head()).seq;
  const registry = new NodeRegistry();
  const ctx = { product: (id: string) => target.getProduct(id), lot: (id: string) => target.getLot(id) };
  const page = 500;
  let done = 0;
  for (let from = 1; from <= total; from += page) {
    for (const e of await source.readEvents(from, page)) {
      if (e.seq > total) break;
      const p = await projectEvent(ctx, e);
      const g = registry.resolve(p.nodes, p.edges, e.seq);
      await target.append({ expectedSeq: e.seq - 1, events: [e], changes: [...p.changes, ...g.changes] });
      registry.add(g.newKinds, g.newRefs);
      done++;
    }
    onProgress?.({ phase: 'rebuild', events: done, total });
  }
}

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
  private closed = false;

  private constructor(store: Store, index: GenealogyIndex, options: LotgraphOptions) {
    this.store = store;
    this.index = index;
    this.onError = options.onError;
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
    checkArgs('batch', { commands: BatchShape }, { commands });
    const specs = commands.map((c, i) => {
      const spec = commandSpec(c.command);
      if (!spec) {
        throw new LotgraphError(
          ErrorCodes.VALIDATION_FAILED,
          `${i}.command: unknown command "${String(c.command)}"`,
          {
            field: `${i}.command`,
            value: c.command,
            batchIndex: i,
          },
        );
      }
      return spec;
    });
    // Validation and request hashing are independent per command: run them concurrently.
    const settled = await Promise.allSettled(
      specs.map((spec, i) => prepareCommand(spec, commands[i]!.input)),
    );
    const prepared: PreparedCommand[] = [];
    for (const [i, r] of settled.entries()) {
      if (r.status === 'rejected') {
        throw r.reason instanceof LotgraphError ? withBatchIndex(r.reason, i) : r.reason;
      }
      prepared.push(r.value);
    }
    const out = await runBatch(this.deps, prepared);
    await this.emit();
    return out;
  }

  /** A lot by id (with supplier lot number, dates, origin), or undefined. */
  async lot(id: string): Promise<Lot | undefined> {
    checkArgs('lot', { id: Id }, { id });
    return this.store.getLot(id);
  }

  /** A shipment with its lines (exact decimal quantities in each product's base unit), or undefined. */
  async shipment(id: string): Promise<Shipment | undefined> {
    checkArgs('shipment', { id: Id }, { id });
    const header = await this.store.getShipment(id);
    if (!header) return undefined;
    const lines = await this.store.listShipmentLines({ shipmentId: id });
    const decimals = new Map<string, number>();
    for (const l of lines) {
      if (!decimals.has(l.productId))
        decimals.set(l.productId, (await this.store.getProduct(l.productId))?.decimals ?? 0);
    }
    const out: Shipment = {
      id: header.id,
      customerId: header.customerId,
      shippedAt: header.shippedAt,
      seq: header.seq,
      lines: lines.map((l) => {
        const line: Shipment['lines'][number] = {
          lineNo: l.lineNo,
          lotId: l.lotId,
          productId: l.productId,
          locationId: l.locationId,
          quantity: fromSteps(l.quantity, decimals.get(l.productId) ?? 0),
        };
        if (l.orderLine !== undefined) line.orderLine = l.orderLine;
        return line;
      }),
    };
    if (header.orderRef !== undefined) out.orderRef = header.orderRef;
    return out;
  }

  /** Stock queries and reconciliation. */
  readonly stock = {
    /** On hand per lot × location (optionally filtered, optionally as of a past instant). */
    onHand: (query: OnHandQuery = {}): Promise<StockLine[]> => onHand(this.store, query),
    /** Total on hand of a product and its lines (optionally as of an instant). */
    ofProduct: async (productId: string, asOf?: string): Promise<ProductStock> => {
      checkArgs('stock.ofProduct', { productId: Id, asOf: Instant.optional() }, { productId, asOf });
      return productStock(this.store, productId, asOf);
    },
    /** Exact mass balance of a lot over its whole history (zero when every movement is recorded). */
    massBalance: async (lotId: string): Promise<MassBalance> => {
      checkArgs('stock.massBalance', { lotId: Id }, { lotId });
      return massBalance(this.store, lotId);
    },
    /** Counted vs expected → an adjustment event carrying the variance. */
    reconcile: (input: ReconcileInput): Promise<EventOf<'adjusted'>> => this.command('reconcile', input),
  };

  /** Trace over the genealogy index. */
  readonly trace = {
    /**
     * Every descendant lot, delivery and customer of a lot, with exact quantities.
     *
     * @example
     * ```ts
     * const { customers, deliveries } = await lg.trace.forward('F-1');
     * ```
     */
    forward: async (lotId: string): Promise<ForwardTrace> => {
      checkArgs('trace.forward', { lotId: Id }, { lotId });
      return this.serial(async () => {
        await this.syncUnlocked();
        return traceForward(this.store, this.index, lotId);
      });
    },
    /** Every ancestor lot down to supplier lots, with quantities consumed and production orders. */
    backward: async (lotId: string): Promise<BackwardTrace> => {
      checkArgs('trace.backward', { lotId: Id }, { lotId });
      return this.serial(async () => {
        await this.syncUnlocked();
        return traceBackward(this.store, this.index, lotId);
      });
    },
    /**
     * Every lot, delivery and customer downstream of one or more lots, as refs only — answered from the
     * in-process index without store reads (the fast path for recall scopes).
     */
    forwardRefs: async (lotIds: string | readonly string[]): Promise<TraceRefs> => {
      checkArgs('trace.forwardRefs', { lotIds: IdList }, { lotIds });
      return this.serial(async () => {
        await this.syncUnlocked();
        return traceRefs(this.index, typeof lotIds === 'string' ? [lotIds] : lotIds, 'forward');
      });
    },
    /** Every lot upstream of one or more lots, as refs only (index only, no store reads). */
    backwardRefs: async (lotIds: string | readonly string[]): Promise<TraceRefs> => {
      checkArgs('trace.backwardRefs', { lotIds: IdList }, { lotIds });
      return this.serial(async () => {
        await this.syncUnlocked();
        return traceRefs(this.index, typeof lotIds === 'string' ? [lotIds] : lotIds, 'backward');
      });
    },
    /** Immediate suppliers and customers with dates (one step back, one step forward). */
    oneStep: async (lotId: string): Promise<OneStepTrace> => {
      checkArgs('trace.oneStep', { lotId: Id }, { lotId });
      return this.serial(async () => {
        await this.syncUnlocked();
        return traceOneStep(this.store, this.index, lotId);
      });
    },
  };

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
  readonly allocation = {
    /** Propose picks (reads only; nothing is reserved). */
    allocate: async (input: AllocateInput): Promise<Allocation> => {
      const v = parseInput(AllocateInput, input, 'allocate');
      return this.serial(async () => {
        await this.syncUnlocked();
        return (await allocate(this.store, v, this.deps.now().slice(0, 10))).allocation;
      });
    },
    /** Allocate and persist the picks as reservations in one transaction. */
    reserve: (input: ReserveInput) => this.command('reserve', input),
    /** Cancel a reservation, or every active reservation of an order. */
    release: (input: ReleaseReservationInput) => this.command('releaseReservation', input),
    /** Check the scanned label of what was picked against the reservation (GTIN, batch, expiry). */
    confirmPick: (input: ConfirmPickInput) => this.command('confirmPick', input),
    /** Set a customer's minimum remaining shelf life (days or % of the product's shelf life). */
    defineCustomerPolicy: (input: DefineCustomerPolicyInput) => this.command('defineCustomerPolicy', input),
  };

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
  readonly quality = {
    defineSpec: (input: DefineSpecInput) => this.command('defineSpec', input),
    recordResult: (input: RecordTestInput) => this.command('recordResult', input),
    verdict: async (lotId: string): Promise<QualityVerdict> => {
      checkArgs('quality.verdict', { lotId: Id }, { lotId });
      return qualityVerdict(this.store, lotId);
    },
    /** Release (or reject) a lot; a release lifts its QC holds in the same event. */
    decide: (input: QualityDecisionInput) => this.command('decideQuality', input),
    /** Certificate of Analysis (PDF bytes). */
    coa: async (lotId: string): Promise<Uint8Array> => {
      checkArgs('quality.coa', { lotId: Id }, { lotId });
      return coaPdf(this.store, lotId);
    },
  };

  /** Documents attached to lots and shipments: metadata, SHA-256, bytes or URI. */
  readonly documents = {
    attach: (input: AttachDocumentInput) => this.command('attachDocument', input),
    get: async (documentId: string) => {
      checkArgs('documents.get', { documentId: Id }, { documentId });
      return this.store.getDocument(documentId);
    },
    list: async (filter: { lotId?: string; shipmentId?: string; kind?: string } = {}) =>
      this.store.listDocuments(parseInput(DocumentFilter, filter, 'documents.list')),
  };

  /** Stock alerts. */
  readonly alerts = {
    /** Lots on hand expiring within `withinDays` of `date`. */
    expiring: async (opts: { withinDays: number; date: string }): Promise<StockAlert[]> =>
      expiring(this.store, parseInput(ExpiringQuery, opts, 'alerts.expiring')),
    /** Expired lots still on hand on `date`. */
    expiredOnHand: async (date: string): Promise<StockAlert[]> => {
      checkArgs('alerts.expiredOnHand', { date: DayArg }, { date });
      return expiredOnHand(this.store, date);
    },
    /** Products below a threshold (in the product's unit), optionally at one location. */
    lowStock: async (opts: { thresholds: Record<string, string>; locationId?: string }) =>
      lowStock(this.store, parseInput(LowStockQuery, opts, 'alerts.lowStock')),
  };

  /** Imports into the ledger. */
  readonly imports = {
    /**
     * Replay a GS1 EPCIS 2.0 document (receipts, productions, shipments, as `exports.epcis` writes them) as
     * commands, in chunks of `chunk` commands per transaction (default 500). Idempotent by `eventID`:
     * importing the same document twice appends nothing. Master data (products with their GTINs, parties,
     * locations) must exist. Progress through `onProgress(done, total)`.
     */
    epcis: async (
      doc: unknown,
      options: { chunk?: number; onProgress?: (done: number, total: number) => void } = {},
    ): Promise<{ commands: number; events: number }> => {
      parseInput(ImportOptions, options, 'imports.epcis');
      const cmds = await epcisToCommands(this.store, doc);
      const chunk = options.chunk ?? 500;
      let events = 0;
      for (let i = 0; i < cmds.length; i += chunk) {
        const part = cmds.slice(i, i + chunk) as BatchCommand[];
        const before = (await this.store.head()).seq;
        await this.batch(part);
        events += (await this.store.head()).seq - before;
        options.onProgress?.(Math.min(cmds.length, i + chunk), cmds.length);
      }
      return { commands: cmds.length, events };
    },
  };

  private readonly handlers = new Map<string, Set<EventHandler>>();
  private emittedSeq = -1;
  private emitting: Promise<void> = Promise.resolve();

  /**
   * Subscribe to committed events of a type (or `'*'`), from this instance and — with `follow: true` or
   * after `sync()` — from other processes, in ledger order, each once. Returns the unsubscribe function.
   * Combine with `webhookSender` to push events to a WMS endpoint.
   */
  on(type: EventType | '*', handler: EventHandler): () => void {
    checkArgs('on', { type: z.enum(['*', ...EVENT_TYPES]), handler: FunctionArg }, { type, handler });
    if (this.emittedSeq < 0) this.emittedSeq = this.index.seq;
    const set = this.handlers.get(type) ?? new Set<EventHandler>();
    this.handlers.set(type, set);
    set.add(handler);
    return () => set.delete(handler);
  }

  /**
   * Deliver committed events to subscribers. Never rejects: the commands whose events these are have
   * committed, so a failing read or subscriber goes to `onError`, and the events not yet delivered are
   * retried by the next emit.
   */
  private emit(): Promise<void> {
    if (this.handlers.size === 0) return Promise.resolve();
    this.emitting = this.emitting.then(async () => {
      let events: StoredEvent[];
      try {
        events = await this.store.readEvents(this.emittedSeq + 1);
      } catch (e) {
        this.report(e, { source: 'emit' });
        return;
      }
      for (const e of events) {
        this.emittedSeq = e.seq;
        for (const h of [...(this.handlers.get(e.type) ?? []), ...(this.handlers.get('*') ?? [])]) {
          try {
            await h(e);
          } catch (err) {
            this.report(err, { source: 'subscriber', event: e });
          }
        }
      }
    });
    return this.emitting;
  }

  /**
   * Recall cases and mock recalls. `open` computes the scope from the genealogy (affected lots with a path,
   * deliveries and customers with exact quantities, attributed suspect quantities, on-hand stock); a real
   * recall also places a `recall` hold on every affected lot still on hand — in the same transaction as the
   * `recallOpened` event. A drill (`drill: true`) records the case and its evidence, changes no stock and
   * places no hold.
   *
   * @example
   * ```ts
   * const ev = await lg.recall.open({ recallId: 'R-1', lots: ['F-1'], reason: 'Salmonella', classification: 'I', drill: true });
   * console.log(ev.scope.customers.map((c) => c.name));
   * ```
   */
  readonly recall = {
    open: async (input: RecallOpenInput): Promise<RecallEvidence> => {
      const opened = await this.command('recallOpen', input);
      return recallEvidence(this.store, opened.payload.recallId);
    },
    /** Record that a customer was notified (channel, contact). */
    notify: (input: RecallNotifyInput) => this.command('recallNotify', input),
    /** Record a customer's answer: quantities returned, destroyed or corrected per product. */
    acknowledge: (input: RecallAcknowledgeInput) => this.command('recallAcknowledge', input),
    /** Close the case with a summary. */
    close: (input: RecallCloseInput) => this.command('recallClose', input),
    /** The evidence document: timeline vs targets, effectiveness, mass balances, scope, steps. */
    evidence: (recallId: string): Promise<RecallEvidence> => this.evidenceOf('recall.evidence', recallId),
    /** Alias of {@link Lotgraph.recall.evidence}. */
    get: (recallId: string): Promise<RecallEvidence> => this.evidenceOf('recall.get', recallId),
    /** The recall report as PDF bytes (a drill is marked on every page). */
    reportPdf: async (recallId: string): Promise<Uint8Array> =>
      recallReportPdf(await this.evidenceOf('recall.reportPdf', recallId)),
    /** The notification letter to each customer in scope, as PDF bytes (marked as rehearsal for a drill). */
    letters: async (
      recallId: string,
      sender: { name?: string; contact?: string } = {},
    ): Promise<{ customerId: string; name: string; pdf: Uint8Array }[]> => {
      parseInput(LetterSender, sender, 'recall.letters');
      const ev = await this.evidenceOf('recall.letters', recallId);
      const out = [];
      for (const c of ev.scope.customers)
        out.push({
          customerId: c.customerId,
          name: c.name,
          pdf: await customerLetterPdf(ev, c.customerId, sender),
        });
      return out;
    },
    /** The notification list as CSV (one row per customer and product). */
    notificationCsv: async (recallId: string): Promise<string> =>
      notificationCsv(await this.evidenceOf('recall.notificationCsv', recallId)),
    /** Every case (recalls and drills), newest last. */
    list: async () =>
      (await this.store.listRecords(RECALL))
        .map((r) => r.value)
        .sort((a, b) => (a as { openedSeq: number }).openedSeq - (b as { openedSeq: number }).openedSeq),
  };

  /** Regulatory exports from the ledger. */
  readonly exports = {
    /** EU 178/2002 one step back / one step forward of a lot, as CSV. */
    oneStepCsv: async (lotId: string): Promise<string> => oneStepCsv(await this.trace.oneStep(lotId)),
    /** EU 178/2002 one step back / one step forward of a lot, as JSON (the `trace.oneStep` result). */
    oneStepJson: async (lotId: string): Promise<string> =>
      JSON.stringify(await this.trace.oneStep(lotId), null, 2),
    /** GS1 EPCIS 2.0 JSON-LD document of the goods flow (receipts, productions, transformations, shipments). */
    epcis: async (options: { creationDate?: string } = {}): Promise<EpcisDocument> =>
      exportEpcis(this.store, parseInput(EpcisOptions, options, 'exports.epcis')),
    /** FDA FSMA 204 electronic sortable spreadsheet (CSV, one row per critical tracking event). */
    fsma204Csv: async (filter: Fsma204Filter = {}): Promise<string> =>
      fsma204Csv(this.store, parseInput(Fsma204Query, filter, 'exports.fsma204Csv')),
  };

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
  private async evidenceOf(context: string, recallId: string): Promise<RecallEvidence> {
    checkArgs(context, { recallId: Id }, { recallId });
    return recallEvidence(this.store, recallId);
  }

  async exportGenealogy(): Promise<{ seq: number; snapshot: Uint8Array; kinds: number[]; refs: string[] }> {
    return this.serial(async () => {
      await this.syncUnlocked();
      this.index.graph.compact();
      return {
        seq: this.index.seq,
        snapshot: this.index.graph.toBytes(),
        kinds: [...this.index.registry.kinds],
        refs: [...this.index.registry.refs],
      };
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
  async verifyLedger(
    options: { checkpoints?: readonly LedgerCheckpoint[] } = {},
  ): Promise<LedgerVerification> {
    const v = parseInput(VerifyOptionsInput, options, 'verifyLedger');
    return verifyLedger(this.store, v);
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
    const v = await this.verifyLedger(options);
    if (!v.ok) {
      throw new LotgraphError(ErrorCodes.LEDGER_TAMPERED, `ledger broken at seq ${v.seq}: ${v.reason}`, {
        seq: v.seq,
        reason: v.reason,
      });
    }
  }

  /** Replay this ledger into an empty store, recomputing all projections there. */
  async rebuildProjections(target: Store, onProgress?: (p: RebuildProgress) => void): Promise<void> {
    return rebuildProjections(this.store, target, onProgress);
  }

  /** Free the genealogy index. Does not close the store (the caller owns it). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.unfollow?.();
    await this.tail;
    this.closed = true;
    this.index.dispose();
  }
}
