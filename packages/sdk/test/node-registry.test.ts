import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NodeRegistry } from '../src/genealogy/node-registry.js';

// Refs drawn from a small alphabet so that the same ref recurs under several kinds, and short enough to
// collide in the table's low bits.
const ref = fc.oneof(
  fc.stringMatching(/^[ab]{0,3}$/),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const batch = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), ref), { maxLength: 300 });

describe('NodeRegistry', () => {
  it('answers every (kind, ref) like a Map from (kind, ref) to its latest id, across growth and reserve', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(batch, fc.nat({ max: 5000 })), { minLength: 1, maxLength: 12 }),
        (batches) => {
          const r = new NodeRegistry();
          const oracle = new Map<string, number>();
          const key = (k: number, s: string) => `${k}\u0000${s}`;
          let id = 0;
          for (const [nodes, reserve] of batches) {
            if (reserve % 3 === 0) r.reserve(reserve);
            r.add(
              nodes.map(([k]) => k),
              nodes.map(([, s]) => s),
            );
            for (const [k, s] of nodes) oracle.set(key(k, s), id++);
            expect(r.count).toBe(id);
            for (const [k, s] of nodes) expect(r.id(k, s)).toBe(oracle.get(key(k, s)));
          }
          expect(r.kinds.length).toBe(id);
          for (let n = 0; n < id; n++) {
            const k = r.kinds[n]!;
            const s = r.refs[n]!;
            expect(r.id(k, s)).toBe(oracle.get(key(k, s)));
            // Absent: the same ref under a kind never added, and a ref never added.
            expect(r.id(9, s)).toBeUndefined();
            expect(r.id(k, `${s}\u0001absent`)).toBeUndefined();
          }
        },
      ),
    );
  });

  it('resolves a batch: known nodes keep their ids, new ones continue densely', () => {
    const r = new NodeRegistry();
    r.add([0, 1], ['L1', 'S1/1']);
    const res = r.resolver();
    const a = res.resolve(
      [{ kind: 0, ref: 'L2' }],
      [{ src: { kind: 0, ref: 'L1' }, dst: { kind: 0, ref: 'L2' }, quantity: 1n, scale: 0 }],
      5,
    );
    expect(a.firstId).toBe(2);
    expect(a.edges).toEqual([{ src: 0, dst: 2, quantity: 1n, scale: 0, seq: 5 }]);
    const m = res.merged();
    r.add(m.newKinds, m.newRefs);
    expect(r.id(0, 'L2')).toBe(2);
    expect(r.id(1, 'L2')).toBeUndefined();
  });
});
