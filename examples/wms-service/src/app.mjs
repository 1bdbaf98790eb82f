// A small warehouse service embedding lotgraph: plain `node:http`, JSON in and out, no framework.
// `createApp({ lg })` returns a request handler; `server.mjs` wires it to a store chosen by environment.
//
// Errors are JSON `{ error: { code, message, details?, issues? } }` carrying the sdk's stable error codes,
// with an HTTP status derived from the code (see STATUS below).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isLotgraphError } from '@lotgraph/sdk';
import { consoleRoutes } from './console-api.mjs';

/** HTTP status per sdk error code (anything unknown is a 500). */
export const STATUS = {
  VALIDATION_FAILED: 400,
  GS1_INVALID: 400,
  UNIT_MISMATCH: 400,
  GS1_MISMATCH: 409,
  LOT_NOT_FOUND: 404,
  PRODUCT_NOT_FOUND: 404,
  LOCATION_NOT_FOUND: 404,
  PARTY_NOT_FOUND: 404,
  EVENT_NOT_FOUND: 404,
  RECALL_NOT_FOUND: 404,
  RESERVATION_NOT_FOUND: 404,
  HOLD_NOT_FOUND: 404,
  SHIPMENT_NOT_FOUND: 404,
  DOCUMENT_NOT_FOUND: 404,
  NOT_FOUND: 404,
  LOT_EXISTS: 409,
  CONFLICT: 409,
  IDEMPOTENCY_MISMATCH: 409,
  INSUFFICIENT_STOCK: 409,
  LOT_ON_HOLD: 409,
  LOT_EXPIRED: 409,
  LEDGER_TAMPERED: 500,
  STORE_CLOSED: 503,
  STORE_UNAVAILABLE: 503,
};

export class HttpError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const MAX_BODY = 1 << 20;

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > MAX_BODY)
      throw new HttpError(413, 'VALIDATION_FAILED', `body: larger than ${MAX_BODY} bytes`, { field: 'body' });
    chunks.push(c);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'VALIDATION_FAILED', 'body: not valid JSON', { field: 'body' });
  }
}

/** JSON with bigints as strings (stock balances are exact bigint steps). */
function send(res, status, body, headers = {}) {
  if (status === 204) {
    res.writeHead(204, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

function sendError(res, e) {
  if (e instanceof HttpError)
    return send(res, e.status, { error: { code: e.code, message: e.message, details: e.details } });
  if (isLotgraphError(e)) {
    const body = { code: e.code, message: e.message, details: e.details };
    if (Array.isArray(e.issues)) body.issues = e.issues;
    return send(res, STATUS[e.code] ?? 500, { error: body });
  }
  console.error(e);
  return send(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
}

/**
 * The routes: `[method, /pattern/with/:params, handler(ctx)]`. A handler returns `{ status?, body }` or
 * `{ status?, bytes, type }` for binary downloads.
 * @param {{ lg: import('@lotgraph/sdk').Lotgraph }} deps
 */
export function routes({ lg }) {
  const optional = (name) => (lg[name] && typeof lg[name] === 'object' ? lg[name] : undefined);
  return [
    // read models and downloads of the recall console (search, lot record, movements, genealogy, quality)
    ...consoleRoutes({ lg, HttpError }),
    ['GET', '/health', async () => ({ body: { ok: true, head: await lg.store.head() } })],
    // master data
    ['POST', '/products', async ({ body }) => ({ status: 201, body: await lg.defineProduct(body) })],
    ['POST', '/parties', async ({ body }) => ({ status: 201, body: await lg.defineParty(body) })],
    ['POST', '/locations', async ({ body }) => ({ status: 201, body: await lg.defineLocation(body) })],
    // goods movements
    ['POST', '/receipts', async ({ body }) => ({ status: 201, body: await lg.receive(body) })],
    ['POST', '/production-orders', async ({ body }) => ({ status: 201, body: await lg.produce(body) })],
    ['POST', '/moves', async ({ body }) => ({ status: 201, body: await lg.move(body) })],
    ['POST', '/adjustments', async ({ body }) => ({ status: 201, body: await lg.adjust(body) })],
    ['POST', '/shipments', async ({ body }) => ({ status: 201, body: await lg.ship(body) })],
    ['POST', '/returns', async ({ body }) => ({ status: 201, body: await lg.return(body) })],
    // holds
    ['POST', '/holds', async ({ body }) => ({ status: 201, body: await lg.hold(body) })],
    // Raise today's expiry / low-stock alert (a scheduler calls this; once per kind, day and query): 201 with
    // the `alertRaised` event, 204 when nothing is expiring or low.
    [
      'POST',
      '/alerts/raise',
      async ({ body }) => {
        const event = await lg.alerts.raise(body);
        return event ? { status: 201, body: event } : { status: 204, body: null };
      },
    ],
    [
      'POST',
      '/holds/:holdId/release',
      async ({ params, body }) => ({
        status: 201,
        body: await lg.release({ ...body, holdId: params.holdId }),
      }),
    ],
    // stock and trace
    [
      'GET',
      '/stock',
      async ({ query }) => ({
        body: await lg.store.listStock({
          lotId: query.get('lotId') ?? undefined,
          locationId: query.get('locationId') ?? undefined,
          productId: query.get('productId') ?? undefined,
        }),
      }),
    ],
    [
      'GET',
      '/lots/:lotId',
      async ({ params }) => {
        const lot = await lg.lot(params.lotId);
        if (!lot)
          throw new HttpError(404, 'LOT_NOT_FOUND', `lotId: lot "${params.lotId}" does not exist`, {
            field: 'lotId',
          });
        return { body: lot };
      },
    ],
    ['GET', '/trace/forward/:lotId', async ({ params }) => ({ body: await lg.trace.forward(params.lotId) })],
    [
      'GET',
      '/trace/backward/:lotId',
      async ({ params }) => ({ body: await lg.trace.backward(params.lotId) }),
    ],
    ['GET', '/trace/one-step/:lotId', async ({ params }) => ({ body: await lg.trace.oneStep(params.lotId) })],
    ['GET', '/ledger/verify', async () => ({ body: await lg.verifyLedger() })],
    // allocation and picking
    ['POST', '/allocations', async ({ body }) => ({ body: await lg.allocation.allocate(body) })],
    ['POST', '/reservations', async ({ body }) => ({ status: 201, body: await lg.allocation.reserve(body) })],
    [
      'POST',
      '/reservations/:reservationId/release',
      async ({ params, body }) => ({
        status: 201,
        body: await lg.allocation.release({ ...body, reservationId: params.reservationId }),
      }),
    ],
    [
      'POST',
      '/picks/confirm',
      async ({ body }) => ({ status: 201, body: await lg.allocation.confirmPick(body) }),
    ],
    // recalls (the recall module of the sdk)
    [
      'POST',
      '/recalls',
      async ({ body }) => ({ status: 201, body: await call(optional('recall'), 'open', body) }),
    ],
    [
      'GET',
      '/recalls/:recallId',
      async ({ params }) => ({ body: await call(optional('recall'), 'get', params.recallId) }),
    ],
    [
      'GET',
      '/recalls/:recallId/evidence.json',
      async ({ params }) => ({ body: await call(optional('recall'), 'evidence', params.recallId) }),
    ],
    [
      'GET',
      '/recalls/:recallId/report.pdf',
      async ({ params }) => ({
        bytes: await call(optional('recall'), 'reportPdf', params.recallId),
        type: 'application/pdf',
      }),
    ],
    [
      'POST',
      '/recalls/:recallId/notifications',
      async ({ params, body }) => ({
        status: 201,
        body: await call(optional('recall'), 'notify', { ...body, recallId: params.recallId }),
      }),
    ],
    [
      'POST',
      '/recalls/:recallId/acknowledgements',
      async ({ params, body }) => ({
        status: 201,
        body: await call(optional('recall'), 'acknowledge', { ...body, recallId: params.recallId }),
      }),
    ],
    [
      'POST',
      '/recalls/:recallId/close',
      async ({ params, body }) => ({
        status: 201,
        body: await call(optional('recall'), 'close', { ...body, recallId: params.recallId }),
      }),
    ],
  ];
}

/** Call `target[name](arg)`, or answer 501 when this sdk build has no such feature. */
async function call(target, name, arg) {
  if (!target || typeof target[name] !== 'function')
    throw new HttpError(501, 'NOT_IMPLEMENTED', `${name}: not available in this version of the sdk`);
  return target[name](arg);
}

const STATIC_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
};

/** Serve a file of `dir` for a GET that no route answered (`/` → index.html); false when there is none. */
async function serveStatic(dir, pathname, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  let rel;
  try {
    rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    return false;
  }
  const file = path.resolve(dir, `.${rel}`);
  if (!file.startsWith(path.resolve(dir) + path.sep)) return false;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  res.writeHead(200, {
    'content-type': STATIC_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
  return true;
}

/**
 * Build the request handler. With `staticDir`, GET requests that no route answers are served from that
 * folder (the recall console's build output). With `feed` (a node listener), paths under `/feed/` go to it
 * (the customer feed of @lotgraph/integrations, which authorises each request itself).
 * @param {{ lg: import('@lotgraph/sdk').Lotgraph, staticDir?: string, feed?: Function }} options
 */
export function createApp({ lg, staticDir, feed }) {
  const table = routes({ lg }).map(([method, pattern, handler]) => {
    const names = [];
    const re = new RegExp(
      `^${pattern.replace(/:[a-zA-Z]+/g, (m) => {
        names.push(m.slice(1));
        return '([^/]+)';
      })}$`,
    );
    return { method, re, names, handler, pattern };
  });
  return async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (feed && url.pathname.startsWith('/feed/')) return feed(req, res);
      const candidates = table.filter((r) => r.re.test(url.pathname));
      if (candidates.length === 0 && staticDir && (await serveStatic(staticDir, url.pathname, req, res)))
        return;
      if (candidates.length === 0) throw new HttpError(404, 'NOT_FOUND', `no route ${url.pathname}`);
      const route = candidates.find((r) => r.method === req.method);
      if (!route) {
        res.setHeader('allow', candidates.map((r) => r.method).join(', '));
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} not allowed on ${url.pathname}`);
      }
      const m = route.re.exec(url.pathname);
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body)))
        throw new HttpError(400, 'VALIDATION_FAILED', 'body: expected a JSON object', { field: 'body' });
      const out = await route.handler({ params, query: url.searchParams, body });
      if (out.bytes) {
        res.writeHead(out.status ?? 200, {
          'content-type': out.type,
          'content-length': out.bytes.length,
          ...out.headers,
        });
        res.end(Buffer.from(out.bytes));
        return;
      }
      send(res, out.status ?? 200, out.body);
    } catch (e) {
      sendError(res, e);
    }
  };
}
