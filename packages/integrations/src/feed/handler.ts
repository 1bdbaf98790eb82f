/**
 * The customer feed: a framework-neutral `(req: Request) => Promise<Response>` that serves a customer the
 * batch numbers, expiry dates and Certificates of Analysis of what was shipped to them — and nothing of
 * anyone else's. Routes (under `basePath`, default `/feed`):
 *
 * - `GET /customers/{customerId}/shipments[?since=YYYY-MM-DD]` → JSON: shipments with their lines (product,
 *   GTIN, lot = batch number, supplier's lot number, production / expiry / best-before dates, quantity, unit,
 *   and a link to the lot's CoA);
 * - `GET /customers/{customerId}/lots/{lotId}/coa.pdf` → the CoA PDF (`lg.quality.coa`), only for a lot that
 *   was shipped to that customer.
 *
 * Authorised per customer by an API key (`Authorization: Bearer <key>` or `x-api-key`) or by a signed URL
 * (`?expires=<unix s>&sig=<hex>` from {@link signFeedUrl}).
 *
 * @module
 */
import { fromSteps, type Lotgraph } from '@lotgraph/sdk';
import { z } from 'zod';
import { parseWith } from '../message.js';
import { checkSignature, feedSignature, matchesApiKey } from './auth.js';

/** Options of {@link customerFeedHandler}. */
export interface CustomerFeedOptions {
  lotgraph: Lotgraph;
  /** API keys per customer id (each customer may have several, to rotate them). */
  apiKeys?: Record<string, readonly string[]>;
  /** Secret of signed URLs (at least 32 characters); without it, signed URLs are refused. */
  signingSecret?: string;
  /** Path prefix (default `/feed`). */
  basePath?: string;
  /** Clock in ms (default `Date.now`). */
  now?: () => number;
}

const Options = z.strictObject({
  lotgraph: z.custom<Lotgraph>((v) => typeof v === 'object' && v !== null && 'store' in v, {
    message: 'expected a Lotgraph',
  }),
  apiKeys: z
    .record(
      z.string().min(1).max(200),
      z.array(z.string().min(16, { message: 'API keys need at least 16 characters' }).max(500)).max(20),
    )
    .optional(),
  signingSecret: z.string().min(32).max(1000).optional(),
  basePath: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~-]+)*$/)
    .optional(),
  now: z.custom<() => number>((v) => typeof v === 'function').optional(),
});

const Since = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
const problem = (status: number, error: string, message: string, headers: Record<string, string> = {}) =>
  jsonResponse(status, { error, message }, headers);

/** One line of a shipment in the feed. */
export interface FeedLine {
  lineNo: number;
  productId: string;
  productName: string;
  gtin?: string;
  /** Our lot id: the batch number printed on the goods. */
  batch: string;
  supplierLotNumber?: string;
  productionDate?: string;
  expiry?: string;
  bestBefore?: string;
  quantity: string;
  unit: string;
  /** Link to the lot's Certificate of Analysis (signed when the request was). */
  coaUrl: string;
}

/** One shipment in the feed. */
export interface FeedShipment {
  shipmentId: string;
  shippedAt: string;
  orderRef?: string;
  lines: FeedLine[];
}

/**
 * A signed feed URL for a customer, valid until `expiresAt` (ms). `path` defaults to the customer's
 * shipments.
 *
 * @example
 * ```ts
 * const url = signFeedUrl('https://wms.example.com', 'shop1', { secret, expiresAt: Date.now() + 7 * 86_400_000 });
 * ```
 */
export function signFeedUrl(
  origin: string,
  customerId: string,
  opts: { secret: string; expiresAt: number; basePath?: string; path?: string },
): string {
  parseWith(
    z.strictObject({
      secret: z.string().min(32),
      expiresAt: z.number().int().positive(),
      basePath: z.string().optional(),
      path: z.string().startsWith('/').optional(),
    }),
    opts,
    'signFeedUrl',
  );
  const path = `${opts.basePath ?? '/feed'}/customers/${encodeURIComponent(customerId)}${opts.path ?? '/shipments'}`;
  const expires = Math.floor(opts.expiresAt / 1000);
  return `${origin.replace(/\/+$/, '')}${path}?expires=${expires}&sig=${feedSignature(opts.secret, path, expires)}`;
}

/**
 * The customer feed handler (see the module docs for its routes).
 *
 * @example
 * ```ts
 * const feed = customerFeedHandler({ lotgraph: lg, apiKeys: { shop1: [process.env.SHOP1_KEY!] } });
 * const res = await feed(new Request('http://wms/feed/customers/shop1/shipments', { headers: { 'x-api-key': key } }));
 * ```
 */
export function customerFeedHandler(options: CustomerFeedOptions): (req: Request) => Promise<Response> {
  parseWith(Options, options, 'customerFeedHandler');
  const lg = options.lotgraph;
  const base = options.basePath ?? '/feed';
  const now = options.now ?? Date.now;
  const keys = options.apiKeys ?? {};

  const authorise = (req: Request, url: URL, customerId: string): Response | 'key' | 'signed' => {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.get('authorization') ?? '')?.[1];
    const key = bearer ?? req.headers.get('x-api-key') ?? undefined;
    if (key !== undefined) {
      // Unknown customers are compared against nothing and answer like a bad key: no customer probing.
      if (matchesApiKey(key, Object.hasOwn(keys, customerId) ? (keys[customerId] ?? []) : [])) return 'key';
      return problem(401, 'unauthorised', 'the API key is not valid for this customer', {
        'www-authenticate': 'Bearer',
      });
    }
    if (url.searchParams.has('sig')) {
      if (!options.signingSecret) return problem(401, 'unauthorised', 'signed URLs are not enabled');
      const r = checkSignature(
        options.signingSecret,
        url.pathname,
        url.searchParams.get('expires'),
        url.searchParams.get('sig'),
        now(),
      );
      if (r === 'ok') return 'signed';
      return problem(
        401,
        r === 'expired' ? 'expired' : 'unauthorised',
        r === 'expired' ? 'the signed URL has expired' : 'the signature is not valid',
      );
    }
    return problem(401, 'unauthorised', 'an API key or a signed URL is required', {
      'www-authenticate': 'Bearer',
    });
  };

  const shipmentsOf = async (
    customerId: string,
    since: string | undefined,
    signedUntil: string | null,
    origin: string,
  ) => {
    const rows = await lg.store.listShipmentLines({ customerId });
    const lots = new Map(
      (await lg.store.getLots([...new Set(rows.map((r) => r.lotId))])).map((l) => [l.id, l]),
    );
    const products = new Map((await lg.store.listProducts()).map((p) => [p.id, p]));
    const shipments = new Map<string, FeedShipment>();
    for (const s of await lg.store.listShipments({ customerId })) {
      if (since !== undefined && s.shippedAt.slice(0, 10) < since) continue;
      shipments.set(s.id, {
        shipmentId: s.id,
        shippedAt: s.shippedAt,
        ...(s.orderRef ? { orderRef: s.orderRef } : {}),
        lines: [],
      });
    }
    for (const r of rows.sort((a, b) => a.seq - b.seq || a.lineNo - b.lineNo)) {
      const sh = shipments.get(r.shipmentId);
      if (!sh) continue;
      const lot = lots.get(r.lotId);
      const product = products.get(r.productId);
      const coaPath = `${base}/customers/${encodeURIComponent(customerId)}/lots/${encodeURIComponent(r.lotId)}/coa.pdf`;
      const coaUrl =
        signedUntil !== null && options.signingSecret
          ? `${origin}${coaPath}?expires=${signedUntil}&sig=${feedSignature(options.signingSecret, coaPath, Number(signedUntil))}`
          : `${origin}${coaPath}`;
      sh.lines.push({
        lineNo: r.lineNo,
        productId: r.productId,
        productName: product?.name ?? r.productId,
        ...(product?.gtin ? { gtin: product.gtin } : {}),
        batch: r.lotId,
        ...(lot?.supplierLotNumber ? { supplierLotNumber: lot.supplierLotNumber } : {}),
        ...(lot?.productionDate ? { productionDate: lot.productionDate } : {}),
        ...(lot?.expiry ? { expiry: lot.expiry } : {}),
        ...(lot?.bestBefore ? { bestBefore: lot.bestBefore } : {}),
        quantity: fromSteps(r.quantity, product?.decimals ?? 0),
        unit: product?.unit ?? '',
        coaUrl,
      });
    }
    return [...shipments.values()].sort((a, b) =>
      a.shippedAt < b.shippedAt ? -1 : a.shippedAt > b.shippedAt ? 1 : a.shipmentId < b.shipmentId ? -1 : 1,
    );
  };

  return async (req: Request) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return problem(400, 'bad_request', 'the request URL is not valid');
    }
    if (!url.pathname.startsWith(`${base}/customers/`)) return problem(404, 'not_found', 'no such route');
    const rest = url.pathname.slice(`${base}/customers/`.length).split('/');
    let parts: string[];
    try {
      parts = rest.map((p) => decodeURIComponent(p));
    } catch {
      return problem(400, 'bad_request', 'the path is not valid');
    }
    const [customerId, what, lotId, file] = parts;
    const isShipments = parts.length === 2 && what === 'shipments';
    const isCoa = parts.length === 4 && what === 'lots' && file === 'coa.pdf';
    if (!customerId || (!isShipments && !isCoa)) return problem(404, 'not_found', 'no such route');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return problem(405, 'method_not_allowed', 'only GET', { allow: 'GET, HEAD' });
    const auth = authorise(req, url, customerId);
    if (auth instanceof Response) return auth;
    try {
      if (isShipments) {
        const since = url.searchParams.get('since') ?? undefined;
        if (since !== undefined && !Since.safeParse(since).success)
          return problem(400, 'bad_request', 'since: expected YYYY-MM-DD');
        const shipments = await shipmentsOf(
          customerId,
          since,
          auth === 'signed' ? url.searchParams.get('expires') : null,
          url.origin,
        );
        return jsonResponse(200, { customerId, shipments });
      }
      const shipped = await lg.store.listShipmentLines({ customerId, lotId: lotId as string });
      if (shipped.length === 0) return problem(404, 'not_found', 'no such lot was shipped to this customer');
      const pdf = await lg.quality.coa(lotId as string);
      return new Response(req.method === 'HEAD' ? null : new Uint8Array(pdf), {
        status: 200,
        headers: {
          'content-type': 'application/pdf',
          'content-disposition': `inline; filename="coa-${(lotId as string).replace(/[^A-Za-z0-9._-]/g, '_')}.pdf"`,
          'cache-control': 'no-store',
        },
      });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'VALIDATION_FAILED') return problem(400, 'bad_request', (e as Error).message);
      if (code === 'STORE_UNAVAILABLE')
        return problem(503, 'unavailable', 'try again later', { 'retry-after': '5' });
      return problem(500, 'internal', 'the feed failed');
    }
  };
}
