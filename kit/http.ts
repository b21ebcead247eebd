import type { IncomingMessage, ServerResponse, Server } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';

const MAX_BODY_BYTES = 2_000_000;
/**
 * How much of a body the server reads and discards to answer an error cleanly. An answer sent
 * while the client is still sending, on a socket then closed, reaches it as ECONNRESET (the kernel
 * resets a socket closed with unread data); past this much the socket is simply destroyed.
 */
const MAX_DRAIN_BYTES = 4 * MAX_BODY_BYTES;

export class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

/**
 * The request body. Too large: the rest is read and discarded (up to MAX_DRAIN_BYTES), then 413;
 * the answer closes the connection (sendJsonUnread). Breaking out of the stream instead would
 * destroy the socket before the 413 is written.
 */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error?: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      if (error) reject(error); else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        if (size > MAX_DRAIN_BYTES) { req.pause(); done(new HttpError(413, 'request body too large')); }
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => done(size > MAX_BODY_BYTES ? new HttpError(413, 'request body too large') : undefined);
    const onError = (error: Error) => done(error);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** Whether the request announced a body that has not been read to its end. */
function bodyUnread(req: IncomingMessage): boolean {
  const announced = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
  return announced && !req.readableEnded;
}

/** Reads and discards what is left of a body, up to `max` bytes; false when there was more. */
function drain(req: IncomingMessage, max = MAX_DRAIN_BYTES): Promise<boolean> {
  if (req.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    let size = 0;
    const finish = (complete: boolean) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onError);
      if (!complete) req.pause();
      resolve(complete);
    };
    const onData = (chunk: Buffer) => { size += chunk.length; if (size > max) finish(false); };
    const onEnd = () => finish(true);
    const onError = () => finish(false);
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onError);
    req.resume();
  });
}

/**
 * An error answer for a request whose body may be unread (refused before or while reading it):
 * the rest is drained, the answer says `Connection: close` and the socket closes after it, so a
 * client's next request on a kept-alive socket does not meet a half-read body or a reset.
 */
export async function sendJsonUnread(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): Promise<void> {
  if (res.headersSent) return;
  if (bodyUnread(req) || status === 413) {
    const complete = await drain(req);
    res.setHeader('connection', 'close');
    sendJson(res, status, body);
    if (!complete) res.once('finish', () => req.socket.destroySoon());
    return;
  }
  sendJson(res, status, body);
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

/** How long a stopping service lets the requests it is answering finish before it cuts them. */
export const DRAIN_GRACE_MS = 10_000;

/**
 * Stops taking connections and lets the requests under way finish (a graceful shutdown: a mutation
 * half-way through its transaction commits and is answered rather than cut off, so a deploy or a
 * scale-down loses no acknowledged write). Idle keep-alive connections are closed as they become
 * idle; whatever still runs after `graceMs` is cut.
 */
export function close(server: Server, graceMs = DRAIN_GRACE_MS): Promise<void> {
  return new Promise((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => { clearInterval(idle); clearTimeout(cut); resolve(); });
    server.closeIdleConnections();
  });
}
