import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import { HttpError, readJson, sendJson, sendJsonUnread } from '../../kit/http';
import { IDENTITY_HEADER, signForwardedIdentity, type Identity } from '../../kit/identity';
import { log } from '../../kit/log';
import { accessReason, AuthenticationError, BadHeaderError } from '../authentication';
import type { GatewayConfig } from '../config';
import { gatewaySigningKey } from '../data-source';
import { auditRequest, type AuditWriter } from '../audit/index';
import { localizeError, preferredLanguage, type Language } from '../language';
import { documentId, judgeTrusted, type RegisteredOperation } from '../trusted-documents';
import { deriveQuery, type DerivedQuery } from './document';

// GraphQL subscriptions over Server-Sent Events (issue 12), in the "distinct connections" mode of
// the GraphQL-over-SSE protocol: the client POSTs the usual { query, variables } with
// `Accept: text/event-stream` and reads `event: next` results until `event: complete`. SSE rather
// than WebSocket because it is plain HTTP: the same CORS, authentication header, proxies and
// status codes as every other /graphql request, and a browser reads it with fetch, no library.
//
// Each result is the subscription's query (gateway/subscriptions/document.ts) run as the client
// through the gateway's own /graphql — authentication, trusted documents, field authorization and
// masking, audit — so a subscription never sees more than that query. The trigger is the owner's
// change stream (GET /events/<name>, kit/change-stream.ts), opened once per subscription with the
// client's identity forwarded and signed like any query's: the owner says `changed` only for
// notices addressed to that client's unit, and nothing else crosses it.

/** At most this many open streams per subject (a console with a few tabs), and on this process. */
export const SUBSCRIPTION_LIMITS = { perSubject: 5, total: 1000 };
/** How often an idle stream says it is alive, so proxies and browsers keep it. */
export const HEARTBEAT_MS = 15_000;
/** How long the gateway waits before reopening a lost change stream (doubling up to 30 s). */
const RECONNECT_MS = 1000;

type Authenticate = (authorization: string | undefined) => Promise<Identity>;

interface Stream {
  subject: string;
  closed: boolean;
  close(reason?: { message: string; code: string }): void;
}

const wantsEventStream = (req: IncomingMessage): boolean =>
  req.method === 'POST' && /\btext\/event-stream\b/i.test(String(req.headers.accept ?? ''));

/** The `exp` of a token the authenticator has already verified (seconds), if it has one. */
function expiryOf(authorization: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(authorization.replace(/^Bearer\s+/i, '').split('.')[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp : undefined;
  } catch { return undefined; }
}

/**
 * Under trusted documents a registered subscription registers the query it re-runs: that text is
 * fully determined by the subscription's (document.ts), runs as the same caller with the same
 * authorization, and so adds nothing a client could not already run. Without this, `only` would
 * refuse every re-run of a registered subscription.
 */
export function registerDerivedQueries(documents: GatewayConfig['trustedDocuments']): void {
  if (documents.mode === 'off') return;
  const operations = documents.operations as Map<string, RegisteredOperation>;
  for (const operation of [...operations.values()]) {
    if (!/^\s*subscription\b/.test(operation.body)) continue;
    try {
      const derived = deriveQuery(operation.body, operation.name);
      const id = documentId(derived.query);
      // No client registered it (only the gateway sends it): a client's list of its operations by
      // name (the console's /console/operations.json) keeps the subscription's own id.
      if (!operations.has(id)) operations.set(id, { ...operation, clients: [], body: derived.query });
    } catch { /* not a subscription the gateway serves: refused when sent */ }
  }
}

const errorBody = (message: string, extensions: Record<string, unknown>) => ({ errors: [{ message, extensions }] });
/** An error the stream itself sends as an event, in the client's language (schema/messages.json), as query errors are. */
const ownError = (message: string, extensions: Record<string, unknown>, language: Language) =>
  ({ errors: [localizeError({ message, extensions }, language)] });

/** The W3C trace id of the caller's traceparent, if it sent one: it ties the audit entry to its logs. */
const traceIdOf = (traceparent: string | string[] | undefined): string | null =>
  (typeof traceparent === 'string' ? /^[\da-f]{2}-([\da-f]{32})-/.exec(traceparent)?.[1] : undefined) ?? null;

export class Subscriptions {
  private readonly streams = new Set<Stream>();
  private readonly perSubject = new Map<string, number>();
  private selfUrl = '';
  /**
   * Where refusals under trusted documents are written (the gateway's audit log), as for a query
   * refused at /graphql: a free-text subscription under `only` is an attempt worth recording.
   */
  audit?: Pick<AuditWriter, 'record'>;

  constructor(private readonly authenticate: Authenticate, private readonly config: GatewayConfig, private readonly limits = SUBSCRIPTION_LIMITS) {
    registerDerivedQueries(config.trustedDocuments);
  }

  /** Where this gateway answers /graphql, for re-running queries through its whole path. */
  listening(port: number): void {
    const host = ['0.0.0.0', '::', ''].includes(this.config.host) ? '127.0.0.1' : this.config.host;
    this.selfUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /** Serves the request when it asks for an event stream at /graphql; false otherwise. */
  async serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (path !== '/graphql' || !wantsEventStream(req)) return false;
    const authorization = req.headers.authorization;
    let identity: Identity;
    try {
      // A stream holds a connection and an upstream: only a signed-in user may open one (anonymous
      // callers have no inbox or alerts anyway).
      if (!authorization) throw new AuthenticationError('a subscription needs a signed-in user (Authorization: Bearer)');
      identity = await this.authenticate(authorization);
      identity.reason = accessReason(req.headers['x-access-reason']);
    } catch (error) {
      if (error instanceof BadHeaderError) { await sendJsonUnread(req, res, error.status, error.body()); return true; }
      if (!(error instanceof AuthenticationError)) throw error;
      res.setHeader('www-authenticate', 'Bearer');
      await sendJsonUnread(req, res, 401, errorBody(error.message, { code: 'UNAUTHENTICATED' }));
      return true;
    }
    const refusal = this.admit(identity.sub);
    if (refusal) { await sendJsonUnread(req, res, 429, refusal); return true; }
    const release = this.reserve(identity.sub);
    try {
      const body = await readJson(req);
      const request = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
      // Trusted documents: the subscription itself must be registered under `only`, as any operation.
      const verdict = judgeTrusted(this.config.trustedDocuments, request);
      if (verdict.kind === 'refuse') {
        release();
        sendJson(res, verdict.status, errorBody(verdict.message, { code: verdict.code }));
        if (this.audit) {
          auditRequest(this.audit, {
            identity, clientAddress: req.socket.remoteAddress ?? null, operationName: verdict.operationName, documentHash: verdict.documentHash,
            traceId: traceIdOf(req.headers.traceparent), denied: [{ coordinate: `Operation.${verdict.code}` }],
          });
        }
        return true;
      }
      const admitted = verdict.kind === 'run' ? verdict.request : request;
      if (typeof admitted.query !== 'string') throw new GraphQLError('GraphQL operations must contain a non-empty `query`.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
      const derived = deriveQuery(admitted.query, typeof admitted.operationName === 'string' ? admitted.operationName : null);
      const variables = admitted.variables ?? undefined;
      const run = () => this.runQuery(derived, variables, req);
      const first = await run();
      // The query's own refusal (invalid selection, unknown variable, 401…) answers as it would for the query.
      if (first.status !== 200 || !first.body || typeof first.body !== 'object' || !('data' in first.body) || first.body.data == null) {
        release();
        sendJson(res, first.status === 200 ? 400 : first.status, first.body);
        return true;
      }
      this.open(req, res, identity, authorization!, derived, first.body, run, release);
    } catch (error) {
      release();
      if (error instanceof GraphQLError) {
        const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 400;
        const { http: _, ...extensions } = error.extensions;
        await sendJsonUnread(req, res, status, errorBody(error.message, extensions));
        return true;
      }
      if (error instanceof HttpError) { await sendJsonUnread(req, res, error.status, errorBody(error.message, { code: 'BAD_REQUEST' })); return true; }
      throw error;
    }
    return true;
  }

  /** Ends every open stream (the gateway stops). */
  close(): void {
    for (const stream of this.streams) stream.close();
  }

  private admit(subject: string): Record<string, unknown> | null {
    if ((this.perSubject.get(subject) ?? 0) >= this.limits.perSubject) {
      return errorBody(`at most ${this.limits.perSubject} open subscriptions per user; close one first`, { code: 'SUBSCRIPTION_LIMIT', rule: 'perSubject' });
    }
    if (this.active >= this.limits.total) {
      return errorBody('the gateway serves no more subscriptions now; retry later', { code: 'SUBSCRIPTION_LIMIT', rule: 'total' });
    }
    return null;
  }

  /** Streams counted against the limits: open, or being opened. */
  private active = 0;

  /** Counts a stream against the limits from now until the returned function is called (once). */
  private reserve(subject: string): () => void {
    this.perSubject.set(subject, (this.perSubject.get(subject) ?? 0) + 1);
    this.active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      const left = (this.perSubject.get(subject) ?? 1) - 1;
      if (left > 0) this.perSubject.set(subject, left); else this.perSubject.delete(subject);
    };
  }

  /** The derived query through this gateway's /graphql, with the client's own headers. */
  private async runQuery(derived: DerivedQuery, variables: unknown, req: IncomingMessage): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    for (const name of ['authorization', 'x-access-reason', 'accept-language', 'traceparent']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    // Under trusted documents the derived query goes by its hash (registered with its subscription).
    const extensions = this.config.trustedDocuments.mode === 'off' ? undefined : { persistedQuery: { version: 1, sha256Hash: documentId(derived.query) } };
    const response = await fetch(`${this.selfUrl}/graphql`, {
      method: 'POST', headers, body: JSON.stringify({ query: derived.query, operationName: derived.operationName, variables, extensions }),
    });
    const text = await response.text();
    let body: unknown;
    try { body = JSON.parse(text); } catch { body = ownError('the query did not answer', { code: 'INTERNAL_SERVER_ERROR' }, preferredLanguage(req.headers['accept-language'])); }
    return { status: response.status, body };
  }

  private open(req: IncomingMessage, res: ServerResponse, identity: Identity, authorization: string, derived: DerivedQuery,
    first: unknown, run: () => Promise<{ status: number; body: any }>, release: () => void): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const send = (event: 'next' | 'complete', data?: unknown) => {
      if (!res.writableEnded) res.write(`event: ${event}\ndata: ${data === undefined ? '' : JSON.stringify(data)}\n\n`);
    };
    // Each re-run's errors come from this gateway's /graphql, asked in the client's language; the
    // stream's own (the token expired or refused) are put in it here, from the same messages.
    const language = preferredLanguage(req.headers['accept-language']);
    send('next', first);
    const upstream = new AbortController();
    const timers: NodeJS.Timeout[] = [];
    const stream: Stream = {
      subject: identity.sub,
      closed: false,
      close: (reason) => {
        if (stream.closed) return;
        stream.closed = true;
        upstream.abort();
        timers.forEach(clearTimeout);
        clearInterval(heartbeat);
        this.streams.delete(stream);
        release();
        if (reason) send('next', ownError(reason.message, { code: reason.code }, language));
        send('complete');
        res.end();
      },
    };
    this.streams.add(stream);
    const heartbeat = setInterval(() => { if (!res.writableEnded) res.write(': keepalive\n\n'); }, HEARTBEAT_MS);
    res.on('close', () => stream.close());
    req.on('close', () => { if (!res.writableEnded && req.destroyed) stream.close(); });

    // The token's end ends the stream: a subscription never outlives the credential that opened it.
    const exp = expiryOf(authorization);
    if (exp !== undefined) {
      const ms = exp * 1000 - Date.now();
      timers.push(setTimeout(() => stream.close({ message: 'the token has expired: subscribe again with a fresh one', code: 'UNAUTHENTICATED' }), Math.max(0, Math.min(ms, 2 ** 31 - 1))));
    }

    // A change runs the query again; changes arriving while it runs make one more run after it.
    let running = false;
    let again = false;
    const rerun = async (): Promise<void> => {
      if (stream.closed) return;
      if (running) { again = true; return; }
      running = true;
      try {
        do {
          again = false;
          const result = await run();
          if (stream.closed) return;
          if (result.status === 401) return stream.close({ message: 'the token is no longer accepted', code: 'UNAUTHENTICATED' });
          send('next', result.body);
        } while (again && !stream.closed);
      } catch (error) {
        log.warn('subscription: re-running the query failed', { field: derived.field.query, error: String(error) });
      } finally {
        running = false;
      }
    };
    void this.follow(derived, identity, upstream.signal, rerun, () => stream.closed);
  }

  /**
   * Reads the owner's change stream for this subscription, reopening it when it breaks; after a
   * reopening the query runs once (changes may have been missed meanwhile).
   */
  private async follow(derived: DerivedQuery, identity: Identity, signal: AbortSignal, changed: () => Promise<void>, closed: () => boolean): Promise<void> {
    const base = this.config.subgraphUrls[derived.field.owner];
    if (!base) return log.error('subscription: no URL for its owner', { owner: derived.field.owner });
    const url = `${base.replace(/\/+$/, '')}/events/${derived.field.stream}`;
    let wait = RECONNECT_MS;
    let reopened = false;
    while (!closed()) {
      try {
        const { traceId: _, ...forwarded } = identity;
        const token = await signForwardedIdentity(forwarded, await gatewaySigningKey(this.config.signingKeyFile), derived.field.owner, 60);
        const response = await fetch(url, { headers: { [IDENTITY_HEADER]: token, accept: 'text/event-stream' }, signal });
        if (!response.ok || !response.body) throw new Error(`change stream answered ${response.status}`);
        if (reopened) void changed();
        wait = RECONNECT_MS;
        const decoder = new TextDecoder();
        let buffered = '';
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffered += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffered.indexOf('\n\n')) >= 0) {
            const block = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            if (/^event: changed$/m.test(block)) void changed();
          }
        }
      } catch (error) {
        if (closed() || signal.aborted) return;
        log.warn('subscription: change stream lost', { owner: derived.field.owner, error: String(error) });
      }
      if (closed()) return;
      reopened = true;
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
      wait = Math.min(wait * 2, 30_000);
    }
  }
}
