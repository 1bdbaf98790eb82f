/**
 * Stable machine codes of every error the sdk (and a conforming Store) throws.
 * Codes never change meaning; new codes may be added.
 */
export const ErrorCodes = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  LOT_NOT_FOUND: 'LOT_NOT_FOUND',
  PRODUCT_NOT_FOUND: 'PRODUCT_NOT_FOUND',
  LOCATION_NOT_FOUND: 'LOCATION_NOT_FOUND',
  PARTY_NOT_FOUND: 'PARTY_NOT_FOUND',
  EVENT_NOT_FOUND: 'EVENT_NOT_FOUND',
  RECALL_NOT_FOUND: 'RECALL_NOT_FOUND',
  RESERVATION_NOT_FOUND: 'RESERVATION_NOT_FOUND',
  HOLD_NOT_FOUND: 'HOLD_NOT_FOUND',
  SHIPMENT_NOT_FOUND: 'SHIPMENT_NOT_FOUND',
  DOCUMENT_NOT_FOUND: 'DOCUMENT_NOT_FOUND',
  /** A serialised item (GTIN + serial) that was never commissioned. */
  SERIAL_NOT_FOUND: 'SERIAL_NOT_FOUND',
  /** A logistic unit (SSCC) that was never packed. */
  UNIT_NOT_FOUND: 'UNIT_NOT_FOUND',
  LOT_EXISTS: 'LOT_EXISTS',
  /** A serial (GTIN + serial number) commissioned again. */
  SERIAL_EXISTS: 'SERIAL_EXISTS',
  INSUFFICIENT_STOCK: 'INSUFFICIENT_STOCK',
  LOT_ON_HOLD: 'LOT_ON_HOLD',
  LOT_EXPIRED: 'LOT_EXPIRED',
  UNIT_MISMATCH: 'UNIT_MISMATCH',
  CONFLICT: 'CONFLICT',
  IDEMPOTENCY_MISMATCH: 'IDEMPOTENCY_MISMATCH',
  GS1_INVALID: 'GS1_INVALID',
  GS1_MISMATCH: 'GS1_MISMATCH',
  LEDGER_TAMPERED: 'LEDGER_TAMPERED',
  STORE_CLOSED: 'STORE_CLOSED',
  /**
   * The database could not be reached or dropped the connection. Nothing was committed unless the same
   * command, retried with its idempotency key, returns the stored event (the sdk retries commands itself).
   */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  /**
   * The database refuses something this large (`details`: what, bytes, limit, setting) — e.g. an event
   * bigger than MariaDB/MySQL's `max_allowed_packet`. Checked before sending: nothing was written and the
   * connection stays usable. Raise the server's setting (or record less in one event).
   */
  STORE_LIMIT: 'STORE_LIMIT',
  /** A webhook could not be delivered (`details`: seq, attempts, reason, HTTP status). */
  WEBHOOK_FAILED: 'WEBHOOK_FAILED',
  /**
   * An outbound delivery of an integration (e-mail, EDI, ERP push) failed (`details`: integration,
   * retryable, retryAfterMs, status); the outbox retries it or dead-letters it.
   */
  DELIVERY_FAILED: 'DELIVERY_FAILED',
} as const;

/** One of the stable error codes in {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * Base class of every error lotgraph throws for bad input or a refused operation.
 * `code` is stable and meant for programs; `message` names the field and the value for humans;
 * `details` carries the structured facts (ids, quantities, paths).
 */
export class LotgraphError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** Structured facts about the failure (field, value, ids, quantities…). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'LotgraphError';
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}

/**
 * The same error (same class, code, message and issues) with `details.batchIndex` set — errors are
 * immutable, so a batch names its failing command on a copy.
 */
export function withBatchIndex<E extends LotgraphError>(e: E, batchIndex: number): E {
  const copy = Object.create(Object.getPrototypeOf(e)) as E;
  for (const key of Object.getOwnPropertyNames(e))
    Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(e, key) as PropertyDescriptor);
  Object.defineProperty(copy, 'details', {
    value: Object.freeze({ ...e.details, batchIndex }),
    enumerable: true,
  });
  return copy;
}

/**
 * Machine codes of validation issues: zod's own, plus lotgraph's checks made before any schema
 * (`invalid_string`: lone surrogate or NUL; `too_deep`: nesting; `invalid_key`: a bad object key).
 */
export type ValidationIssueCode =
  | 'invalid_type'
  | 'too_big'
  | 'too_small'
  | 'invalid_format'
  | 'not_multiple_of'
  | 'unrecognized_keys'
  | 'invalid_union'
  | 'invalid_key'
  | 'invalid_element'
  | 'invalid_value'
  | 'custom'
  | 'invalid_string'
  | 'too_deep';

/** One problem found in an input, shaped like a zod issue: a code, a path into the input and a message. */
export interface ValidationIssue {
  /** Machine code of the problem, e.g. `invalid_type`, `too_small`, `unrecognized_keys`, `custom`. */
  code: ValidationIssueCode;
  /** Path into the input, e.g. `['inputs', 0, 'quantity']`. */
  path: (string | number)[];
  /** Human message. */
  message: string;
}

/** Input failed validation; `issues` lists every problem found (not only the first). */
export class ValidationError extends LotgraphError {
  /** Every problem found, each with a path into the input. */
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], context?: string) {
    const first = issues[0];
    const where = first ? (first.path.length ? first.path.join('.') : '(input)') : '(input)';
    const msg = first
      ? `${context ? `${context}: ` : ''}invalid ${where}: ${first.message}${issues.length > 1 ? ` (+${issues.length - 1} more)` : ''}`
      : `${context ? `${context}: ` : ''}invalid input`;
    super(ErrorCodes.VALIDATION_FAILED, msg, { issues, field: where });
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

/** Build a {@link ValidationError} for one field. */
export function fieldError(path: (string | number)[], message: string, value?: unknown): ValidationError {
  const shown = value === undefined ? '' : ` (got ${safeShow(value)})`;
  return new ValidationError([{ code: 'custom', path, message: `${message}${shown}` }]);
}

/** Short printable form of a value for error messages. */
export function safeShow(value: unknown): string {
  if (typeof value === 'bigint') return `${value}`;
  try {
    const s = JSON.stringify(value);
    if (s === undefined) return String(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    try {
      return String(value);
    } catch {
      return Object.prototype.toString.call(value); // e.g. an object without a prototype
    }
  }
}

/** True when `e` is a {@link LotgraphError}, optionally with the given code. */
export function isLotgraphError(e: unknown, code?: ErrorCode): e is LotgraphError {
  return e instanceof LotgraphError && (code === undefined || e.code === code);
}

/** The entities a `*_NOT_FOUND` code exists for. */
export type NotFoundEntity =
  | 'lot'
  | 'product'
  | 'location'
  | 'party'
  | 'event'
  | 'recall'
  | 'reservation'
  | 'hold'
  | 'shipment'
  | 'document'
  | 'serial'
  | 'unit';

const NOT_FOUND: Record<NotFoundEntity, ErrorCode> = {
  lot: ErrorCodes.LOT_NOT_FOUND,
  product: ErrorCodes.PRODUCT_NOT_FOUND,
  location: ErrorCodes.LOCATION_NOT_FOUND,
  party: ErrorCodes.PARTY_NOT_FOUND,
  event: ErrorCodes.EVENT_NOT_FOUND,
  recall: ErrorCodes.RECALL_NOT_FOUND,
  reservation: ErrorCodes.RESERVATION_NOT_FOUND,
  hold: ErrorCodes.HOLD_NOT_FOUND,
  shipment: ErrorCodes.SHIPMENT_NOT_FOUND,
  document: ErrorCodes.DOCUMENT_NOT_FOUND,
  serial: ErrorCodes.SERIAL_NOT_FOUND,
  unit: ErrorCodes.UNIT_NOT_FOUND,
};

/** `<ENTITY>_NOT_FOUND` naming the input field that referenced the missing record. */
export function notFound(entity: NotFoundEntity, path: (string | number)[], id: string): LotgraphError {
  const field = path.length ? path.join('.') : entity;
  return new LotgraphError(NOT_FOUND[entity], `${field}: ${entity} "${id}" does not exist`, {
    field,
    value: id,
    [`${entity}Id`]: id,
  });
}
