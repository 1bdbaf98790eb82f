// Per-command hot-path code written for speed, each checked against the obvious implementation on
// arbitrary values: decimal → steps, canonical JSON key order with any keys, and MemoryStore's by-lot
// tables under writes and rollbacks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toUtcInstant } from '../src/domain/dates.js';
import { toSteps } from '../src/domain/quantity.js';
import { LotgraphError } from '../src/errors.js';
import { canonicalJson } from '../src/ledger/hashing.js';
import { ByLotTable, UndoLog } from '../src/store/memory-tables.js';

/** The obvious conversion: the exact rational value scaled by 10^decimals, refused unless whole. */
function referenceSteps(value: string, decimals: number): bigint | 'precision' | 'too large' {
  const neg = value.startsWith('-');
  const [int = '0', frac = ''] = (neg ? value.slice(1) : value).split('.');
  const num = BigInt(int + frac) * 10n ** BigInt(decimals) * (neg ? -1n : 1n);
  const den = 10n ** BigInt(frac.length);
  if (num % den !== 0n) return 'precision';
  const steps = num / den;
  return steps > 999_999_999_999_999n || steps < -999_999_999_999_999n ? 'too large' : steps;
}

const decimalString = fc
  .tuple(
    fc.boolean(),
    fc.stringMatching(/^\d{1,18}$/),
    fc.option(fc.stringMatching(/^\d{1,8}$/), { nil: undefined }),
  )
  .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}`);

describe('hot path equals the obvious implementations', () => {
  it('toSteps gives the exact scaled value or the same refusal (property)', () => {
    fc.assert(
      fc.property(decimalString, fc.integer({ min: 0, max: 6 }), (value, decimals) => {
        const expected = referenceSteps(value, decimals);
        let got: bigint | string;
        try {
          got = toSteps(value, decimals);
        } catch (e) {
          expect(e).toBeInstanceOf(LotgraphError);
          const message = (e as Error).message;
          got = message.includes('decimal places')
            ? 'precision'
            : message.includes('too large')
              ? 'too large'
              : message;
        }
        expect(got).toBe(expected);
      }),
    );
  });

  it('canonicalJson orders any keys as Array.prototype.sort does, few or many (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.integer(), { maxKeys: 40 }), (obj) => {
        const keys = Object.keys(obj).sort();
        const expected = `{${keys.map((k) => `${JSON.stringify(k)}:${obj[k]}`).join(',')}}`;
        expect(canonicalJson(obj)).toBe(expected);
      }),
    );
  });

  it('toUtcInstant gives the same instant whatever was normalised before it', () => {
    const inputs = ['2026-03-01T08:00:00Z', '2026-03-01T09:00:00+01:00', '2026-03-01T08:00:00Z'];
    for (const s of inputs) expect(toUtcInstant(s)).toBe(new Date(Date.parse(s)).toISOString());
    expect(toUtcInstant('2026-03-01T09:00:00+01:00')).toBe('2026-03-01T08:00:00.000Z');
  });

  it('a by-lot table answers by lot as a scan does, through sets, deletes and rollbacks (property)', () => {
    type Row = { lotId: string; n: number };
    const op = fc.oneof(
      fc.record({ set: fc.integer({ min: 0, max: 9 }), lot: fc.constantFrom('A', 'B', 'C'), n: fc.nat() }),
      fc.record({ del: fc.integer({ min: 0, max: 9 }) }),
      fc.record({ rollback: fc.constant(true) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const table = new ByLotTable<Row>();
        let undo = new UndoLog();
        for (const o of ops) {
          if ('set' in o) {
            undo.note(table as Map<string, unknown>, `k${o.set}`);
            table.set(`k${o.set}`, { lotId: o.lot, n: o.n });
          } else if ('del' in o) {
            undo.note(table as Map<string, unknown>, `k${o.del}`);
            table.delete(`k${o.del}`);
          } else {
            undo.rollback();
            undo = new UndoLog();
          }
          for (const lot of ['A', 'B', 'C']) {
            const scan = [...table.values()].filter((r) => r.lotId === lot);
            expect(new Set(table.ofLot(lot))).toEqual(new Set(scan));
            expect(table.ofLot(lot)).toHaveLength(scan.length);
          }
        }
      }),
    );
  });
});
