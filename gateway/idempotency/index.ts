// Idempotent writes (issue 14: "a retry with the same key returns the first result and writes
// nothing new, also across a restart"; "the gateway killed — clients retry safely").
//
// A mutation POSTed with `Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header) runs
// once per (caller, key): the first request claims the key atomically in the gateway's database,
// runs, and stores its answer sealed (key.ts); a retry with the same key and the same request gets
// that answer again — status and body — marked `Idempotent-Replayed: true`, and nothing runs.
//   - the same key with another request (operation, name or variables): 422 IDEMPOTENCY_KEY_REUSED;
//   - the first request still running: 409 IDEMPOTENCY_IN_PROGRESS with Retry-After (the draft's answer);
//   - keys are per caller (the token's subject): another user's same key is another key;
//   - an answer refused before execution, or whose every field is null, is not kept (key.ts
//     isCompletedAnswer): the same request may be retried under the same key;
//   - a queries-only request, or a GET, ignores the key: reading twice writes nothing;
//   - records are kept IDEMPOTENCY_RETENTION_SECONDS (default 24 h), then purged;
//   - a replay releases again what the first answer released: it is audited before it leaves, as
//     the first answer's releases under the replay's own trace id, plus one entry
//     `Operation.IDEMPOTENT_REPLAY` whose entity is the first request's trace id.
//
// Limit, stated: the gateway cannot know whether a request it was running when it died wrote at
// an owner. Its claim then lapses after LEASE_SECONDS and a retry runs the mutation again; the
// owners' own uniqueness (a case number is unique per bureau) is what refuses the second write.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pg from 'pg';
import type { Identity } from '../../kit/identity';
import { readJson, sendJson } from '../../kit/http';
import { log } from '../../kit/log';
import type { EnvVar } from '../../kit/module';
import { auditEntries, type AuditedRequest, type ReleaseReport } from '../audit/index';
import { AuditUnavailableError, type AuditWriter } from '../audit/writer';
import { substitute } from '../trusted-documents';
import {
  IDEMPOTENCY_HEADER, isCompletedAnswer, isMutation, keyMaterial, openAnswer, parseIdempotencyKey, REPLAYED_HEADER,
  requestFingerprint, sealAnswer, type KeyMaterial,
} from './key';
import { claim, complete, purgeExpired, release } from './store';

export { IDEMPOTENCY_HEADER, REPLAYED_HEADER } from './key';

export const IDEMPOTENCY_ENV: EnvVar[] = [
  {
    name: 'IDEMPOTENCY_RETENTION_SECONDS', required: false, kind: 'integer', min: 60, max: 2_592_000,
    description: 'how long the answer to a mutation sent with an Idempotency-Key is kept for its retries, then purged (default 86400, one day)',
  },
];

export const REPLAY_COORDINATE = 'Operation.IDEMPOTENT_REPLAY';

export function idempotencyRetentionFromEnv(env: NodeJS.ProcessEnv): number {
  return env.IDEMPOTENCY_RETENTION_SECONDS ? Number(env.IDEMPOTENCY_RETENTION_SECONDS) : 86_400;
}

/** What the gateway's request context offers this module. */
export interface OnceContext {
  identity: Identity;
  releases?: ReleaseReport[];
  auditRequest?: () => Omit<AuditedRequest, 'releases' | 'denied'>;
}

/** The stored answer, sealed as one piece: what the client got and what it released. */
interface StoredAnswer { body: string; contentType: string | null; releases: ReleaseReport[]; traceId: string | null }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function refuse(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

export class Idempotency {
  private readonly pool: pg.Pool;
  private readonly purger: NodeJS.Timeout;

  constructor(databaseUrl: string, private readonly options: { retentionSeconds: number; audit: Pick<AuditWriter, 'commit'>; auditTimeoutMs: number }) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 2, statement_timeout: 5000, connectionTimeoutMillis: 5000 });
    this.pool.on('error', (error) => log.warn('idempotency database connection lost', error));
    // Expired records go; a slow purge only delays it (a claim also ignores an expired row).
    this.purger = setInterval(() => { purgeExpired(this.pool).catch((error) => log.warn('idempotency purge failed', error)); }, 5 * 60_000);
    this.purger.unref();
  }

  /**
   * Serves one /graphql request through `run` (the gateway's pipeline), at most once per key for
   * a mutation sent with an Idempotency-Key; anything else goes straight to `run`.
   */
  async serve<T>(req: IncomingMessage, res: ServerResponse, context: OnceContext, run: (request: IncomingMessage) => Promise<T>, nothing: T): Promise<T> {
    const header = req.headers[IDEMPOTENCY_HEADER];
    if (header === undefined || req.method !== 'POST') return run(req);
    const body = await readJson(req);
    const request = substitute(req, (body ?? {}) as Record<string, unknown>);
    if (!isObject(body) || typeof body.query !== 'string' || !isMutation(body.query, body.operationName)) return run(request);
    const verdict = parseIdempotencyKey(header);
    if (!verdict?.ok) {
      refuse(res, 400, 'IDEMPOTENCY_KEY_INVALID', verdict?.message ?? 'bad Idempotency-Key');
      return nothing;
    }
    const material = keyMaterial(context.identity.sub, verdict.key);
    const fingerprint = requestFingerprint(material.secret, { query: body.query, operationName: body.operationName, variables: body.variables });
    const claimed = await claim(this.pool, { lookup: material.lookup, subjectDigest: material.subjectDigest, fingerprint }, this.options.retentionSeconds);
    switch (claimed.kind) {
      case 'reused':
        refuse(res, 422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for another request; use a new key for a new request');
        return nothing;
      case 'running':
        refuse(res, 409, 'IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still running; retry shortly', { 'retry-after': '1' });
        return nothing;
      case 'limit':
        refuse(res, 429, 'IDEMPOTENCY_KEY_LIMIT', 'Too many live Idempotency-Keys for this caller; retry later', { 'retry-after': '60' });
        return nothing;
      case 'done':
        await this.replay(res, context, material, claimed.status, claimed.answer, { query: body.query, operationName: body.operationName });
        return nothing;
      case 'claimed':
        return this.runOnce(request, res, context, material, run);
    }
  }

  /** Runs the request with the key held; keeps its answer when execution completed, frees the key otherwise. */
  private async runOnce<T>(request: IncomingMessage, res: ServerResponse, context: OnceContext, material: KeyMaterial, run: (request: IncomingMessage) => Promise<T>): Promise<T> {
    let streamed = false;
    let settled: Promise<void> | undefined;
    const write = res.write;
    const end = res.end;
    res.write = function (this: ServerResponse, ...args: unknown[]) { streamed = true; return (write as Function).apply(this, args); } as typeof res.write;
    // The answer leaves only once it is kept: a retry arriving after it finds it.
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      res.end = end;
      res.write = write;
      const text = chunk === undefined || typeof chunk === 'function' ? '' : typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      settled = this.settle(res, context, material, res.statusCode, text, streamed)
        .catch((error) => log.error('idempotency record not kept', error))
        .finally(() => (end as Function).call(res, chunk, ...rest));
      return res;
    }) as typeof res.end;
    try {
      const outcome = await run(request);
      if (settled) await settled;
      else await release(this.pool, material.lookup);
      return outcome;
    } catch (error) {
      res.end = end;
      res.write = write;
      if (settled) await settled;
      else await release(this.pool, material.lookup).catch(() => {});
      throw error;
    }
  }

  private async settle(res: ServerResponse, context: OnceContext, material: KeyMaterial, status: number, body: string, streamed: boolean): Promise<void> {
    if (streamed || !isCompletedAnswer(status, body)) return release(this.pool, material.lookup);
    const contentType = res.getHeader('content-type');
    const stored: StoredAnswer = { body, contentType: typeof contentType === 'string' ? contentType : null, releases: context.releases ?? [], traceId: context.identity.traceId ?? null };
    await complete(this.pool, material.lookup, status, sealAnswer(material.secret, material.lookup, JSON.stringify(stored)));
  }

  /** The first answer again, audited first (nothing released without its record: durable.ts). */
  private async replay(res: ServerResponse, context: OnceContext, material: KeyMaterial, status: number, sealed: Buffer, operation: { query: string; operationName: unknown }): Promise<void> {
    const stored = JSON.parse(openAnswer(material.secret, material.lookup, sealed)) as StoredAnswer;
    // Nothing ran, so the pipeline saw no operation: the entries name the one the client sent.
    const about = {
      ...(context.auditRequest?.() ?? { identity: context.identity }),
      operationName: typeof operation.operationName === 'string' ? operation.operationName : null,
      documentHash: createHash('sha256').update(operation.query).digest('hex'),
    };
    const entries = auditEntries({ ...about, releases: [...stored.releases, { coordinate: REPLAY_COORDINATE, entityId: stored.traceId, decision: 'full' }] });
    try {
      await this.options.audit.commit(entries, this.options.auditTimeoutMs, () => true);
    } catch (error) {
      if (!(error instanceof AuditUnavailableError)) throw error;
      return refuse(res, 503, 'AUDIT_UNAVAILABLE', 'The answer cannot be recorded now; retry with the same Idempotency-Key', { 'retry-after': '1' });
    }
    res.setHeader(REPLAYED_HEADER, 'true');
    res.writeHead(status, { 'content-type': stored.contentType ?? 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(stored.body) });
    res.end(stored.body);
  }

  async close(): Promise<void> {
    clearInterval(this.purger);
    await this.pool.end();
  }
}
