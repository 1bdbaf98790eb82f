// The house rules of issue #13, as tests: no import cycles anywhere in packages/*/src (type imports and
// re-exports count), every event type has exactly one registered projector, no bare Error thrown in the sdk.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_TYPES } from '@lotgraph/sdk';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — plain .mjs script shared with the command line
import { findCycles, importGraph } from '../../../scripts/import-graph.mjs';
import { PROJECTORS } from '../src/projection/projectors.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const packages = readdirSync(path.join(root, 'packages')).filter((p) => {
  try {
    return statSync(path.join(root, 'packages', p, 'src')).isDirectory();
  } catch {
    return false;
  }
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('the house', () => {
  for (const pkg of packages) {
    it(`packages/${pkg}/src has no import cycles (type imports count)`, () => {
      const src = path.join(root, 'packages', pkg, 'src');
      const cycles = (findCycles(importGraph(src)) as string[][]).map((c) =>
        c.map((f) => path.relative(src, f)).join(' → '),
      );
      expect(cycles).toEqual([]);
    });
  }

  it('the cycle finder finds a cycle when there is one', () => {
    const a = '/x/a.ts';
    const b = '/x/b.ts';
    expect(
      findCycles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).toHaveLength(1);
  });

  it('every event type has exactly one registered projector', () => {
    expect(Object.keys(PROJECTORS).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('no bare Error is thrown or built in packages/sdk/src', () => {
    const offenders = sources(path.join(root, 'packages', 'sdk', 'src')).flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${path.relative(root, f)}:${i + 1}` }))
        .filter(({ line }) => /\bnew (Type|Range|Syntax)?Error\(/.test(line) && !line.trim().startsWith('//'))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });
});

describe('the error kit', () => {
  it('a missing entity has its own *_NOT_FOUND code naming the field', async () => {
    const { bakery } = await import('./helpers.js');
    const { lg } = await bakery();
    const code = async (p: Promise<unknown>) =>
      (await p.then(
        () => undefined,
        (e: unknown) => e,
      )) as { code: string; details: { field?: string } };
    expect(await code(lg.recall.evidence('R-404'))).toMatchObject({
      code: 'RECALL_NOT_FOUND',
      details: { field: 'recallId' },
    });
    expect(await code(lg.release({ holdId: 'H-404' }))).toMatchObject({
      code: 'HOLD_NOT_FOUND',
      details: { field: 'holdId' },
    });
    expect(await code(lg.allocation.release({ reservationId: 'X-404' }))).toMatchObject({
      code: 'RESERVATION_NOT_FOUND',
    });
    expect(
      await code(lg.allocation.confirmPick({ reservationId: 'X-404', scan: '(01)09506000134352' })),
    ).toMatchObject({
      code: 'RESERVATION_NOT_FOUND',
    });
  });
});
