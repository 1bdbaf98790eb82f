// Builds the page with Vite, generates the snapshot on the "server" (the sdk over the quickstart sample),
// serves both on 127.0.0.1 and drives the page in headless Chromium: traces computed in the browser must
// equal the server's answer. Saves a screenshot to examples/browser-trace/out/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../scripts/chromium.mjs';
// @ts-expect-error — plain ESM module without types
import { makeData } from '../src/make-data.mjs';

const haveChromium = chromiumAvailable('the browser-trace test');
const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = mkdtempSync(path.join(tmpdir(), 'lotgraph-browser-trace-'));
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
};

describe.skipIf(!haveChromium)('browser trace page in headless Chromium', () => {
  let server: Server;
  let origin = '';
  // biome-ignore lint/suspicious/noExplicitAny: the sdk instance from the plain-JS data script
  let lg: any;

  beforeAll(async () => {
    await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true }, publicDir: false });
    ({ lg } = await makeData(outDir, 30));
    server = createServer((req, res) => {
      const p = path.join(
        outDir,
        decodeURIComponent((req.url ?? '/').split('?')[0]!).replace(/^\/$/, '/index.html'),
      );
      if (!p.startsWith(outDir) || !existsSync(p)) return void res.writeHead(404).end();
      res
        .writeHead(200, { 'content-type': TYPES[path.extname(p)] ?? 'application/octet-stream' })
        .end(readFileSync(p));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    rmSync(outDir, { recursive: true, force: true });
  });

  it("traces forward, backward and a recall scope client-side, with the server's numbers", async () => {
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(String(e)));
      await tab.goto(`${origin}/`);
      await tab.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      const lots = (await lg.store.listLots()) as { id: string; productId: string; createdSeq: number }[];
      const sesame = lots
        .filter((l) => l.productId === 'sesame')
        .sort((a, b) => a.createdSeq - b.createdSeq)[1]!.id;
      const loaf = lots.find((l) => l.productId === 'loaf')!.id;
      const count = async () =>
        Promise.all(
          ['lots', 'deliveries', 'customers'].map(async (k) => Number(await tab.textContent(`#count-${k}`))),
        );

      await tab.fill('#lots', sesame);
      await tab.click('#forward');
      await tab.waitForFunction(() => document.body.dataset.done?.startsWith('forward:'));
      const fwd = await lg.trace.forwardRefs(sesame);
      expect(await count()).toEqual([fwd.lots.length, fwd.deliveries.length, fwd.customers.length]);
      expect(fwd.customers.length).toBeGreaterThan(0);
      // The tree shows the customers and at least one quantity with its unit.
      const text = (await tab.textContent('#result')) ?? '';
      const full = await lg.trace.forward(sesame);
      expect(text).toContain(full.customers[0].name);
      expect(text).toMatch(/\d+(\.\d+)? (kg|pc)/);
      mkdirSync(path.join(root, 'out'), { recursive: true });
      await tab.screenshot({ path: path.join(root, 'out', 'browser-trace.png'), fullPage: false });

      await tab.fill('#lots', loaf);
      await tab.click('#backward');
      await tab.waitForFunction(() => document.body.dataset.done?.startsWith('backward:'));
      const back = await lg.trace.backwardRefs(loaf);
      expect((await count())[0]).toBe(back.lots.length);

      const suspects = lots
        .filter((l) => l.productId === 'sesame')
        .slice(0, 3)
        .map((l) => l.id);
      await tab.fill('#lots', suspects.join(', '));
      await tab.click('#scope');
      await tab.waitForFunction(() => document.body.dataset.done?.startsWith('scope:'));
      const scope = await lg.trace.forwardRefs(suspects);
      expect(await count()).toEqual([scope.lots.length, scope.deliveries.length, scope.customers.length]);

      await tab.fill('#lots', 'NOPE');
      await tab.click('#forward');
      expect(await tab.textContent('#error')).toContain('unknown lot "NOPE"');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
