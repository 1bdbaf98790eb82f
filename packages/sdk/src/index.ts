/**
 * `@lotgraph/sdk` — lot traceability: an append-only, hash-chained event ledger; projections (stock per
 * lot × location, lots, shipments, genealogy) written in the same store transaction; exact quantities;
 * trace forward / backward / one step over a WebAssembly genealogy index.
 *
 * @example
 * ```ts
 * import { Lotgraph, MemoryStore } from '@lotgraph/sdk';
 * const lg = await Lotgraph.open({ store: new MemoryStore() });
 * ```
 *
 * @module
 */

export type { LowStockItem, StockAlert } from './alerts/alerts.js';
export { hmacSha256Hex } from './alerts/alerts.js';
export { RaiseAlertInput } from './alerts/commands.js';
export type {
  EventHandler,
  WebhookDeliveryOptions,
  WebhookHeaders,
  WebhookOptions,
} from './alerts/webhook.js';
export {
  signWebhook,
  verifyWebhook,
  WEBHOOK_HEADERS,
  webhookDelivery,
  webhookEventId,
  webhookSender,
} from './alerts/webhook.js';
// ── allocation, quality, documents, alerts, recall, exports ─────────────
export type {
  Allocation,
  AllocationCandidate,
  ConfirmPickInput as ConfirmPickInputType,
  DefineCustomerPolicyInput as DefineCustomerPolicyInputType,
  ReleaseReservationInput as ReleaseReservationInputType,
  ReserveInput as ReserveInputType,
} from './allocation/schemas.js';
export {
  AllocateInput,
  AllocationReason,
  ConfirmPickInput,
  DefineCustomerPolicyInput,
  ReleaseReservationInput,
  ReserveInput,
  ShelfLifeRule,
} from './allocation/schemas.js';
export type { CommandEvent, CommandInputs, CommandName } from './commands/registry.js';
export { COMMANDS } from './commands/registry.js';
// ── commands ─────────────────────────────────────────────────────────────
/** Zod schemas of every command input. */
export {
  AdjustInput,
  CommandMeta,
  ConsumeLine,
  CorrectInput,
  DefineLocationInput,
  DefinePartyInput,
  DefineProductInput,
  HoldInput,
  MergeInput,
  MoveInput,
  OutputInput,
  ProduceInput,
  ReceiveInput,
  ReconcileInput,
  ReleaseInput,
  RepackInput,
  ReturnInput,
  ShipInput,
  ShipLineInput,
  SplitInput,
} from './commands/schemas.js';
/** Dates are `YYYY-MM-DD` strings; the one expiry predicate. */
export { dayOf, Instant, IsoDate, isExpiredOn, isIsoDate, toUtcInstant } from './domain/dates.js';
export type { Decimal, Rational, UnitSpec } from './domain/quantity.js';
/** Exact quantities: decimal strings at the boundary, bigint steps inside. */
export { convertToSteps, fromSteps, isDecimal, parseFactor, toSteps } from './domain/quantity.js';
// ── domain ───────────────────────────────────────────────────────────────
/** Zod schemas of the domain (use them for your own validation); types are inferred from them. */
export {
  Attributes,
  Code,
  Contact,
  DecimalString,
  Gln,
  Gtin,
  Id,
  isWellFormedText,
  LIMITS,
  Location,
  Lot,
  LotAttributes,
  LotOrigin,
  Name,
  NonNegativeDecimal,
  Note,
  normaliseGtin,
  Party,
  PartyRole,
  PositiveDecimal,
  Product,
  QuantityInput,
  SerialNumber,
  SerialRef,
  Shipment,
  ShipmentLine,
  Sscc,
  Text,
  UnitConversion,
} from './domain/schemas.js';
export type { ErrorCode, NotFoundEntity, ValidationIssue, ValidationIssueCode } from './errors.js';
// ── errors ───────────────────────────────────────────────────────────────
/** Error classes and stable codes. */
export {
  ErrorCodes,
  isLotgraphError,
  LotgraphError,
  notFound,
  ValidationError,
  withBatchIndex,
} from './errors.js';
export type { EpcisDocument, EpcisEvent, ImportCommand } from './exports/epcis.js';
export { epcisToCommands, exportEpcis } from './exports/epcis.js';
export type { EpcisVocabulary } from './exports/epcis-ids.js';
export type { Fsma204Filter, Fsma204Site, OneStepMasterData } from './exports/regulatory.js';
export {
  FSMA204_COLUMNS,
  Fsma204FilterInput,
  fsma204Csv,
  fsma204Rows,
  ONE_STEP_COLUMNS,
  oneStepCsv,
  oneStepRows,
} from './exports/regulatory.js';
// ── genealogy and trace ──────────────────────────────────────────────────
/** Trace result shapes and the index load progress. */
export type { GenealogySnapshot, LoadProgress } from './genealogy/genealogy-index.js';
export type {
  BackwardTrace,
  ForwardTrace,
  OneStepTrace,
  TracedConsumption,
  TracedCustomer,
  TracedDelivery,
  TracedLot,
  TracedOrder,
  TraceEdge,
  TraceGraph,
  TraceNode,
  TraceNodeKind,
  TraceRefs,
  TraceTree,
} from './genealogy/trace-types.js';
export type { CommandSpec, DecideContext, FollowUp } from './ledger/command.js';
export type {
  EventOf,
  EventPayloads,
  EventType,
  InputLine,
  Json,
  LotFacts,
  OutputLine,
  StoredEvent,
} from './ledger/events.js';
// ── ledger ───────────────────────────────────────────────────────────────
/** Event types, the genesis hash, hashing and verification. */
export { EVENT_TYPES, GENESIS_HASH } from './ledger/events.js';
export { canonicalJson, hashEvent, hashEventSync, sha256Hex } from './ledger/hashing.js';
export type { BatchCommand } from './ledger/host.js';
export type { ImportOptions, ImportProgress } from './ledger/import.js';
export { iterateEvents } from './ledger/iterate.js';
export type { RebuildProgress } from './ledger/rebuild.js';
export { rebuildProjections } from './ledger/rebuild.js';
export { sha256, sha256HexSync } from './ledger/sha256.js';
export type { LedgerCheckpoint, LedgerVerification, VerifyLedgerOptions } from './ledger/verify.js';
export { verifyLedger } from './ledger/verify.js';
// ── entry point ──────────────────────────────────────────────────────────
/** An open lotgraph (commands, stock, trace, verification) and its options. */
export { Lotgraph } from './lotgraph.js';
export type { LotgraphErrorContext, LotgraphOptions } from './lotgraph-options.js';
export type { OutboxDelivery, OutboxDispatcher } from './outbox/dispatcher.js';
export type { OutboxSubscribeOptions } from './outbox/facade.js';
export type { CertificateOfAnalysis, CoaIssuer, CoaVerification, SignedCoa } from './quality/coa.js';
export { coaData, verifyCoa } from './quality/coa.js';
export type { QualityVerdict } from './quality/queries.js';
export { conformity } from './quality/queries.js';
export {
  AttachDocumentInput,
  DefineSpecInput,
  QC_HOLD_REASONS,
  QualityDecisionInput,
  RecordTestInput,
  SpecTest,
} from './quality/schemas.js';
export type { NotificationRow, RecallEvidence, RecallMasterData } from './recall/queries.js';
export {
  NOTIFICATION_COLUMNS,
  notificationCsv,
  notificationList,
  recallMasterData,
  toCsv,
} from './recall/queries.js';
export type { RecallCase, RecallStep } from './recall/schemas.js';
export {
  RecallAcknowledgeInput,
  RecallCloseInput,
  RecallNotifyInput,
  RecallOpenInput,
} from './recall/schemas.js';
export type { RecallScope, ScopeCustomer, ScopeDelivery, ScopeLot } from './recall/scope.js';
export { computeScope } from './recall/scope.js';
export { type PackedScope, unpackScope } from './recall/scope-codec.js';
// ── serials and logistic units ───────────────────────────────────────────
/** Item-level serials (GTIN + serial) and SSCC logistic units: inputs, events and query results. */
export type { SerialListInput } from './serials/facade.js';
export type { ScanTarget, SerialInfo, UnitContents } from './serials/queries.js';
export {
  CommissionSerialsInput,
  MAX_SERIALS_PER_COMMAND,
  MoveUnitInput,
  PackInput,
  SetSerialStateInput,
  UnpackInput,
} from './serials/schemas.js';
export type { SerialGroup, SerialRange, UnitLotLine, UnitSnapshot } from './serials/serial-types.js';
export type { MassBalance, MassBalance as LotMassBalance } from './stock/mass-balance.js';
export { massBalance, massBalances } from './stock/mass-balance.js';
export type { ProductStock, StockLine } from './stock/stock.js';
// ── stock ────────────────────────────────────────────────────────────────
/** Stock queries (also reachable as `lg.stock`). */
export { OnHandQuery, replayStock } from './stock/stock.js';
/** For store authors: the contract's checks of an append and its errors, written once (MemoryStore uses them). */
export type {
  AppendKeys,
  AppendPlan,
  AppendState,
  PlannedNode,
  SerialUnitChange,
} from './store/append-check.js';
export { appendKeys, changesMasterData, checkBatchHead, planAppend } from './store/append-check.js';
export {
  badSeqError,
  checkI64,
  closedError,
  danglingEdgeError,
  duplicateKeyError,
  duplicateNodeError,
  duplicateSerialError,
  emptyBatchError,
  firstIdError,
  I64_MAX,
  negativeStockError,
  overReservedError,
  quantityRangeError,
  staleSeqError,
} from './store/contract-errors.js';
// ── store port ───────────────────────────────────────────────────────────
/** The Store port, its record types, and the in-memory reference store. */
export { MemoryStore } from './store/memory-store.js';
export {
  checkOutboxClaim,
  checkOutboxFilter,
  checkOutboxName,
  checkOutboxNow,
  checkOutboxSettle,
  checkOutboxTypes,
  OUTBOX_ERROR_MAX,
} from './store/outbox-checks.js';
export type {
  OutboxFilter,
  OutboxMessage,
  OutboxOutcome,
  OutboxPort,
  OutboxStatus,
  OutboxSubscription,
} from './store/outbox-port.js';
export type {
  AppendBatch,
  AuxRecord,
  AvailableStockRow,
  DocumentRecord,
  EdgeColumns,
  GenealogyChunk,
  GenealogyEdge,
  GenealogyNode,
  HoldRecord,
  LotFilter,
  NodeKindCode,
  Prefetched,
  PrefetchKeys,
  ProjectionChange,
  ReservationRecord,
  SerialTrail,
  ShipmentLineFilter,
  ShipmentLineRecord,
  ShipmentRecord,
  StockBalance,
  StockFilter,
  Store,
  StoreHead,
  StreamGenealogyOptions,
  TestResultRecord,
} from './store/port.js';
export {
  compareAvailableStock,
  compareBySeqThenId,
  compareHolds,
  compareReservations,
  compareShipmentLines,
  edgeColumns,
  NodeKind,
} from './store/port.js';
export type {
  LogisticUnitRecord,
  SerialFilter,
  SerialKey,
  SerialPatch,
  SerialRecord,
  SerialState,
  UnitFilter,
  UnitPatch,
  UnitState,
} from './store/serial-port.js';
export {
  compareSerials,
  pageSerials,
  patchSerial,
  patchUnit,
  SERIAL_STATES,
  serialKey,
  serialMatches,
  unitMatches,
} from './store/serial-port.js';
