import type { z } from 'zod';
import { requireLot } from '../commands/lookups.js';
import type { Store, TestResultRecord } from '../store/port.js';
import { SPEC, type SpecTest } from './schemas.js';

export const cmpDec = (a: string, b: string) => Number(a) - Number(b);

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
