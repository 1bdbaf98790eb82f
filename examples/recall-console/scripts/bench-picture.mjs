// Time to first picture of heavy-hitter closures, client-side, on a large exported genealogy.
// Builds the console, writes a snapshot of `--lots N` lots (default 1,000,000; the bench generator's
// genealogy), serves both on 127.0.0.1 and drives headless Chromium: load the snapshot once, then for the
// five heaviest silo lots measure hash change → picture painted (closure, fold, aggregate, ELK layout, SVG).
// Usage: npm run build (repo root, once) && npm run bench -w @lotgraph/example-recall-console -- --lots 1000000
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { launchChromium } from '../../../scripts/chromium.mjs';
import { writeBigSnapshot } from './big-snapshot.mjs';

const args = process.argv.slice(2);
const lots = Number(args[args.indexOf('--lots') + 1] ?? 1_000_000) || 1_000_000;
const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(path.join(tmpdir(), 'lotgraph-console-bench-'));
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
};

try {
  await build({ root, logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  let t = performance.now();
  const big = await writeBigSnapshot(path.join(out, 'big'), lots);
  console.log(
    `snapshot: ${big.nodes.toLocaleString()} nodes, ${big.edges.toLocaleString()} edges, ${(big.bytes / 1e6).toFixed(1)} MB (+ sidecar), generated in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const server = createServer((req, res) => {
    const rel = decodeURIComponent((req.url ?? '/').split('?')[0]).replace(/^\/$/, '/index.html');
    const file = path.join(out, rel);
    let size = -1;
    try {
      size = file.startsWith(out) ? statSync(file).size : -1;
    } catch {}
    if (size < 0) return void res.writeHead(404).end();
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': size,
    });
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const first = big.g.samples.finishedLots[0];
    t = performance.now();
    await page.goto(`${origin}/#/genealogy/LOT-${first}?snapshot=/big/`);
    await page.waitForSelector(`body[data-picture="LOT-${first}"]`, { timeout: 120_000 });
    console.log(
      `page + snapshot load + first (small) picture: ${(performance.now() - t).toFixed(0)} ms — ${await page.textContent('[data-testid=gen-loaded]')}`,
    );
    const times = [];
    for (const { h, size } of big.heavy.slice(0, 5)) {
      const t0 = await page.evaluate((id) => {
        const now = performance.now();
        location.hash = `#/genealogy/LOT-${id}?snapshot=/big/`;
        return now;
      }, h);
      await page.waitForSelector(`body[data-picture="LOT-${h}"]`, { timeout: 60_000 });
      const ms = Number(await page.evaluate(() => document.body.dataset.pictureAt)) - t0;
      const shown = await page.locator('g.node').count();
      times.push(ms);
      console.log(
        `heavy hitter LOT-${h}: closure ${size.toLocaleString()} nodes → ${shown} picture nodes, first picture ${ms.toFixed(0)} ms`,
      );
    }
    times.sort((a, b) => a - b);
    console.log(
      `median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms (target ≤ 1000 ms)`,
    );
  } finally {
    await browser.close();
    server.close();
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
