// The event hash's canonical JSON and the payload copy are hot-path code written for speed: each is
// checked against the obvious implementation on arbitrary values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, jsonCopy } from '../src/ledger/hashing.js';

/** The obvious canonical JSON: sorted keys, undefined members dropped, no whitespace. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return JSON.stringify(value.toString());
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts = Object.keys(obj)
    .sort()
    .filter((k) => obj[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${reference(obj[k])}`);
  return `{${parts.join(',')}}`;
}

/** JSON-ish values with the awkward members payloads can carry: undefined, -0, NaN, Dates, "__proto__". */
const awkward = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.double(),
    fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, undefined, null, true, false),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constant('__proto__')), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('canonical JSON and the JSON copy', () => {
  it('canonicalJson equals the obvious implementation on JSON values (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
      }),
    );
  });

  it('jsonCopy equals JSON.parse(JSON.stringify(v)), and hashes the same (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), awkward, { maxKeys: 6 }), (v) => {
        const viaText = JSON.parse(JSON.stringify(v));
        const copy = jsonCopy(v);
        expect(copy).toStrictEqual(viaText);
        expect(Object.keys(copy as object)).toEqual(Object.keys(viaText));
        expect(canonicalJson(copy)).toBe(reference(viaText));
      }),
    );
  });

  it('keeps a "__proto__" key as data and refuses a bigint like JSON.stringify', () => {
    const copy = jsonCopy(JSON.parse('{"__proto__":{"x":1}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(() => jsonCopy({ n: 1n })).toThrow(TypeError);
  });
});
