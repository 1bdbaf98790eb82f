import type { z } from 'zod';
import { requireLot, requireProduct } from '../commands/lookups.js';
import { fieldError, notFound } from '../errors.js';
import type { CommandSpec } from '../ledger/command.js';
import type { EventPayloads, Json } from '../ledger/events.js';
import { sha256 } from '../ledger/sha256.js';
import { cmpDec, conformity, qualityVerdict } from './queries.js';
import {
  AttachDocumentInput,
  DefineSpecInput,
  QC_HOLD_REASONS,
  QualityDecisionInput,
  RecordTestInput,
  SPEC,
  type SpecTest,
} from './schemas.js';

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

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(b64: string): Uint8Array {
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
