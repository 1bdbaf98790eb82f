import { createHash } from 'node:crypto';
import { sha256, sha256Hex, sha256HexSync } from '@lotgraph/sdk';

/** The portable TypeScript digest (what browsers run; in Node the sdk uses node:crypto). */
const portable = (s: string) => Buffer.from(sha256(new TextEncoder().encode(s))).toString('hex');

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('sha256', () => {
  it('matches the FIPS 180-4 / NIST test vectors', () => {
    expect(sha256HexSync('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(portable('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(portable('a'.repeat(1_000_000))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
    expect(sha256HexSync('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256HexSync('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(sha256HexSync('a'.repeat(1_000_000))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('equals node:crypto on any string, across block boundaries and non-ASCII (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'grapheme', maxLength: 100 }),
          fc.string({ unit: 'binary', maxLength: 200 }),
        ),
        async (s) => {
          const want = createHash('sha256').update(s, 'utf8').digest('hex');
          expect(sha256HexSync(s)).toBe(want);
          expect(await sha256Hex(s)).toBe(want);
          expect(portable(s)).toBe(want);
        },
      ),
      { numRuns: 500 },
    );
    for (let n = 50; n < 140; n++) {
      const s = 'x'.repeat(n);
      expect(sha256HexSync(s)).toBe(createHash('sha256').update(s).digest('hex'));
      expect(portable(s)).toBe(createHash('sha256').update(s).digest('hex'));
    }
  });
});
