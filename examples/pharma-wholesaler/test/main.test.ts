import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error — plain ESM module without types
import { GTIN, PHARMACIES, RECALLED, runWholesaler } from '../src/main.mjs';

const main = fileURLToPath(new URL('../src/main.mjs', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-pharma-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ax = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `AX11${String(from + i).padStart(5, '0')}`);

/** The serials of the recalled batch each pharmacy received, by design of the scenario. */
const EXPECTED: Record<string, string[]> = {
  'Apotheke am Markt': ax(1, 12), // a whole case, picked off the pallet by its SSCC
  'Rosen-Apotheke': ax(25, 36), // a whole case (one pack of it returned since)
  'Stadt-Apotheke': [...ax(13, 15), 'AX1100049'], // single packs, one of them the courier pack
};

/** Pharmacy name → serials, read from the printed recall section. */
function parseRecall(stdout: string) {
  const section = stdout.slice(stdout.indexOf('5. RECALL'));
  const out = new Map<string, { serials: string[]; states: Record<string, string[]> }>();
  let cur: { serials: string[]; states: Record<string, string[]> } | undefined;
  for (const line of section.split('\n')) {
    const head = /^ {3}(\S.*?) <[^>]+> — shipments/.exec(line);
    if (head) {
      cur = { serials: [], states: {} };
      out.set(head[1]!, cur);
      continue;
    }
    const row = /^ {5}(shipped|dispensed|returned)\s+(.+)$/.exec(line);
    if (row && cur) {
      const list = row[2]!.trim().split(' ');
      cur.states[row[1]!] = list;
      cur.serials.push(...list);
    } else if (!line.startsWith('     ')) cur = undefined;
  }
  return out;
}

describe('the pharma wholesaler example', () => {
  it('runs end to end and prints, per pharmacy, the serials of the recalled batch it received', () => {
    const stdout = execFileSync(process.execPath, [main, '--out', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(stdout).toContain('Ledger verification: intact');
    const recall = parseRecall(stdout);
    expect([...recall.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [name, serials] of Object.entries(EXPECTED))
      expect([...recall.get(name)!.serials].sort(), name).toEqual(serials);
    expect(recall.get('Stadt-Apotheke')!.states.dispensed).toEqual(['AX1100014']);
    expect(recall.get('Rosen-Apotheke')!.states.returned).toEqual(['AX1100030']);
    expect(stdout).toMatch(/not affected: Linden-Apotheke\n/);
    // What never left: cases 2 (rest) and 4, plus the returned pack.
    expect(stdout).toContain('still with us: 21 at WH (AX1100016…AX1100048), 1 at RETURNS (AX1100030)');
    // The notification list CSV names the same serials (GTIN/serial) per pharmacy.
    const csv = readFileSync(path.join(dir, 'notification-list.csv'), 'utf8').trimEnd().split('\r\n');
    expect(csv[0]!.endsWith(',serials')).toBe(true);
    expect(csv).toHaveLength(1 + Object.keys(EXPECTED).length);
    for (const [name, serials] of Object.entries(EXPECTED)) {
      const row = csv.find((r) => r.includes(`,${name},`));
      expect(row, name).toBeDefined();
      const listed = row!.split(',').at(-1)!.split(' ');
      expect(listed.sort()).toEqual(serials.map((s) => `${GTIN.amox}/${s}`));
    }
  });

  it('prints the same report on SQLite (--sqlite FILE) as on MemoryStore', () => {
    const run = (extra: string[]) =>
      execFileSync(process.execPath, [main, ...extra], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      })
        // Randomised (EU FMD style) serials differ between runs: compare everything else.
        .replace(/\b[A-HJ-NP-Z2-9]{12}\b/g, '<generated>')
        .split('\n')
        .slice(1); // the title names the store
    expect(run(['--sqlite', path.join(dir, 'pharma.db')])).toEqual(run([]));
  });

  it('leaves a store whose serials, units and stock agree with the recall', async () => {
    const { lg, recall, perPharmacy } = await runWholesaler();
    const byId = new Map(PHARMACIES.map((p: { id: string; name: string }) => [p.id, p.name]));
    expect(
      Object.fromEntries(
        perPharmacy.map((p: { customerId: string; serials: { serial: string }[] }) => [
          byId.get(p.customerId),
          p.serials.map((s) => s.serial).sort(),
        ]),
      ),
    ).toEqual(EXPECTED);
    // Each serial the example lists really went to that pharmacy (serial → shipment → customer).
    for (const p of perPharmacy)
      for (const s of p.serials) {
        const info = await lg.serials.get(GTIN.amox, s.serial);
        expect(info).toMatchObject({ lotId: RECALLED, customerId: p.customerId, state: s.state });
      }
    // Every delivered pack of the batch is accounted for: shipped ones listed, the rest still with us.
    const all = await lg.serials.list({ lotId: RECALLED });
    expect(all).toHaveLength(49);
    const listed = perPharmacy.flatMap((p: { serials: unknown[] }) => p.serials).length;
    const withUs = all.filter(
      (s: { state: string }) => s.state === 'active' || s.state === 'returned',
    ).length;
    expect(listed + withUs - 1).toBe(49); // the returned pack is in both
    expect(recall.scope.customers.map((c: { customerId: string }) => c.customerId)).not.toContain(
      'ph-linden',
    );
    // Stock agrees with the serials in custody, and the batch is on hold.
    let onHand = 0n;
    for (const s of await lg.store.listStock({ lotId: RECALLED })) onHand += s.quantity;
    expect(onHand).toBe(BigInt(withUs));
    expect((await lg.stock.massBalance(RECALLED)).balance).toBe('0');
    expect((await lg.store.listHolds()).map((h: { lotId: string }) => h.lotId)).toEqual([RECALLED]);
    expect((await lg.verifyLedger()).ok).toBe(true);
    await lg.close();
  });
});
