// The console's HTTP client: JSON in and out, errors as `ApiError` carrying the service's code, message and
// field (the sdk's stable error codes pass through the service unchanged).

import type { HoldRecord, MassBalance, QualityVerdict, RecallEvidence, ScopeCustomer } from '@lotgraph/sdk';

/** The JSON shapes of the sdk's records, as the service sends them. */
export type Hold = HoldRecord;
export type Verdict = QualityVerdict;
export type VerdictLine = QualityVerdict['lines'][number];
export type { MassBalance };

/** An error answered by the service (or a network failure, code `NETWORK`). */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly field: string | undefined;
  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: { field?: string; path?: string[] } };
}

async function request(method: string, path: string, body?: unknown): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', `the service cannot be reached (${(e as Error).message})`);
  }
  if (!res.ok) {
    let parsed: ErrorBody = {};
    try {
      parsed = (await res.json()) as ErrorBody;
    } catch {
      // not JSON: keep the status line
    }
    const e = parsed.error ?? {};
    throw new ApiError(
      res.status,
      e.code ?? `HTTP_${res.status}`,
      e.message ?? `${res.status} ${res.statusText}`,
      e.details?.field ?? e.details?.path?.join('.'),
    );
  }
  return res;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await request('GET', path)).json()) as T;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return (await (await request('POST', path, body)).json()) as T;
}

export async function getBytes(path: string): Promise<{ bytes: Uint8Array; headers: Headers }> {
  const res = await request('GET', path);
  return { bytes: new Uint8Array(await res.arrayBuffer()), headers: res.headers };
}

export const enc = encodeURIComponent;

// ── shapes answered by the service (the sdk's types, as JSON) ────────────────────────────────────────

export interface LotSummary {
  id: string;
  productId: string;
  productName: string;
  gtin?: string;
  supplierId?: string;
  supplierLotNumber?: string;
  expiry?: string;
  origin: string;
  createdAt: string;
  match: 'lot' | 'supplierLot' | 'gtin' | 'partial';
}

export interface ScanInfo {
  valid: boolean;
  gtin?: string;
  batch?: string;
  expiry?: string;
  unknownGtin?: boolean;
  elements: { ai: string; title: string; value: string; display?: string }[];
  diagnostics: { code: string; severity: string; message: string }[];
}

export interface SearchResult {
  q: string;
  scan?: ScanInfo;
  lots: LotSummary[];
}

export interface LotRecord {
  lot: {
    id: string;
    productId: string;
    supplierId?: string;
    supplierLotNumber?: string;
    originCountry?: string;
    productionDate?: string;
    expiry?: string;
    bestBefore?: string;
    origin: string;
    createdAt: string;
  };
  product?: { id: string; name: string; unit: string; gtin?: string; allergens?: string[] };
  supplier?: { id: string; name: string; gln?: string };
  stock: { locationId: string; quantity: string; unit: string; zone?: string; quarantine: boolean }[];
  holds: Hold[];
  verdict: Verdict;
  documents: {
    id: string;
    kind: string;
    title: string;
    mediaType: string;
    byteLength: number;
    attachedAt: string;
  }[];
  massBalance: MassBalance;
}

export interface Movement {
  seq: number;
  type: string;
  kind: string;
  eventTime: string;
  actor: string;
  quantity?: string;
  locationId?: string;
  ref?: string;
  note?: string;
  customerId?: string;
  from?: string[];
  into?: string[];
}

export interface RecallListItem {
  recallId: string;
  drill: boolean;
  reason: string;
  classification: string;
  openedAt: string;
  status: 'open' | 'closed';
  suspectLots: string[];
  counts: { lots: number; deliveries: number; customers: number; onHandBalances: number };
  notified: number;
  acknowledged: number;
}

export type { ScopeCustomer };

export type Evidence = RecallEvidence;
