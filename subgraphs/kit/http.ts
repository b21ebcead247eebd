import type { IncomingMessage, ServerResponse, Server } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';

const MAX_BODY_BYTES = 2_000_000;

export class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  if (!raw) return undefined;
  try { return JSON.parse(raw); } catch { throw new HttpError(400, 'request body is not valid JSON'); }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export interface ServeOptions {
  /** The request body, already read and parsed (the caller may have rewritten it); read from `req` otherwise. */
  body?: unknown;
  /** The query string to hand Apollo instead of the URL's (e.g. a rewritten GET operation), with its `?`. */
  search?: string;
  /** Post-processes a complete response body (its status and headers are kept). */
  transform?: (body: string, status: number) => string;
}

/** Serves one GraphQL request through Apollo Server's framework-neutral entry point. */
export async function serveGraphQL<C extends BaseContext>(server: ApolloServer<C>, req: IncomingMessage, res: ServerResponse, context: () => Promise<C>, options: ServeOptions = {}): Promise<void> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const body = 'body' in options ? options.body : req.method === 'POST' ? await readJson(req) : undefined;
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: options.search ?? url.search, body },
    context,
  });
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    const text = options.transform ? options.transform(response.body.string, res.statusCode) : response.body.string;
    if (text !== response.body.string) res.removeHeader('content-length');
    res.end(text);
  } else {
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
