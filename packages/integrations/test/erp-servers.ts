import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server; `handler` may be swapped per test. */
export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
) {
  const log: { method: string; url: string; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      log.push({ method: req.method ?? '', url: req.url ?? '', body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export const json = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

export const odataDate = (iso: string) => `/Date(${Date.parse(iso)})/`;

/** Serve `rows` as OData v2 pages of `size`, `__next` carrying `$skiptoken`. */
export function page(res: ServerResponse, base: string, rows: unknown[], size: number, url: URL) {
  const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
  const slice = rows.slice(skip, skip + size);
  const more = skip + size < rows.length;
  const next = new URL(url.toString());
  next.searchParams.set('$skiptoken', String(skip + size));
  json(res, 200, {
    d: { results: slice, ...(more ? { __next: `${base}${next.pathname}${next.search}` } : {}) },
  });
}
