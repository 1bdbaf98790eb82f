// The CI-sized variant of the soak and fault suite (`npm run soak` runs the same experiments at full size):
// 8 writer processes on one store, kill -9 during ingest, the writers' PostgreSQL backends terminated
// mid-ingest. Asserts invariants only — never a duration: no CONFLICT reaches a caller, nothing
// acknowledged is lost, nothing oversold, no half-written batch, the ledger verifies, no process crashes.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — a plain .mjs module shared with the soak runner
import * as soak from '../soak/harness.mjs';
import { postgresAvailable } from './pg-helpers.js';

const distReady = existsSync(fileURLToPath(new URL('../dist/sqlite/index.js', import.meta.url)));
const pgUp = await postgresAvailable();
if (!distReady && process.env.CI)
  throw new Error('packages/adapters/dist is missing: `npm test` builds it first');

interface Figures {
  missing: string[];
  gaps: number;
  ledgerOk: boolean;
  oversold: string[];
  errors?: Record<string, number>;
  crashed?: unknown[];
  halfWritten?: number;
  perProcess?: number[];
}

function expectInvariants(r: Figures) {
  expect(r.crashed ?? []).toEqual([]);
  expect(r.missing).toEqual([]);
  expect(r.gaps).toBe(0);
  expect(r.ledgerOk).toBe(true);
  expect(r.oversold).toEqual([]);
  expect(r.errors?.CONFLICT ?? 0).toBe(0);
  expect(r.halfWritten ?? 0).toBe(0);
}

const targets = [
  { name: 'sqlite', make: (tag: string) => soak.sqliteTarget(tag), up: true },
  { name: 'postgres', make: (tag: string) => soak.postgresTarget(tag), up: pgUp },
];

describe.skipIf(!distReady)('soak (CI size)', () => {
  for (const t of targets) {
    it.skipIf(!t.up)(
      `${t.name}: 8 writer processes reserving at once — every command commits, none sees CONFLICT`,
      async () => {
        const target = t.make('ci8');
        try {
          const r = await soak.concurrentWriters(target, { processes: 8, count: 12 });
          expectInvariants(r);
          expect(r.errors).toEqual({});
          expect(r.perProcess).toEqual(Array(8).fill(12));
        } finally {
          await target.drop();
        }
      },
    );

    it.skipIf(!t.up)(
      `${t.name}: kill -9 during ingest loses nothing acknowledged and writes no half batch`,
      async () => {
        const target = t.make('cikill');
        try {
          const r = await soak.killDuringIngest(target, { rounds: 2, after: [2, 15] });
          expectInvariants(r);
          expect(r.kills.every((k: { signal: string }) => k.signal === 'SIGKILL')).toBe(true);
        } finally {
          await target.drop();
        }
      },
    );
  }
});
