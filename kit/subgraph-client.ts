// The one client for a call to a subgraph over HTTP: the gateway's fetches for its query plans
// (gateway/data-source.ts) and an owner's calls to another owner (kit/upstream.ts) alike.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** The fetch @apollo/gateway's RemoteGraphQLDataSource calls: `fetcher(url, { method, headers, body })`. */
export type SubgraphFetch = (url: string, init: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<FetchedResponse>;

/** What RemoteGraphQLDataSource reads of a response. */
export interface FetchedResponse {
  ok: boolean;
  status: number;
  statusText: string;
  headers: { get(name: string): string | null; forEach(callback: (value: string, name: string) => void): void };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/** The answer as it came: status, headers (read-only, for every caller alike) and the text. */
export interface Shared { status: number; statusText: string; headers: FetchedResponse['headers']; text: string }

/**
 * An answer read whole, as RemoteGraphQLDataSource reads a response (status, headers, the body
 * once as JSON or text), without a stream: what the subgraph client hands over
 * (keptAliveFetch below), and one caller's copy of a shared answer (gateway/in-flight.ts). Only this
 * object is made per caller (each fetch of each request); the headers are copied once per answer.
 */
export class AnswerOf implements FetchedResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: FetchedResponse['headers'];
  private readonly body: string;

  constructor(shared: Shared) {
    this.ok = shared.status >= 200 && shared.status < 300;
    this.status = shared.status;
    this.statusText = shared.statusText;
    this.headers = shared.headers;
    this.body = shared.text;
  }

  async text(): Promise<string> {
    return this.body;
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.body);
  }
}

/** A subgraph's response headers as node:http gives them (names lower-case), read as a fetch Response's. */
class AnswerHeaders {
  constructor(private readonly headers: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.headers[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (const name of Object.keys(this.headers)) callback(this.get(name)!, name);
  }
}

/** How long an idle socket is kept at most when the server announces no shorter keep-alive. */
const IDLE_SOCKET_MS = 60_000;

/**
 * A body that asks a query (`{"query":"query …` or `{"query":"{…`, as the gateway's planner and
 * kit/upstream.ts write them): a read, which may be sent again and shared in flight. Anything else
 * (a mutation, another shape) is taken as a write.
 */
export function isQueryBody(body: string): boolean {
  return body.startsWith('{"query":"query') || body.startsWith('{"query":"{');
}

/**
 * The client for one subgraph, the gateway's and an owner's calling another owner's (kit/upstream.ts):
 * node:http (or https) on one kept-alive agent, no redirects followed, no retries but one (a read
 * whose kept socket was closed under it), and a deadline over the whole exchange (request, answer
 * and its body). A fetch's answer is read whole and handed over as text. It was make-fetch-happen
 * (@apollo/gateway's default client): a Request, a Headers, minipass streams, option
 * normalisation and a retry wrapper per fetch, 18.6% of the gateway's busy samples (self) on
 * the case query (bench/results/floor-2026-11-28.md), for none of which a subgraph call has a use.
 * The agent keeps sockets open as the subgraph's server allows (its Keep-Alive hint).
 */
export function keptAliveFetch(url: string, timeoutMs: number): SubgraphFetch {
  const base = new URL(url);
  const secure = base.protocol === 'https:';
  if (!secure && base.protocol !== 'http:') throw new Error(`subgraph client: ${base.protocol} is not http or https`);
  // A timeout of the agent's own is what makes Node's agent honour the server's Keep-Alive hint: it
  // lets an idle socket go a second before the hint's end, but only when the hint is shorter than
  // its own timeout (none, by default, and then the hint was ignored and the server closed idle
  // sockets under the client's feet). The agent's timeout applies to idle sockets only.
  const agentOptions = { keepAlive: true, timeout: IDLE_SOCKET_MS };
  const agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const send = secure ? httpsRequest : httpRequest;
  const target = (at: string) => {
    const u = at === url ? base : new URL(at);
    if (u.origin !== base.origin) throw new Error('subgraph client: a fetch to another origin than its subgraph');
    return { protocol: u.protocol, hostname: u.hostname, port: u.port, path: `${u.pathname}${u.search}` };
  };
  const basePath = target(url);
  return (at, init) => new Promise<FetchedResponse>((resolve, reject) => {
    const body = init.body ?? '';
    const headers: OutgoingHttpHeaders = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(body);
    const options = { ...(at === url ? basePath : target(at)), method: init.method ?? 'GET', headers, agent };
    let request: ClientRequest;
    let settled = false;
    const deadline = setTimeout(() => {
      const timedOut = new Error(`subgraph timeout: no whole answer within ${timeoutMs} ms`);
      failed(timedOut);
      request.destroy(timedOut);
    }, timeoutMs);
    function failed(error: Error) {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      reject(error);
    }
    const attempt = (again: boolean) => {
      request = send(options, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          resolve(new AnswerOf({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', headers: new AnswerHeaders(response.headers), text: Buffer.concat(chunks).toString('utf8') }));
        });
        response.on('error', failed);
        // The connection closed before the whole body came: no answer, whatever came of it.
        response.once('close', () => { if (!response.complete) failed(new Error('the answer was cut off')); });
      });
      const sent = request;
      // Every error is heard (a second one unheard would end the gateway); the first settles the fetch.
      sent.on('error', (error: NodeJS.ErrnoException) => {
        // A kept socket the server closed as this request went out on it (its idle time ran out at
        // that moment): a read goes again, once, on a fresh connection. A mutation may have been
        // received, so its failure is the caller's to see (RFC 9110 9.2.2: only idempotent requests
        // are retried by themselves).
        if (!again && !settled && sent.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE') && isQueryBody(body)) return attempt(true);
        failed(error);
      });
      sent.end(init.body);
    };
    attempt(false);
  });
}
