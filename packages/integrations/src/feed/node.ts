/**
 * Serve a fetch-style handler with `node:http`: `createServer(toNodeListener(handler))`.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Adapt `(req: Request) => Promise<Response>` to a `node:http` request listener. */
export function toNodeListener(
  handler: (req: Request) => Promise<Response>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const host = req.headers.host ?? '127.0.0.1';
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (Array.isArray(v)) for (const x of v) headers.append(k, x);
      else if (v !== undefined) headers.set(k, v);
    }
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const request = new Request(`http://${host}${req.url ?? '/'}`, {
      method,
      headers,
      ...(hasBody ? { body: req as unknown as ReadableStream, duplex: 'half' } : {}),
    } as RequestInit);
    handler(request)
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        if (response.body && method !== 'HEAD') res.end(Buffer.from(await response.arrayBuffer()));
        else res.end();
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"internal"}');
      });
  };
}
