// The idempotency records in the gateway's own database (table: subgraphs/audit/migrations/
// 1700000002850-IdempotencyRecord.ts). Every gateway process and replica shares them, and they
// outlive a restart: a retry reaching another process, or the same one started again, replays.
import pg from 'pg';

/** How long a running claim holds before a retry may take it over (a gateway killed mid-request). */
export const LEASE_SECONDS = 120;
/**
 * Live keys one caller may hold at once: past it a new key is refused (429) until old ones expire.
 * Bounds what one token can make the gateway store (10 000 answers of a mutation, a few MB).
 */
export const KEYS_PER_CALLER = 10_000;

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'running' }
  | { kind: 'reused' }
  | { kind: 'limit' }
  | { kind: 'done'; status: number; answer: Buffer };

export interface ClaimRequest { lookup: string; subjectDigest: string; fingerprint: string }

type Queryable = Pick<pg.Pool, 'query'>;

/**
 * Takes the key for this request, atomically: the row's primary key is the (caller, key) digest,
 * so of two concurrent requests one inserts and the other meets its row. An expired row is gone
 * first; a running row whose lease lapsed (its process died) is taken over.
 */
export async function claim(db: Queryable, request: ClaimRequest, retentionSeconds: number, keysPerCaller = KEYS_PER_CALLER): Promise<Claim> {
  await db.query('DELETE FROM idempotency_record WHERE lookup = $1 AND expires_at < now()', [request.lookup]);
  const inserted = await db.query(
    `INSERT INTO idempotency_record (lookup, subject_digest, fingerprint, state, lease_until, expires_at)
     SELECT $1, $2, $3, 'running', now() + make_interval(secs => $4), now() + make_interval(secs => $5)
     WHERE (SELECT count(*) FROM idempotency_record WHERE subject_digest = $2 AND expires_at >= now()) < $6
     ON CONFLICT (lookup) DO NOTHING RETURNING lookup`,
    [request.lookup, request.subjectDigest, request.fingerprint, LEASE_SECONDS, retentionSeconds, keysPerCaller]);
  if (inserted.rowCount) return { kind: 'claimed' };
  const { rows } = await db.query(
    `SELECT fingerprint, state, status, answer, lease_until < now() AS lapsed FROM idempotency_record WHERE lookup = $1`, [request.lookup]);
  const row = rows[0];
  if (!row) return { kind: 'limit' }; // no conflict, yet nothing inserted: the caller's cap
  if (row.fingerprint !== request.fingerprint) return { kind: 'reused' };
  if (row.state === 'done') return { kind: 'done', status: Number(row.status), answer: row.answer };
  if (!row.lapsed) return { kind: 'running' };
  const taken = await db.query(
    `UPDATE idempotency_record SET lease_until = now() + make_interval(secs => $2)
     WHERE lookup = $1 AND state = 'running' AND lease_until < now() RETURNING lookup`, [request.lookup, LEASE_SECONDS]);
  return taken.rowCount ? { kind: 'claimed' } : { kind: 'running' };
}

/** The execution completed: its sealed answer is what every retry gets from now on. */
export async function complete(db: Queryable, lookup: string, status: number, answer: Buffer): Promise<void> {
  await db.query(`UPDATE idempotency_record SET state = 'done', status = $2, answer = $3 WHERE lookup = $1 AND state = 'running'`, [lookup, status, answer]);
}

/** Nothing ran (refused before execution, or nothing written): the key is free for a retry. */
export async function release(db: Queryable, lookup: string): Promise<void> {
  await db.query(`DELETE FROM idempotency_record WHERE lookup = $1 AND state = 'running'`, [lookup]);
}

/** Removes expired records, at most `batch` at a time; returns how many. */
export async function purgeExpired(db: Queryable, batch = 5000): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM idempotency_record WHERE lookup IN (SELECT lookup FROM idempotency_record WHERE expires_at < now() LIMIT $1)`, [batch]);
  return rowCount ?? 0;
}
