/**
 * Quality: specifications per product, test results per lot (`tested` events), the automatic conformance
 * verdict, the release decision (with its approver) that lifts QC holds, the Certificate of Analysis as PDF,
 * and documents attached to lots and shipments (metadata + SHA-256 + bytes or URI).
 *
 * @module
 */
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import { z } from 'zod';
import { requireLot, requireProduct } from '../commands/lookups.js';
import { CommandMeta } from '../commands/schemas.js';
import { IsoDate } from '../domain/dates.js';
import { Code, DecimalString, Id, LIMITS, Name, Note, Text } from '../domain/schemas.js';
import { fieldError, notFound } from '../errors.js';
import type { CommandSpec } from '../ledger/command.js';
import type { EventPayloads, Json } from '../ledger/events.js';
import { sha256, sha256HexSync } from '../ledger/sha256.js';
import type { AuxRecord, DocumentRecord, HoldRecord, Store, TestResultRecord } from '../store/port.js';

const Num = DecimalString;
const Meta = CommandMeta.shape;
/** Canonical base64: whole 4-character groups, `=` padding only at the end (what `atob` accepts). */
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** One line of a product specification: numeric limits, or an expected text (pass/fail tests). */
export const SpecTest = z
  .strictObject({
    code: Code,
    name: Name,
    method: Text(LIMITS.name, 0).optional(),
    unit: Text(LIMITS.code, 0).optional(),
    min: Num.optional(),
    max: Num.optional(),
    target: Num.optional(),
    /** Expected result of a qualitative test, e.g. "absent in 25 g" (compared case-insensitively). */
    expected: Text(LIMITS.name, 0).optional(),
  })
  .refine((t) => t.min !== undefined || t.max !== undefined || t.expected !== undefined, {
    message: 'give min, max or expected',
  });
export const DefineSpecInput = z.strictObject({
  productId: Id,
  tests: z.array(SpecTest).min(1).max(LIMITS.items),
  ...Meta,
});
export type DefineSpecInput = z.input<typeof DefineSpecInput>;

export const RecordTestInput = z.strictObject({
  resultId: Id,
  lotId: Id,
  testCode: Code,
  /** The measured value (decimal string) or the observed text of a qualitative test. */
  value: Name,
  unit: Text(LIMITS.code, 0).optional(),
  method: Text(LIMITS.name, 0).optional(),
  lab: Text(LIMITS.name, 0).optional(),
  sampledAt: IsoDate.optional(),
  documentId: Id.optional(),
  ...Meta,
});
export type RecordTestInput = z.input<typeof RecordTestInput>;

export const QualityDecisionInput = z.strictObject({
  lotId: Id,
  decision: z.enum(['release', 'reject']),
  approver: Id,
  note: Note.optional(),
  /** Release even though the verdict is not `conforming` (a concession; the note is required). */
  override: z.boolean().default(false),
  ...Meta,
});
export type QualityDecisionInput = z.input<typeof QualityDecisionInput>;

export const AttachDocumentInput = z
  .strictObject({
    documentId: Id,
    kind: Code,
    title: Name,
    mediaType: Code,
    /** The bytes (stored in the ledger and the store: keep documents small), base64 or a Uint8Array. */
    content: z
      .union([
        z.instanceof(Uint8Array).refine((b) => b.byteLength <= LIMITS.documentBytes, {
          message: `must be at most ${LIMITS.documentBytes} bytes`,
        }),
        z
          .string()
          .max(Math.ceil(LIMITS.documentBytes / 3) * 4, {
            message: `must be at most ${LIMITS.documentBytes} bytes`,
          })
          .regex(BASE64_RE, 'expected base64 (groups of 4 characters, = padding)'),
      ])
      .optional(),
    /** Or where the document lives (then `sha256` and `byteLength` must be given). */
    uri: z.url().max(LIMITS.text).optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    byteLength: z.number().int().min(0).optional(),
    lotIds: z.array(Id).max(LIMITS.items).default([]),
    shipmentIds: z.array(Id).max(LIMITS.items).default([]),
    ...Meta,
  })
  .refine(
    (v) =>
      v.content !== undefined ||
      (v.uri !== undefined && v.sha256 !== undefined && v.byteLength !== undefined),
    {
      path: ['content'],
      message: 'give content, or uri with sha256 and byteLength',
    },
  )
  .refine((v) => v.lotIds.length + v.shipmentIds.length > 0, {
    path: ['lotIds'],
    message: 'attach to a lot or a shipment',
  });
export type AttachDocumentInput = z.input<typeof AttachDocumentInput>;

export const SPEC = 'spec';
/** Hold reason codes that a quality release lifts. */
export const QC_HOLD_REASONS = [
  'qc',
  'incoming_inspection',
  'in_process_failure',
  'pending_lab_result',
] as const;

const cmpDec = (a: string, b: string) => Number(a) - Number(b);

/** The conformity of one result against its specification line. */
export function conformity(
  spec: z.output<typeof SpecTest> | undefined,
  value: string,
): 'pass' | 'fail' | 'info' {
  if (!spec) return 'info';
  if (spec.expected !== undefined)
    return value.trim().toLowerCase() === spec.expected.trim().toLowerCase() ? 'pass' : 'fail';
  if (!/^-?\d+(\.\d+)?$/.test(value)) return 'fail';
  if (spec.min !== undefined && cmpDec(value, spec.min) < 0) return 'fail';
  if (spec.max !== undefined && cmpDec(value, spec.max) > 0) return 'fail';
  return 'pass';
}

export const defineSpecCommand: CommandSpec<typeof DefineSpecInput, 'specDefined'> = {
  name: 'defineSpec',
  type: 'specDefined',
  schema: DefineSpecInput,
  async decide(input, { store }) {
    await requireProduct(store, input.productId, ['productId']);
    const codes = new Set<string>();
    for (const [i, t] of input.tests.entries()) {
      if (codes.has(t.code))
        throw fieldError(['tests', i, 'code'], `duplicate test code "${t.code}"`, t.code);
      codes.add(t.code);
      if (t.min !== undefined && t.max !== undefined && cmpDec(t.min, t.max) > 0)
        throw fieldError(['tests', i, 'min'], `is above max ${t.max}`, t.min);
    }
    return { productId: input.productId, tests: input.tests.map((t) => ({ ...t })) };
  },
};

export const recordTestCommand: CommandSpec<typeof RecordTestInput, 'tested'> = {
  name: 'recordTest',
  type: 'tested',
  schema: RecordTestInput,
  async decide(input, { store, eventTime }) {
    if (await store.getTestResult(input.resultId))
      throw fieldError(['resultId'], `result "${input.resultId}" already exists`, input.resultId);
    const lot = await requireLot(store, input.lotId, ['lotId']);
    const spec = (await store.getRecord(SPEC, lot.productId))?.value as
      | { tests: z.output<typeof SpecTest>[] }
      | undefined;
    const line = spec?.tests.find((t) => t.code === input.testCode);
    if (spec && !line)
      throw fieldError(['testCode'], `is not in the specification of "${lot.productId}"`, input.testCode);
    const p: EventPayloads['tested'] = {
      resultId: input.resultId,
      lotId: input.lotId,
      testCode: input.testCode,
      value: input.value,
      result: conformity(line, input.value),
      testedAt: eventTime,
    };
    for (const k of ['unit', 'method', 'lab', 'sampledAt', 'documentId'] as const)
      if (input[k] !== undefined) p[k] = input[k];
    if (line?.unit !== undefined && p.unit === undefined) p.unit = line.unit;
    if (line?.min !== undefined) p.specMin = line.min;
    if (line?.max !== undefined) p.specMax = line.max;
    return p;
  },
};

/** The verdict of a lot against its product's specification. */
export interface QualityVerdict {
  lotId: string;
  productId: string;
  verdict: 'conforming' | 'nonconforming' | 'incomplete' | 'no_specification';
  lines: {
    code: string;
    name: string;
    method?: string;
    unit?: string;
    min?: string;
    max?: string;
    target?: string;
    expected?: string;
    value?: string;
    result: 'pass' | 'fail' | 'missing';
    testedAt?: string;
    lab?: string;
  }[];
  decision?: {
    decision: 'release' | 'reject';
    approver: string;
    at: string;
    note?: string;
    override: boolean;
  };
}

/** Compute the verdict: the latest result of each specified test decides; any fail → nonconforming. */
export async function qualityVerdict(store: Store, lotId: string): Promise<QualityVerdict> {
  const lot = await requireLot(store, lotId, ['lotId']);
  const spec = (await store.getRecord(SPEC, lot.productId))?.value as
    | { tests: z.output<typeof SpecTest>[] }
    | undefined;
  const results = await store.listTestResults({ lotId });
  const latest = new Map<string, TestResultRecord>();
  for (const r of results) latest.set(r.testCode, r);
  const lines: QualityVerdict['lines'] = (spec?.tests ?? []).map((t) => {
    const r = latest.get(t.code);
    const line: QualityVerdict['lines'][number] = { code: t.code, name: t.name, result: 'missing' };
    for (const k of ['method', 'unit', 'min', 'max', 'target', 'expected'] as const)
      if (t[k] !== undefined) line[k] = t[k];
    if (r) {
      line.value = r.value ?? '';
      line.result = r.result === 'pass' ? 'pass' : 'fail';
      line.testedAt = r.testedAt;
      if (r.lab !== undefined) line.lab = r.lab;
    }
    return line;
  });
  const verdict: QualityVerdict['verdict'] = !spec
    ? 'no_specification'
    : lines.some((l) => l.result === 'fail')
      ? 'nonconforming'
      : lines.some((l) => l.result === 'missing')
        ? 'incomplete'
        : 'conforming';
  const v: QualityVerdict = { lotId, productId: lot.productId, verdict, lines };
  const d = (await store.getRecord('qualityDecision', lotId))?.value as
    | QualityVerdict['decision']
    | undefined;
  if (d) v.decision = d;
  return v;
}

export const qualityDecisionCommand: CommandSpec<typeof QualityDecisionInput, 'qualityDecided'> = {
  name: 'qualityDecide',
  type: 'qualityDecided',
  schema: QualityDecisionInput,
  async decide(input, { store }) {
    const v = await qualityVerdict(store, input.lotId);
    if (input.decision === 'release' && v.verdict !== 'conforming') {
      if (!input.override)
        throw fieldError(
          ['decision'],
          `lot "${input.lotId}" is ${v.verdict}: release needs override: true and a note`,
          v.verdict,
        );
      if (!input.note) throw fieldError(['note'], 'is required to release a lot that is not conforming');
    }
    const lifted =
      input.decision === 'release'
        ? (await store.listHolds({ lotId: input.lotId, status: 'active' })).filter((h) =>
            (QC_HOLD_REASONS as readonly string[]).includes(h.reasonCode),
          )
        : [];
    return {
      lotId: input.lotId,
      decision: input.decision,
      approver: input.approver,
      verdict: v.verdict,
      override: input.override,
      ...(input.note !== undefined ? { note: input.note } : {}),
      liftedHolds: lifted as unknown as Json[],
    };
  },
};

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export const attachDocumentCommand: CommandSpec<typeof AttachDocumentInput, 'documentAttached'> = {
  name: 'attachDocument',
  type: 'documentAttached',
  schema: AttachDocumentInput,
  async decide(input, { store }) {
    if (await store.getDocument(input.documentId))
      throw fieldError(['documentId'], `document "${input.documentId}" already exists`, input.documentId);
    for (const [i, id] of input.lotIds.entries()) await requireLot(store, id, ['lotIds', i]);
    for (const [i, id] of input.shipmentIds.entries())
      if (!(await store.getShipment(id))) throw notFound('shipment', ['shipmentIds', i], id);
    let contentBase64: string | undefined;
    let hash = input.sha256;
    let byteLength = input.byteLength;
    if (input.content !== undefined) {
      const bytes = typeof input.content === 'string' ? fromBase64(input.content) : input.content;
      contentBase64 = typeof input.content === 'string' ? input.content : toBase64(bytes);
      const digest = Array.from(sha256(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
      if (hash !== undefined && hash !== digest)
        throw fieldError(['sha256'], 'does not match the content', hash);
      hash = digest;
      byteLength = bytes.length;
    }
    return {
      documentId: input.documentId,
      kind: input.kind,
      title: input.title,
      mediaType: input.mediaType,
      sha256: hash!,
      byteLength: byteLength!,
      lotIds: [...input.lotIds],
      shipmentIds: [...input.shipmentIds],
      ...(input.uri !== undefined ? { uri: input.uri } : {}),
      ...(contentBase64 !== undefined ? { contentBase64 } : {}),
    };
  },
};

/** Projection of the quality events. */
export function projectQuality(
  type: 'specDefined' | 'tested' | 'qualityDecided' | 'documentAttached',
  payload: unknown,
  e: { seq: number; eventTime: string },
):
  | { type: 'putRecord'; record: AuxRecord }
  | { type: 'putTestResult'; result: TestResultRecord }
  | { type: 'putDocument'; document: DocumentRecord }
  | { type: 'putHold'; hold: HoldRecord }
  | ({ type: 'putRecord'; record: AuxRecord } | { type: 'putHold'; hold: HoldRecord })[] {
  if (type === 'specDefined') {
    const p = payload as EventPayloads['specDefined'];
    return {
      type: 'putRecord',
      record: { collection: SPEC, id: p.productId, value: { tests: p.tests } as unknown as Json, seq: e.seq },
    };
  }
  if (type === 'tested') {
    const p = payload as EventPayloads['tested'];
    const { resultId, ...rest } = p;
    return { type: 'putTestResult', result: { id: resultId, ...rest, seq: e.seq } as TestResultRecord };
  }
  if (type === 'documentAttached') {
    const p = payload as EventPayloads['documentAttached'];
    const { documentId, contentBase64, ...rest } = p;
    const doc: DocumentRecord = { id: documentId, ...rest, attachedAt: e.eventTime, seq: e.seq };
    if (contentBase64 !== undefined) doc.content = fromBase64(contentBase64);
    return { type: 'putDocument', document: doc };
  }
  const p = payload as EventPayloads['qualityDecided'];
  const out: ({ type: 'putRecord'; record: AuxRecord } | { type: 'putHold'; hold: HoldRecord })[] = [
    {
      type: 'putRecord',
      record: {
        collection: 'qualityDecision',
        id: p.lotId,
        value: {
          decision: p.decision,
          approver: p.approver,
          at: e.eventTime,
          override: p.override,
          ...(p.note !== undefined ? { note: p.note } : {}),
        },
        seq: e.seq,
      },
    },
  ];
  for (const h of p.liftedHolds as unknown as HoldRecord[])
    out.push({
      type: 'putHold',
      hold: { ...h, status: 'released', releasedAt: e.eventTime, releasedSeq: e.seq },
    });
  return out;
}

/** The Certificate of Analysis of a lot as PDF: product, lot, dates, specification, results, verdict, approver. */
export async function coaPdf(store: Store, lotId: string): Promise<Uint8Array> {
  const v = await qualityVerdict(store, lotId);
  const lot = (await store.getLot(lotId))!;
  const product = await store.getProduct(lot.productId);
  const doc = await PDFDocument.create();
  doc.setTitle(`Certificate of Analysis ${lotId}`);
  doc.setProducer('lotgraph');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage([595.28, 841.89]);
  let y = 790;
  const safe = (t: string) => t.replace(/[^\x20-\x7E\xA0-\xFF]/g, '?');
  const text = (t: string, x: number, size = 10, f = font) => page.drawText(safe(t), { x, y, size, font: f });
  text('Certificate of Analysis', 48, 20, bold);
  y -= 30;
  for (const [k, val] of [
    [
      'Product',
      `${product?.name ?? lot.productId} (${lot.productId})${product?.gtin ? `, GTIN ${product.gtin}` : ''}`,
    ],
    ['Lot', `${lot.id}${lot.supplierLotNumber ? ` (supplier lot ${lot.supplierLotNumber})` : ''}`],
    ['Production date', lot.productionDate ?? '-'],
    ['Expiry / best before', lot.expiry ?? lot.bestBefore ?? '-'],
    ['Origin', lot.originCountry ?? '-'],
  ] as const) {
    text(`${k}:`, 48, 10, bold);
    text(val, 170);
    y -= 16;
  }
  y -= 10;
  const cols = [48, 150, 260, 330, 400, 480];
  for (const [i, h] of ['Test', 'Method', 'Unit', 'Specification', 'Result', 'Conformity'].entries())
    text(h, cols[i]!, 10, bold);
  y -= 6;
  page.drawLine({ start: { x: 48, y }, end: { x: 547, y }, thickness: 0.5, color: rgb(0.3, 0.3, 0.3) });
  y -= 14;
  for (const l of v.lines) {
    const specText =
      l.expected ??
      [l.min !== undefined ? `>= ${l.min}` : '', l.max !== undefined ? `<= ${l.max}` : '']
        .filter(Boolean)
        .join(' ');
    for (const [i, c] of [
      l.name,
      l.method ?? '',
      l.unit ?? '',
      specText,
      l.value ?? '-',
      l.result.toUpperCase(),
    ].entries())
      text(c.length > 22 ? `${c.slice(0, 21)}.` : c, cols[i]!, 9);
    y -= 15;
  }
  y -= 15;
  text(`Verdict: ${v.verdict.toUpperCase()}`, 48, 12, bold);
  y -= 18;
  text(
    v.decision
      ? `Decision: ${v.decision.decision} by ${v.decision.approver} on ${v.decision.at.slice(0, 10)}${v.decision.override ? ' (concession)' : ''}`
      : 'Decision: pending',
    48,
    11,
  );
  y -= 16;
  text(`Certificate hash of the results: ${sha256HexSync(JSON.stringify(v.lines)).slice(0, 16)}`, 48, 8);
  return doc.save();
}
