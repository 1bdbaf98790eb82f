import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FSMA204_COLUMNS } from '../src/exports/regulatory.js';
import { toCsv } from '../src/recall/queries.js';
import { bakery } from './helpers.js';

/** A strict RFC 4180 reader (CRLF records, quoted fields with doubled quotes); throws on malformed input. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const j = text.indexOf('"', i);
        if (j < 0) throw new Error(`unterminated quote at ${i}`);
        cell += text.slice(i, j);
        if (text[j + 1] === '"') {
          cell += '"';
          i = j + 2;
        } else {
          i = j + 1;
          break;
        }
      }
    } else {
      const m = /[,\r\n"]/.exec(text.slice(i));
      const end = m ? i + m.index : text.length;
      if (m && m[0] === '"') throw new Error(`bare quote at ${end}`);
      cell = text.slice(i, end);
      i = end;
    }
    row.push(cell);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
      if (i === text.length) return rows;
      continue;
    }
    throw new Error(`expected , or CRLF at ${i}`);
  }
}

const formulaStart = /^[=+\-@\t\r]/;

describe('spreadsheet-safe RFC 4180 CSV', () => {
  it('every cell reads back exactly (or with a leading quote when it could start a formula) (property)', () => {
    const cellArb = fc.oneof(
      fc.string(),
      fc.constantFrom('=1+1', '+SUM(A1)', '-2+3', '@cmd', '\t=x', '\r=x', '-12.5', '42', 'a,"b"\r\nc'),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cellArb, { minLength: 2, maxLength: 2 }), { maxLength: 6 }), (rows) => {
        const csv = toCsv(['h1', 'h2'], rows);
        const back = parseCsv(csv);
        expect(back[0]).toEqual(['h1', 'h2']);
        expect(back.length).toBe(rows.length + 1);
        for (const [k, r] of rows.entries())
          for (const [c, v] of r.entries()) {
            const got = back[k + 1]![c]!;
            const guarded = formulaStart.test(v) && !/^-?\d+(\.\d+)?$/.test(v);
            expect(got).toBe(guarded ? `'${v}` : v);
            // What a spreadsheet sees never starts a formula, except plain (negative) numbers.
            if (formulaStart.test(got)) expect(got).toMatch(/^-?\d+(\.\d+)?$/);
          }
      }),
      { numRuns: 300 },
    );
  });

  it('the FSMA 204 spreadsheet guards hostile master data and filters by date range', async () => {
    const { lg } = await bakery();
    await lg.defineProduct({
      id: 'evil',
      name: '=HYPERLINK("http://x","y"), "quoted"',
      unit: 'kg',
      decimals: 3,
    });
    await lg.receive({
      lotId: '@L1',
      productId: 'evil',
      supplierId: 'mill',
      locationId: 'WH',
      quantity: '2',
      supplierLotNumber: '+SUP',
    });
    const csv = await lg.exports.fsma204Csv({});
    const [header, ...rows] = parseCsv(csv);
    expect(header).toEqual([...FSMA204_COLUMNS]);
    const col = (name: (typeof FSMA204_COLUMNS)[number]) => FSMA204_COLUMNS.indexOf(name);
    const row = rows.find((r) => r[0] === 'Receiving' && r[col('Internal Lot ID')]?.includes('L1'));
    expect(row).toBeDefined();
    expect(row![col('Internal Lot ID')]).toBe("'@L1");
    // The supplier assigned the traceability lot code: theirs is the TLC, sourced to them.
    expect(row![col('Traceability Lot Code')]).toBe("'+SUP");
    expect(row![col('Product Description')]).toBe(`'=HYPERLINK("http://x","y"), "quoted"`);
    for (const r of rows) for (const c of r) if (formulaStart.test(c)) expect(c).toMatch(/^-?\d+(\.\d+)?$/);
    const day = row![1]!;
    expect(parseCsv(await lg.exports.fsma204Csv({ from: day, to: day })).length).toBe(rows.length + 1);
    expect(parseCsv(await lg.exports.fsma204Csv({ to: '2000-01-01' }))).toEqual([[...FSMA204_COLUMNS]]);
  });
});
