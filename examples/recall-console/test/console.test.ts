// Builds the console with Vite (nothing prebuilt needed), starts the wms-service with the demo data on
// 127.0.0.1 serving that build, and drives it in headless Chromium: enquiry by GS1 scan, the genealogy
// picture (expand, re-centre), a drill opened from the lot, a customer acknowledged, the report downloaded,
// a quality release; then a large exported genealogy loaded client-side and a heavy-hitter closure drawn.
// Screenshots of each screen go to docs/images/console-*.png (shown in the README).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryStore } from '@lotgraph/sdk';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../scripts/chromium.mjs';
// @ts-expect-error — plain ESM module without types
import { loadDemo } from '../../wms-service/src/demo-data.mjs';
// @ts-expect-error — plain ESM module without types
import { start } from '../../wms-service/src/server.mjs';
// @ts-expect-error — plain ESM module without types
import { writeBigSnapshot } from '../scripts/big-snapshot.mjs';

const haveChromium = chromiumAvailable('the recall-console test');
const root = fileURLToPath(new URL('..', import.meta.url));
const images = fileURLToPath(new URL('../../../docs/images/', import.meta.url));
const outDir = mkdtempSync(path.join(tmpdir(), 'lotgraph-recall-console-'));
const BIG_LOTS = 200_000;

// biome-ignore lint/suspicious/noExplicitAny: the plain-JS service and demo loader
let svc: any;
// biome-ignore lint/suspicious/noExplicitAny: ids returned by the plain-JS demo loader
let demo: any;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function shot(name: string) {
  mkdirSync(images, { recursive: true });
  await page.screenshot({ path: path.join(images, `console-${name}.png`) });
}

describe.skipIf(!haveChromium)('recall console in headless Chromium against the wms-service', () => {
  beforeAll(async () => {
    await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    svc = await start({
      store: new MemoryStore(),
      port: 0,
      staticDir: outDir,
      setup: async (lg: unknown) => {
        demo = await loadDemo(lg, { days: 40, customers: 40 });
      },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await svc?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('finds a lot by a pasted GS1 scan and shows its record, stock and movements; errors replace results', async () => {
    await page.goto(`${svc.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    // Keyboard only: the skip link first, then the search box.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.fill('#q', demo.scan);
    await page.press('#q', 'Enter');
    await page.waitForSelector('[data-testid=lot-record]');
    await page.waitForSelector('[data-testid=movements]');
    const text = (await page.textContent('main')) ?? '';
    expect(text).toContain(demo.scanLot);
    expect(text).toContain('Sesame paste');
    expect(text).toContain('(10) BATCH/LOT');
    expect(text).toContain('Supplier CoA');
    const lot = await svc.lg.lot(demo.scanLot);
    expect(text).toContain(lot.supplierLotNumber);
    const movements = await page.locator('[data-testid=movements] tbody tr').count();
    const receiptsAndConsumptions = (await svc.lg.trace.oneStep(demo.scanLot)).outputs?.length;
    expect(movements).toBeGreaterThan(1);
    if (receiptsAndConsumptions !== undefined)
      expect(movements).toBeGreaterThanOrEqual(receiptsAndConsumptions);
    await shot('enquiry');

    // A broken scan: the error is shown where the search is, and the previous lot is gone.
    await page.fill('#q', '(01)09506000130027(10)X');
    await page.press('#q', 'Enter');
    await page.waitForSelector('[data-testid=error]');
    expect(await page.textContent('[data-testid=error]')).toContain('GS1_INVALID');
    expect(await page.locator('[data-testid=lot-record]').count()).toBe(0);
  });

  it('draws the genealogy picture, expands an aggregate and re-centres on a click', async () => {
    await page.goto(`${svc.url}/#/genealogy/${demo.scanLot}`);
    await page.waitForSelector(`body[data-picture="${demo.scanLot}"]`);
    const nodes = page.locator('[data-testid=genealogy-svg] g.node');
    const before = await nodes.count();
    expect(before).toBeGreaterThan(2);
    expect(await page.locator('g.node.root').getAttribute('data-ref')).toBe(demo.scanLot);
    const stats = (await page.textContent('[data-testid=gen-stats]')) ?? '';
    const fwd = await svc.lg.trace.forwardRefs(demo.scanLot);
    expect(stats).toContain(`${fwd.customers.length} customers`);
    expect(stats).toContain('aggregated');
    await shot('genealogy');
    // Expand the customers aggregate from the keyboard.
    const aggregate = page.locator('g.node.group.t-customer');
    expect(await aggregate.count()).toBe(1);
    await aggregate.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('g.node').length > n, before);
    expect(await page.locator('g.node.t-customer:not(.group)').count()).toBe(
      Math.min(40, fwd.customers.length),
    );
    // Focus moved to the first customer shown.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-group'))).toBe(
      't3:customers',
    );
    // Re-centre on a finished lot: a backward picture down to its supplier lots.
    const loaf = (await svc.lg.store.listLots({ productId: 'loaf' }))[3].id;
    await page.goto(`${svc.url}/#/genealogy/${loaf}`);
    await page.waitForSelector(`body[data-picture="${loaf}"]`);
    await shot('genealogy-lot');
    const supplier = page.locator('g.node.t-supplier.clickable').first();
    const target = await supplier.getAttribute('data-ref');
    await supplier.click();
    await page.waitForSelector(`body[data-picture="${target}"]`);
    expect(await page.locator('g.node.root').getAttribute('data-ref')).toBe(target);
  });

  it('opens a drill from the lot, acknowledges a customer and downloads the report', async () => {
    await page.goto(`${svc.url}/#/lot/${demo.scanLot}`);
    await page.waitForSelector('[data-testid=open-recall]');
    await page.click('[data-testid=open-recall]');
    await page.waitForSelector('[data-testid=recall-dashboard]');
    const recallId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);
    const ev = await svc.lg.recall.evidence(recallId);
    expect(ev.drill).toBe(true);
    expect(ev.scope.suspectLots).toEqual([demo.scanLot]);
    const rows = page.locator('[data-testid=customers] tbody tr[data-customer]');
    expect(await rows.count()).toBe(ev.scope.customers.length);
    expect(ev.scope.customers.length).toBeGreaterThan(0);

    const first = ev.scope.customers[0];
    const row = page.locator(`tr[data-customer="${first.customerId}"]`);
    await row.getByRole('button', { name: 'Notify' }).click();
    await page.waitForSelector(`tr[data-customer="${first.customerId}"] >> text=notified`);
    await row.getByRole('button', { name: 'Acknowledge…' }).click();
    await page.click('[data-testid=ack-submit]');
    await page.waitForSelector(`tr[data-customer="${first.customerId}"] >> text=acknowledged`);
    const after = await svc.lg.recall.evidence(recallId);
    expect(after.effectiveness.notified).toBe(1);
    expect(after.effectiveness.acknowledged).toBe(1);
    expect(after.effectiveness.quantityAccountedFor.length).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid=effectiveness]')).toContain('1 acknowledged');
    await shot('recall');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=report-pdf]'),
    ]);
    const file = await download.path();
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // The same dashboard on a tablet: nothing wider than the screen.
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.waitForTimeout(50);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(820);
    await shot('tablet');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('records a result against the spec, refuses a release without approver, releases and serves the CoA', async () => {
    await page.goto(`${svc.url}/#/quality/${demo.heldLot}`);
    await page.waitForSelector('[data-testid=spec]');
    expect(await page.textContent('[data-testid=quality] header')).toContain('incomplete');
    await page.selectOption('select', 'LISTERIA');
    await page.fill('input[placeholder^="36.5"]', 'absent in 25 g');
    await page.getByRole('button', { name: 'Record result' }).click();
    await page.waitForSelector('[data-testid=quality] header >> text=conforming');
    await page.getByRole('button', { name: 'Release' }).click();
    await page.waitForSelector('[data-testid=error]');
    expect(await page.textContent('[data-testid=error]')).toContain('approver');
    await page.fill('input[placeholder="qa.manager"]', 'qa.lead');
    await page.getByRole('button', { name: 'Release' }).click();
    await page.waitForSelector('[data-testid=quality] header >> text=released by qa.lead');
    expect(await page.locator('[data-testid=error]').count()).toBe(0);
    const verdict = await svc.lg.quality.verdict(demo.heldLot);
    expect(verdict.decision.approver).toBe('qa.lead');
    expect((await svc.lg.store.listHolds({ lotId: demo.heldLot, status: 'active' })).length).toBe(0);
    await shot('quality');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=coa]')]);
    expect(
      readFileSync(await download.path())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
    expect(pageErrors).toEqual([]);
  });

  it(`loads a ${BIG_LOTS.toLocaleString()}-lot snapshot client-side and draws a heavy-hitter closure`, async () => {
    const big = await writeBigSnapshot(path.join(outDir, 'big'), BIG_LOTS);
    const start = big.g.samples.finishedLots[0];
    await page.goto(`${svc.url}/#/genealogy/LOT-${start}?snapshot=/big/`);
    await page.waitForSelector(`body[data-picture="LOT-${start}"]`, { timeout: 30_000 });
    const heavy = big.heavy[0];
    const t0 = await page.evaluate((h: number) => {
      const t = performance.now();
      location.hash = `#/genealogy/LOT-${h}?snapshot=/big/`;
      return t;
    }, heavy.h);
    await page.waitForSelector(`body[data-picture="LOT-${heavy.h}"]`, { timeout: 30_000 });
    const ms = Number(await page.evaluate(() => document.body.dataset.pictureAt)) - t0;
    const stats = (await page.textContent('[data-testid=gen-stats]')) ?? '';
    expect(stats).toContain(`${heavy.size.toLocaleString('en-US')} nodes`);
    expect(stats).toContain('aggregated');
    // Aggregated: the picture stays small whatever the closure size.
    expect(await page.locator('g.node').count()).toBeLessThan(80);
    console.log(
      `[recall-console] ${big.nodes.toLocaleString()}-node snapshot; heavy-hitter closure of ${heavy.size.toLocaleString()} nodes: first picture in ${ms.toFixed(0)} ms (target ≤ 1000 ms)`,
    );
    await shot('heavy-hitter');
  }, 60_000);
});
