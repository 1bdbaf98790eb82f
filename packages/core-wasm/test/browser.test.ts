// The built ESM bundle in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core): a page
// served from 127.0.0.1 imports dist/index.js, builds a graph, round-trips a snapshot and traces.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../scripts/chromium.mjs';
import { distDir, expectedTrace, requireDist } from './dist-support.js';

const haveChromium = chromiumAvailable('the core-wasm browser test');

const page = readFileSync(new URL('./fixtures/page.html', import.meta.url));

describe.skipIf(!haveChromium)('built package in headless Chromium', () => {
  let server: Server;
  let origin = '';

  beforeAll(async () => {
    requireDist();
    server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/' || path === '/index.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      } else if (path === '/index.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(`${distDir}index.js`));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('runs a trace client-side', async () => {
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(String(e)));
      await tab.goto(`${origin}/`);
      await tab.waitForFunction(
        () => (window as unknown as { traceResult?: unknown }).traceResult !== undefined,
      );
      const result = await tab.evaluate(() => (window as unknown as { traceResult: unknown }).traceResult);
      expect(errors).toEqual([]);
      expect(result).toEqual(expectedTrace);
    } finally {
      await browser.close();
    }
  });
});
