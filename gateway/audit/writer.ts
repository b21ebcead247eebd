import pg from 'pg';
import { GATEWAY, readSigningKey } from '../../kit/keys';
import { AUDIT_RATE_ENV } from './rate-env';
import type { EnvVar } from '../../kit/module';
import { Checkpointer } from './checkpointer';
import {
  AUDIT_CHAIN_LOCK, AUDIT_DECISIONS, auditTime, canonicalJson, chainHashOfCanonical, GENESIS_HASH, storedLeafHash, type AuditDecision, type AuditEntry,
} from '../../kit/audit-chain';
import { log } from '../../kit/log';

/** What a caller records; `at` defaults to now, absent optional fields to null. */
export interface AuditEntryInput {
  at?: Date;
  subject: string;
  role: string;
  org?: string | null;
  region?: string | null;
  clientAddress?: string | null;
  operationName?: string | null;
  documentHash?: string | null;
  coordinate: string;
  entityId?: string | null;
  decision: AuditDecision;
  reason?: string | null;
  traceId?: string | null;
}

export interface AuditWriterOptions {
  /**
   * How long a lone entry waits for company before it is written (default 250 ms): every batch is a
   * commit (an fsync) under the chain lock, and entries need to arrive surely, not instantly.
   */
  intervalMs?: number;
  /** Entries per transaction; a full batch is written at once (default 1000). */
  maxBatch?: number;
  /** First retry delay after a failed write, doubled per failure up to maxBackoffMs (50 ms, 5 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  poolSize?: number;
  /** A statement (a batch waiting on a lock) gives up after this and is retried (default 10 s). */
  statementTimeoutMs?: number;
  /** The gateway's private key (GATEWAY_SIGNING_KEY_FILE): with it the writer also signs checkpoints of the log's Merkle tree. */
  signingKeyFile?: string;
  /** How often a checkpoint is made while entries arrive (AUDIT_CHECKPOINT_MS, default 2000). */
  checkpointMs?: number;
  log?: (message: string, error?: unknown) => void;
}

/** A NUL or any half of a surrogate pair: the characters `clean` may have to change. */
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text PostgreSQL stores and returns unchanged, so the hash computed here is the hash verification
 * recomputes: no NUL (text refuses it and the batch would never go in), no lone surrogate (it would
 * come back as U+FFFD), bounded length.
 */
function clean(value: unknown, max: number): string {
  let text = String(value);
  // Nearly every value is short and holds neither a NUL nor any surrogate: one test instead of two
  // replacements, for each of the thirteen fields of the hundred entries a page of cases releases.
  if (text.length <= max && !SUSPECT.test(text)) return text;
  text = text.replace(/\u0000/g, '').replace(LONE_SURROGATE, '\uFFFD');
  if (text.length > max) text = text.slice(0, max).replace(LONE_SURROGATE, '');
  return text;
}
const optional = (value: unknown, max: number): string | null => (value === undefined || value === null || value === '' ? null : clean(value, max));

/** The entry as it will be stored and hashed. Throws on an entry no caller should make. */
export function normalizeEntry(input: AuditEntryInput, now: Date = new Date()): AuditEntry {
  if (!AUDIT_DECISIONS.includes(input.decision)) throw new TypeError(`audit: decision must be one of ${AUDIT_DECISIONS.join(', ')}, not ${String(input.decision)}`);
  if (!input.coordinate) throw new TypeError('audit: an entry needs its coordinate (Type.field)');
  const at = input.at ?? now;
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TypeError('audit: at must be a valid Date');
  return {
    at: new Date(at.getTime()), // a Date carries milliseconds, as the column's CHECK requires
    subject: clean(input.subject ?? '', 200) || 'anonymous',
    role: clean(input.role ?? '', 50) || 'unknown',
    org: optional(input.org, 100),
    region: optional(input.region, 20),
    clientAddress: optional(input.clientAddress, 100),
    operationName: optional(input.operationName, 200),
    documentHash: optional(input.documentHash, 128),
    coordinate: clean(input.coordinate, 200),
    entityId: optional(input.entityId, 200),
    decision: input.decision,
    reason: optional(input.reason, 500),
    traceId: optional(input.traceId, 100),
  };
}

/**
 * One multi-row INSERT of the batch, sent as one JSON array of groups: a group is the entries one
 * after the other that share who asked and when (a request's: a 50-case page is one group of a
 * hundred), `[at, subject, role, org, region, clientAddress, operationName, documentHash, reason,
 * traceId, [[coordinate, entityId, decision, hash, leaf], …]]` (leaf: the entry's Merkle leaf hash,
 * hex, stored as bytes). Taken apart in order, so sequence follows the chain; each row's prev_hash
 * is the hash of the row before it (the head's for the first) and its leaves are numbered on from the head's. A third of the bytes
 * of a row per entry with everything repeated (the gateway writes every byte to PostgreSQL's
 * socket); `->>` gives the text exactly as sent and SQL NULL for a JSON null. jsonb, not json: `->>`
 * on json parses the text from its start on every call, and each of a group's hundred rows reads ten
 * of its fields, so PostgreSQL spent 45 ms of CPU on a 50-case page's batch instead of 5 (parsed once
 * as jsonb; clean() has already removed what jsonb refuses, NUL and lone surrogates).
 *
 * The fields are taken out of the JSON (the MATERIALIZED entry) before the rows are put in order:
 * sorted as they came, each of a group's rows carried the group's whole jsonb, a hundred copies of
 * it for a 50-case page, which was a fifth of PostgreSQL's time on the batch.
 *
 * Its three values (the groups, the head's hash, the first leaf's index) come as SQL literals, so
 * that the INSERT and the COMMIT go in one round trip (see append).
 */
const insertThenCommit = (groups: string, first: string, firstLeaf: string) => `WITH entry AS MATERIALIZED (
    SELECT g.gi, e.ei, (g.v->>0)::timestamptz AS at, g.v->>1 AS subject, g.v->>2 AS role, g.v->>3 AS org, g.v->>4 AS region,
      g.v->>5 AS client_address, g.v->>6 AS operation_name, g.v->>7 AS document_hash, e.x->>0 AS coordinate, e.x->>1 AS entity_id,
      e.x->>2 AS decision, g.v->>8 AS reason, g.v->>9 AS trace_id, e.x->>3 AS hash, e.x->>4 AS leaf
    FROM jsonb_array_elements(${groups}::jsonb) WITH ORDINALITY AS g(v, gi)
    CROSS JOIN LATERAL jsonb_array_elements(g.v->10) WITH ORDINALITY AS e(x, ei))
  INSERT INTO audit_log (at, subject, role, org, region, client_address, operation_name, document_hash,
    coordinate, entity_id, decision, reason, trace_id, prev_hash, hash, leaf_index, leaf_sha256)
  SELECT at, subject, role, org, region, client_address, operation_name, document_hash, coordinate, entity_id, decision, reason, trace_id,
    COALESCE(lag(hash) OVER chain, ${first}::text), hash, ${firstLeaf}::bigint + row_number() OVER chain - 1, decode(leaf, 'hex')
  FROM entry
  WINDOW chain AS (ORDER BY gi, ei)
  ORDER BY gi, ei;
  COMMIT`;

/** Whether two entries share who asked and when (one group of the INSERT). */
const sameAsker = (a: AuditEntry, b: AuditEntry) => a.at.getTime() === b.at.getTime() && a.subject === b.subject && a.role === b.role
  && a.org === b.org && a.region === b.region && a.clientAddress === b.clientAddress && a.operationName === b.operationName
  && a.documentHash === b.documentHash && a.reason === b.reason && a.traceId === b.traceId;

/** Bytes of a stored leaf hash (SHA-256). */
const LEAF_BYTES = 32;

/** A batch's transaction up to its INSERT: begun, the chain locked, its head read. */
const BEGIN_LOCKED = `BEGIN; SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}::bigint); SELECT hash, leaf_index::text FROM audit_log ORDER BY sequence DESC LIMIT 1`;

/** The audit writer's variables (declared with the gateway's, checked against docker-compose.yml). */
export const AUDIT_ENV: EnvVar[] = [
  ...AUDIT_RATE_ENV,
  { name: 'AUDIT_CHECKPOINT_MS', required: false, description: 'how often the audit log\'s signed checkpoint (Merkle tree size and root) is renewed while entries arrive (default 2000)', kind: 'integer', min: 100, max: 60_000 },
  { name: 'AUDIT_COMMIT_TIMEOUT_MS', required: false, description: 'how long a response that releases personal or classified data waits for its audit entries to be committed before those fields are withheld (AUDIT_UNAVAILABLE; default 2000)', kind: 'integer', min: 50, max: 60_000 },
];

export function auditOptionsFromEnv(env: NodeJS.ProcessEnv): Pick<AuditWriterOptions, 'checkpointMs'> {
  return env.AUDIT_CHECKPOINT_MS ? { checkpointMs: Number(env.AUDIT_CHECKPOINT_MS) } : {};
}

/** How long a response that releases personal or classified data waits for its entries' commit (AUDIT_COMMIT_TIMEOUT_MS). */
export function auditCommitTimeoutFromEnv(env: NodeJS.ProcessEnv): number {
  return env.AUDIT_COMMIT_TIMEOUT_MS ? Number(env.AUDIT_COMMIT_TIMEOUT_MS) : 2000;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The audit store did not confirm a durable commit in time (down, locked, or slower than the timeout). */
export class AuditUnavailableError extends Error {
  constructor(message = 'the audit log could not be written in time') {
    super(message);
    this.name = 'AuditUnavailableError';
  }
}

/** One queued entry; `group` is the commit a request awaits, if any. */
interface Pending { seq: number; entry: AuditEntry; group?: Group }
interface Group { left: number; done: () => void }

/**
 * The gateway's side of the audit log. `commit` is group commit: the entries of concurrent
 * requests are appended together, one transaction each batch, and every request awaits its
 * batch's COMMIT before its response leaves (nothing released without its record). `record`
 * queues entries that need not hold anything (written within intervalMs). Batches are appended
 * under an advisory lock so that several gateway processes extend the same chain. A failed batch
 * goes back to the head of the queue and is retried with backoff: no entry is dropped unless the
 * request that made it withdraws it because it withheld what it recorded. (A COMMIT whose
 * acknowledgement is lost can be retried and so written twice: a duplicate, never a gap.)
 */
export class AuditWriter {
  private readonly pool: pg.Pool;
  private readonly intervalMs: number;
  private readonly maxBatch: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly log: (message: string, error?: unknown) => void;
  private queue: Pending[] = [];
  private inFlight: Pending[] = [];
  private sequence = 0;
  private failures = 0;
  private running = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private waiters: { target: number; resolve: () => void }[] = [];
  private checkpointer: Promise<Checkpointer | undefined>;
  /** The checkpointer once its key is read: from then on it is handed the leaves of each committed batch. */
  private checkpointerReady: Checkpointer | undefined;

  constructor(databaseUrl: string, options: AuditWriterOptions = {}) {
    // A batch blocked on a lock gives up and is retried rather than hanging the writer.
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 2, statement_timeout: options.statementTimeoutMs ?? 10_000 });
    // An idle connection that dies must not take the process with it; the next batch reconnects.
    this.pool.on('error', (error) => this.log('audit: idle database connection failed', error));
    this.intervalMs = options.intervalMs ?? 250;
    this.maxBatch = options.maxBatch ?? 1000;
    this.initialBackoffMs = options.initialBackoffMs ?? 50;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.log = options.log ?? ((message, error) => log.error(message, error));
    const keyFile = options.signingKeyFile;
    this.checkpointer = keyFile
      ? readSigningKey(keyFile, GATEWAY).then((key) => {
        const checkpointer = new Checkpointer(this.pool, key, { intervalMs: options.checkpointMs, log: this.log });
        this.checkpointerReady = checkpointer;
        if (!this.closed) checkpointer.start();
        return checkpointer;
      })
      : Promise.resolve(undefined);
    this.checkpointer.catch(() => {}); // reported by close() and checkpoint()
  }

  /** Signs a checkpoint of what is written now (tests and shutdown; otherwise every checkpointMs). */
  async checkpoint() {
    const checkpointer = await this.checkpointer;
    if (!checkpointer) throw new Error('audit: the writer has no signing key, so it makes no checkpoints');
    return checkpointer.checkpoint();
  }

  /** The checkpointer (none without a signing key): what it holds and what it has read back. */
  checkpointerOf(): Promise<Checkpointer | undefined> {
    return this.checkpointer;
  }

  /** Entries recorded and not yet written (for health checks and back-pressure). */
  get pending(): number {
    return this.queue.length + this.inFlight.length;
  }

  /** Consecutive failed writes; 0 when the last write succeeded. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Queues entries; returns at once. Throws only on an entry no caller should make. */
  record(entries: AuditEntryInput[]): void {
    this.enqueue(entries);
    this.schedule(this.queue.length >= this.maxBatch ? 0 : this.intervalMs);
  }

  /**
   * Appends entries with the next batch (at once, or with the batch after the one being written:
   * group commit) and resolves when they are committed. After `timeoutMs` it rejects with
   * AuditUnavailableError; the entries for which `withdraw` holds and that are not yet being
   * written are then taken back (the caller withholds what they record), the rest stay queued and
   * are retried. An entry already being written may still land: recorded, not released (safe).
   */
  commit(entries: AuditEntryInput[], timeoutMs: number, withdraw: (entry: AuditEntry) => boolean = () => false): Promise<void> {
    if (!entries.length) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    let pending: Pending[] = [];
    return new Promise<void>((resolve, reject) => {
      const group: Group = { left: entries.length, done: resolve };
      pending = this.enqueue(entries, group);
      timer = setTimeout(() => {
        group.done = () => {};
        const taken = new Set(pending.filter((p) => withdraw(p.entry)));
        if (taken.size) {
          this.queue = this.queue.filter((p) => !taken.has(p));
          this.release();
        }
        reject(new AuditUnavailableError());
      }, timeoutMs);
      this.schedule(0);
    }).finally(() => clearTimeout(timer));
  }

  /** Resolves once every entry recorded before this call is in the database (or withdrawn). */
  flush(): Promise<void> {
    const target = this.sequence;
    if (this.settledUpTo() >= target) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ target, resolve });
      this.schedule(0);
    });
  }

  /** Writes what is queued, then closes the pool. Refuses further records. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    const checkpointer = await this.checkpointer.catch(() => undefined);
    if (checkpointer) {
      await checkpointer.stop();
      // What was written last is covered by a checkpoint before the process goes.
      await checkpointer.checkpoint().catch((error) => this.log('audit: the last checkpoint failed', error));
    }
    await this.pool.end();
  }

  private enqueue(entries: AuditEntryInput[], group?: Group): Pending[] {
    if (this.closed) throw new Error('audit: the writer is closed');
    const now = new Date();
    const normalized = entries.map((e) => normalizeEntry(e, now)); // all or none, before any is queued
    const pending = normalized.map((entry) => ({ seq: ++this.sequence, entry, group }));
    this.queue.push(...pending);
    return pending;
  }

  /** Every entry numbered up to this is written or withdrawn. */
  private settledUpTo(): number {
    let lowest = this.sequence + 1;
    for (const p of this.inFlight) lowest = Math.min(lowest, p.seq);
    for (const p of this.queue) lowest = Math.min(lowest, p.seq);
    return lowest - 1;
  }

  private release(): void {
    if (!this.waiters.length) return;
    const settled = this.settledUpTo();
    this.waiters = this.waiters.filter((w) => (settled >= w.target ? (w.resolve(), false) : true));
  }

  private schedule(delayMs: number): void {
    if (this.running) return; // the running flusher takes whatever is queued before it stops
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delayMs);
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length) {
        this.inFlight = this.queue.splice(0, this.maxBatch);
        try {
          await this.append(this.inFlight.map((p) => p.entry));
        } catch (error) {
          this.failures++;
          const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** Math.min(this.failures - 1, 16));
          this.log(`audit: writing ${this.inFlight.length} entries failed (attempt ${this.failures}, ${this.queue.length} more queued); retrying in ${delay} ms`, error);
          this.queue.unshift(...this.inFlight); // first again: the chain keeps the order of recording
          this.inFlight = [];
          await sleep(delay);
          continue;
        }
        const written = this.inFlight;
        this.inFlight = [];
        this.failures = 0;
        for (const p of written) if (p.group && --p.group.left === 0) p.group.done();
        this.release();
      }
    } finally {
      this.running = false;
    }
  }

  /**
   * One transaction: lock the chain, read its head, hash the batch onto it, number its leaves, insert
   * it. Each entry's canonical JSON is made once, for its chain hash and its Merkle leaf, which is
   * stored with the row; after the COMMIT the checkpointer is handed the batch's leaves, so it need
   * not read them back.
   */
  private async append(batch: AuditEntry[]): Promise<void> {
    const checkpointer = this.checkpointerReady;
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A connection lost while checked out (PostgreSQL restarted) fails the statement in progress and
    // is discarded on release; without a listener its 'error' event would end the gateway (pg emits
    // it on the client, and the pool listens only while the client is idle).
    const lost = (error: Error) => { broken = error; };
    client.on('error', lost);
    let firstLeaf = 0n;
    // Each entry's leaf hash, end to end in leaf order: stored with its row, then handed to the checkpointer.
    const leaves = Buffer.allocUnsafe(batch.length * LEAF_BYTES);
    try {
      // BEGIN, the chain lock and the head in one round trip: the simple protocol runs them in order
      // and stops at the first error (each under statement_timeout). The lock's key is a constant.
      const [, , head] = (await client.query(BEGIN_LOCKED)) as unknown as [unknown, unknown, pg.QueryResult<{ hash: string; leaf_index: string }>];
      const first = head.rows[0]?.hash ?? GENESIS_HASH;
      let prev = first;
      // The next leaves of the Merkle tree: the tree's order is the order of commit under the lock.
      firstLeaf = head.rows[0] ? BigInt(head.rows[0].leaf_index) + 1n : 0n;
      const groups: unknown[][] = [];
      let members: (string | null)[][] = [];
      let asker: AuditEntry | undefined;
      for (let i = 0; i < batch.length; i++) {
        const entry = batch[i];
        const canonical = canonicalJson(entry);
        const hash = chainHashOfCanonical(prev, canonical);
        const leaf = storedLeafHash(canonical);
        leaf.copy(leaves, i * LEAF_BYTES);
        if (!asker || !sameAsker(asker, entry)) {
          asker = entry;
          members = [];
          groups.push([auditTime(entry.at), entry.subject, entry.role, entry.org, entry.region, entry.clientAddress, entry.operationName,
            entry.documentHash, entry.reason, entry.traceId, members]);
        }
        members.push([entry.coordinate, entry.entityId, entry.decision, hash, leaf.toString('hex')]);
        prev = hash;
      }
      // The INSERT and the COMMIT in one round trip, as BEGIN and the lock above: the simple protocol
      // runs them in order and stops at the first error, leaving the transaction to the ROLLBACK below.
      // A round trip was a write to PostgreSQL's socket in the gateway, once per batch.
      const literal = (value: string) => client.escapeLiteral(value);
      await client.query(insertThenCommit(literal(JSON.stringify(groups)), literal(first), literal(String(firstLeaf))));
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError) => { broken = rollbackError as Error; });
      throw error;
    } finally {
      client.off('error', lost);
      client.release(broken); // a connection that cannot roll back is discarded, not reused
    }
    // Only now: a leaf the checkpointer holds is a committed row (a failed COMMIT hands over nothing).
    checkpointer?.committedLeaves(Number(firstLeaf), leaves);
  }
}
