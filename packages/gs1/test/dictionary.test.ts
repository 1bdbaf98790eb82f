import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DICTIONARY_RELEASE, defaultAiTable, LINTERS, loadSyntaxDictionary, parse } from '@lotgraph/gs1';
import { describe, expect, it } from 'vitest';

const dictionaryText = readFileSync(
  fileURLToPath(new URL('../data/gs1-syntax-dictionary.txt', import.meta.url)),
  'utf8',
);

describe('AI table generated from the GS1 Barcode Syntax Dictionary', () => {
  it('is the committed table of the shipped dictionary (generator output is up to date)', () => {
    const runtime = loadSyntaxDictionary(dictionaryText);
    expect(runtime.problems).toEqual([]);
    expect(runtime.release).toBe('2026-01-27');
    expect(DICTIONARY_RELEASE).toBe('2026-01-27');
    expect(JSON.parse(JSON.stringify(runtime.entries))).toEqual(
      JSON.parse(JSON.stringify(defaultAiTable.entries)),
    );
  });

  it('covers every AI line of the dictionary, ranges expanded', () => {
    let expected = 0;
    for (const line of dictionaryText.split('\n')) {
      const first = line.trim().split(/\s+/)[0] ?? '';
      if (first === '' || first.startsWith('#')) continue;
      const [from, to] = first.split('-');
      expected += to === undefined ? 1 : Number(to) - Number(from) + 1;
    }
    expect(defaultAiTable.entries.length).toBe(expected);
    expect(expected).toBe(541);
    for (const ai of ['00', '01', '10', '17', '3103', '3929', '7011', '8008', '8030', '99']) {
      expect(defaultAiTable.get(ai), ai).toBeDefined();
    }
  });

  it('keeps flags, components, associations and Digital Link roles', () => {
    const gtin = defaultAiTable.get('01')!;
    expect(gtin.predefinedLength).toBe(true);
    expect(gtin.dlDataAttribute).toBe(true);
    expect(gtin.components).toEqual([
      { charset: 'N', minLength: 14, maxLength: 14, optional: false, linters: ['csum', 'gcppos2'] },
    ]);
    expect(gtin.ex).toEqual(['255', '37']);
    expect(gtin.dlpkey).toEqual([['22', '10', '21'], ['235']]);
    const serial = defaultAiTable.get('21')!;
    expect(serial.predefinedLength).toBe(false);
    expect(serial.dlDataAttribute).toBe(false);
    expect(serial.req).toEqual([[['01'], ['03'], ['8006']]]);
    const prodTime = defaultAiTable.get('8008')!;
    expect(prodTime.components.map((c) => [c.optional, c.linters])).toEqual([
      [false, ['yymmdd']],
      [false, ['hh']],
      [true, ['mi']],
      [true, ['ss']],
    ]);
    expect(defaultAiTable.get('7004')!.req).toEqual([[['01', '10']]]);
    expect(defaultAiTable.get('250')!.req).toEqual([[['01'], ['8006']], [['21']]]);
    expect(defaultAiTable.get('8110')!.title).toBe('');
    expect(defaultAiTable.get('3103')!.title).toBe('NET WEIGHT (kg)');
  });

  it('implements every linter the dictionary names', () => {
    const named = new Set<string>();
    for (const e of defaultAiTable.entries)
      for (const c of e.components) for (const l of c.linters) named.add(l);
    expect(named.size).toBe(34);
    const missing = [...named].filter((l) => !(l in LINTERS));
    expect(missing).toEqual([]);
  });
});

describe('loadSyntaxDictionary', () => {
  it('loads a newer dictionary text that parse functions use via options.table', () => {
    const newer = `${dictionaryText}\n9999        ?  N3,iso4217 X..5                                       # FUTURE THING\n`;
    const table = loadSyntaxDictionary(newer);
    expect(table.get('9999')?.title).toBe('FUTURE THING');
    // 99 is a prefix of 9999: in the real dictionary AIs are prefix-free; the newer table has both.
    const r = parse('(9999)978ABC', { table, referenceDate: '2026-01-01' });
    expect(r.elements[0]).toMatchObject({ ai: '9999', value: '978ABC', title: 'FUTURE THING' });
    expect(r.valid).toBe(true);
    const bad = parse('(9999)123ABC', { table, referenceDate: '2026-01-01' });
    expect(bad.diagnostics.map((d) => d.code)).toEqual(['INVALID_CURRENCY']);
  });

  it('reports malformed lines instead of throwing, and unknown linters as warnings', () => {
    const table = loadSyntaxDictionary('01 *? N14,csum\n!!bad line\n98 ? X..5,frobnicate # NEW\n');
    expect(table.entries.map((e) => e.ai)).toEqual(['01', '98']);
    expect(table.problems).toHaveLength(1);
    const r = parse('(98)ABC', { table, referenceDate: '2026-01-01' });
    expect(r.valid).toBe(true);
    expect(r.diagnostics).toMatchObject([
      { code: 'UNKNOWN_LINTER', severity: 'warning', linter: 'frobnicate' },
    ]);
  });

  it('throws a typed error only for a non-string', () => {
    expect(() => loadSyntaxDictionary(42 as unknown as string)).toThrowError(/must be a string/);
  });
});
