/**
 * `@lotgraph/integrations` — the systems around lotgraph: e-mail alerts and recall letters (SMTP), EANCOM
 * DESADV/RECADV (EDI), ERP sync (SAP S/4HANA, Exact Online) and a customer batch feed over HTTP. Each
 * outbound integration exposes `deliver(message)` for an outbox and throws {@link DeliveryError} saying
 * whether a retry can help.
 *
 * @module
 */

export { despatchAdviceFromShipment, receiveInputsFromAdvice } from './edi/mapping.js';
export type { DespatchAdviceInput, DespatchLine } from './edi/model.js';
export { DespatchAdvice } from './edi/model.js';
export type { ReadAdvice } from './edi/read.js';
export { readDespatchAdvices } from './edi/read.js';
export type { DesadvSenderOptions, EdiTransport } from './edi/sender.js';
export { desadvSender, directoryTransport, httpTransport } from './edi/sender.js';
export type { Segment, Separators } from './edi/syntax.js';
export { DEFAULT_SEPARATORS, EdifactError, escapeValue, formatSegment, parseSegments } from './edi/syntax.js';
export type { WriteOptions } from './edi/write.js';
export { MESSAGE_VERSIONS, writeDesadv } from './edi/write.js';
export { escapeHtml, html, SafeHtml, trustedHtml } from './email/html.js';
export {
  alertMessageFromEvent,
  expiryAlertMessage,
  lowStockAlertMessage,
  recallLetterMessageFromEvent,
  recallLetterMessages,
} from './email/messages.js';
export type { EmailSender, EmailSenderOptions, EmailTopic } from './email/sender.js';
export { classifySmtpError, EMAIL_TOPICS, emailSender } from './email/sender.js';
export type {
  EmailTemplates,
  ExpiryAlert,
  HoldPlacedAlert,
  LowStockAlert,
  RecallLetterMail,
  RecallOpenedAlert,
  RenderedMail,
} from './email/templates.js';
export { defaultTemplates } from './email/templates.js';
export type {
  CheckpointStore,
  ErpBatch,
  ErpConnector,
  ErpMovement,
  PullCursor,
  PullPage,
  PushHold,
  PushLot,
  PushMovement,
  SyncCheckpoint,
} from './erp/contract.js';
export { fileCheckpointStore, MemoryCheckpointStore } from './erp/contract.js';
export type {
  ConflictReason,
  SyncConflict,
  SyncOptions,
  SyncProgress,
  SyncReport,
} from './erp/engine.js';
export { syncFromErp } from './erp/engine.js';
export type { ExactOptions } from './erp/exact.js';
export { EXACT_OUTGOING, exactConnector } from './erp/exact.js';
export type { HttpOptions } from './erp/odata.js';
export { retryAfterMs } from './erp/odata.js';
export type { ErpPushMapping, PushOptions } from './erp/push.js';
export { erpPushSender, pushToErp } from './erp/push.js';
export type { SapOptions } from './erp/sap.js';
export { sapConnector } from './erp/sap.js';
export { checkSignature, constantTimeEqual, feedSignature, matchesApiKey } from './feed/auth.js';
export type { CustomerFeedOptions, FeedLine, FeedShipment } from './feed/handler.js';
export { customerFeedHandler, signFeedUrl } from './feed/handler.js';
export { toNodeListener } from './feed/node.js';
export type { Deliver, EventDelivery, OutboxMessage } from './message.js';
export {
  DeliveryError,
  desadvMessageFromEvent,
  erpPushMessageFromEvent,
  forEvents,
  isDeliveryError,
} from './message.js';
