/**
 * The Certificate of Analysis as data: certificate number, issuer, product and lot, every specified test
 * with its method, specification, result, sample and test dates and laboratory, the verdict and the
 * release decision — and a SHA-256 over the canonical JSON of all of it, so anyone can check that a
 * certificate was not altered ({@link verifyCoa}, or any SHA-256 tool over `canonicalJson(certificate)`).
 * The PDF (`@lotgraph/sdk/reports`) prints the same data and the hash, and carries this JSON as an attachment.
 *
 * @module
 */
import * as z from 'zod';
import { requireLot } from '../commands/lookups.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import { canonicalJson } from '../ledger/hashing.js';
import { sha256HexSync } from '../ledger/sha256.js';
import type { Store, TestResultRecord } from '../store/port.js';
import { qualityVerdict } from './queries.js';

/** The issuer printed on a certificate (the company profile's name, address, GLN and contact). */
export interface CoaIssuer {
  name: string;
  address: string[];
  gln?: string;
  contact?: { name?: string; email?: string; phone?: string };
}

/** A Certificate of Analysis. Every field is covered by the certificate's SHA-256. */
export interface CertificateOfAnalysis {
  format: 'lotgraph.coa/1';
  /** `COA-<lot>-<first 10 hex of the SHA-256 of the rest>`: changes whenever the content changes. */
  certificateNumber: string;
  issuer?: CoaIssuer;
  /** Date of the release decision, else of the latest test (`YYYY-MM-DD`). */
  issuedOn?: string;
  product: { id: string; name: string; gtin?: string };
  lot: {
    id: string;
    supplierLotNumber?: string;
    productionDate?: string;
    expiry?: string;
    bestBefore?: string;
    originCountry?: string;
  };
  tests: {
    code: string;
    name: string;
    method?: string;
    unit?: string;
    specification: string;
    value?: string;
    result: 'pass' | 'fail' | 'missing';
    sampledOn?: string;
    testedAt?: string;
    laboratory?: string;
    resultId?: string;
  }[];
  verdict: string;
  decision?: {
    decision: 'release' | 'reject';
    approver: string;
    at: string;
    override: boolean;
    note?: string;
  };
  /** Who approved the certificate itself, in which role and when (when the caller names one). */
  approval?: { name: string; role: string; at: string };
}

/** A certificate with its SHA-256: what the JSON sidecar holds and {@link verifyCoa} checks. */
export interface SignedCoa {
  certificate: CertificateOfAnalysis;
  /** SHA-256 (hex) of `canonicalJson(certificate)`. */
  sha256: string;
}

const drop = <T extends Record<string, unknown>>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;

/** Specification text of a test line: expected value, or bounds. */
export function specificationText(l: { expected?: string; min?: string; max?: string }): string {
  if (l.expected !== undefined) return l.expected;
  return (
    [l.min !== undefined ? `>= ${l.min}` : '', l.max !== undefined ? `<= ${l.max}` : '']
      .filter(Boolean)
      .join(' ') || '-'
  );
}

/** Build the certificate of a lot from the ledger's projections. */
export async function coaData(
  store: Store,
  lotId: string,
  options: { issuer?: CoaIssuer; approval?: { name: string; role: string; at: string } } = {},
): Promise<SignedCoa> {
  const lot = await requireLot(store, lotId, ['lotId']);
  const v = await qualityVerdict(store, lotId);
  const product = await store.getProduct(lot.productId);
  const latest = new Map<string, TestResultRecord>();
  for (const r of await store.listTestResults({ lotId })) latest.set(r.testCode, r);
  const tests = v.lines.map((l) => {
    const r = latest.get(l.code);
    return drop({
      code: l.code,
      name: l.name,
      method: r?.method ?? l.method,
      unit: r?.unit ?? l.unit,
      specification: specificationText(l),
      value: l.value,
      result: l.result,
      sampledOn: r?.sampledAt,
      testedAt: l.testedAt,
      laboratory: l.lab,
      resultId: r?.id,
    }) as CertificateOfAnalysis['tests'][number];
  });
  const testedDates = tests
    .map((t) => t.testedAt?.slice(0, 10))
    .filter((d): d is string => !!d)
    .sort();
  const body: Omit<CertificateOfAnalysis, 'certificateNumber'> = drop({
    format: 'lotgraph.coa/1' as const,
    issuer: options.issuer ? drop({ ...options.issuer }) : undefined,
    issuedOn: v.decision?.at.slice(0, 10) ?? testedDates[testedDates.length - 1],
    product: drop({ id: lot.productId, name: product?.name ?? lot.productId, gtin: product?.gtin }),
    lot: drop({
      id: lot.id,
      supplierLotNumber: lot.supplierLotNumber,
      productionDate: lot.productionDate,
      expiry: lot.expiry,
      bestBefore: lot.bestBefore,
      originCountry: lot.originCountry,
    }),
    tests,
    verdict: v.verdict,
    decision: v.decision ? drop({ ...v.decision }) : undefined,
    approval: options.approval,
  });
  const certificate = {
    ...body,
    certificateNumber: `COA-${lot.id}-${sha256HexSync(canonicalJson(body)).slice(0, 10)}`,
  } as CertificateOfAnalysis;
  return { certificate, sha256: sha256HexSync(canonicalJson(certificate)) };
}

/** The result of {@link verifyCoa}. */
export interface CoaVerification {
  /** The SHA-256 matches the certificate and the number matches its content. */
  valid: boolean;
  certificateNumber?: string;
  /** SHA-256 recomputed over the certificate. */
  sha256?: string;
  /** With a store: the ledger, read now, still yields this very certificate. */
  matchesLedger?: boolean;
  problems: string[];
}

const Sidecar = z.object({
  certificate: z.looseObject({
    format: z.literal('lotgraph.coa/1'),
    certificateNumber: z.string(),
    lot: z.looseObject({ id: z.string() }),
  }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/**
 * Verify a certificate's JSON sidecar (bytes or text): recompute the SHA-256 of its canonical JSON, check the
 * certificate number, and — given a store — re-derive the certificate from the ledger and compare.
 */
export async function verifyCoa(bytes: Uint8Array | string, store?: Store): Promise<CoaVerification> {
  if (!(bytes instanceof Uint8Array) && typeof bytes !== 'string')
    throw new LotgraphError(
      ErrorCodes.VALIDATION_FAILED,
      'bytes: expected the JSON sidecar as bytes or text',
      {
        field: 'bytes',
      },
    );
  const text = typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { valid: false, problems: ['not JSON'] };
  }
  const parsed = Sidecar.safeParse(raw);
  if (!parsed.success)
    return { valid: false, problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const { certificate, sha256 } = parsed.data;
  const problems: string[] = [];
  const actual = sha256HexSync(canonicalJson(certificate));
  if (actual !== sha256) problems.push('sha256 does not match the certificate');
  const { certificateNumber, ...body } = certificate;
  if (certificateNumber !== `COA-${certificate.lot.id}-${sha256HexSync(canonicalJson(body)).slice(0, 10)}`)
    problems.push('certificateNumber does not match the certificate content');
  const out: CoaVerification = { valid: problems.length === 0, certificateNumber, sha256: actual, problems };
  if (store) {
    const c = certificate as unknown as CertificateOfAnalysis;
    const again = await coaData(store, c.lot.id, {
      ...(c.issuer ? { issuer: c.issuer } : {}),
      ...(c.approval ? { approval: c.approval } : {}),
    }).catch(() => undefined);
    out.matchesLedger = again?.sha256 === actual;
    if (!out.matchesLedger) problems.push('the ledger no longer yields this certificate');
  }
  return out;
}
