// The idempotency records on a real PostgreSQL database (no hub): the claim is atomic, a caller's
// live keys are capped, an expired record frees its key and is purged, and a claim left by a
// gateway that died frees itself when its lease lapses. Time passing is the rows' own timestamps
// moved back, the way the database would see them later.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { QueryRunner } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keyMaterial } from '../gateway/idempotency/key';
import { claim, complete, purgeExpired, release } from '../gateway/idempotency/store';
import { dropDatabases, ensureDatabases, externalPostgres } from '../scripts/hub/postgres';
import { IdempotencyRecord1700000002850 } from '../subgraphs/audit/migrations/1700000002850-IdempotencyRecord';

const server = () => externalPostgres(inject('postgresAdminUrl'));
const database = `t${randomBytes(4).toString('hex')}_idempotency`;
let pool: pg.Pool;

const request = (subject: string, key: string, fingerprint = 'f'.repeat(64)) => {
  const { lookup, subjectDigest } = keyMaterial(subject, key);
  return { lookup, subjectDigest, fingerprint };
};

beforeAll(async () => {
  await ensureDatabases(server(), [database]);
  pool = new pg.Pool({ connectionString: server().url(database), max: 8 });
  await new IdempotencyRecord1700000002850().up({ query: (sql: string) => pool.query(sql) } as unknown as QueryRunner);
});
afterAll(async () => {
  await pool?.end();
  await dropDatabases(server(), [database]);
});

describe('idempotency records', () => {
  it('of twenty concurrent claims of one key exactly one wins; the rest see it running', async () => {
    const r = request('user:a', 'concurrent-key-0001');
    const claims = await Promise.all(Array.from({ length: 20 }, () => claim(pool, r, 3600)));
    expect(claims.filter((c) => c.kind === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c.kind === 'running')).toHaveLength(19);
  });

  it('completed, it answers every later claim; another fingerprint under it is refused', async () => {
    const r = request('user:a', 'completed-key-0001');
    expect(await claim(pool, r, 3600)).toEqual({ kind: 'claimed' });
    await complete(pool, r.lookup, 200, Buffer.from('sealed'));
    expect(await claim(pool, r, 3600)).toMatchObject({ kind: 'done', status: 200, answer: Buffer.from('sealed') });
    expect(await claim(pool, { ...r, fingerprint: 'e'.repeat(64) }, 3600)).toEqual({ kind: 'reused' });
  });

  it('released (nothing ran), the key is free again', async () => {
    const r = request('user:a', 'released-key-0001');
    expect(await claim(pool, r, 3600)).toEqual({ kind: 'claimed' });
    await release(pool, r.lookup);
    expect(await claim(pool, { ...r, fingerprint: 'e'.repeat(64) }, 3600)).toEqual({ kind: 'claimed' });
  });

  it('a running claim whose gateway died is taken over once its lease lapsed, by one retry only', async () => {
    const r = request('user:a', 'lapsed-key-000001');
    expect(await claim(pool, r, 3600)).toEqual({ kind: 'claimed' });
    expect(await claim(pool, r, 3600)).toEqual({ kind: 'running' });
    await pool.query(`UPDATE idempotency_record SET lease_until = now() - interval '1 second' WHERE lookup = $1`, [r.lookup]);
    const retries = await Promise.all(Array.from({ length: 5 }, () => claim(pool, r, 3600)));
    expect(retries.filter((c) => c.kind === 'claimed')).toHaveLength(1);
  });

  it("a caller's live keys are capped; expired ones do not count, and others' keys are theirs", async () => {
    const cap = 3;
    for (let i = 0; i < cap; i++) expect(await claim(pool, request('user:capped', `capped-key-${i}-00000`), 3600, cap)).toEqual({ kind: 'claimed' });
    expect(await claim(pool, request('user:capped', 'capped-key-x-00000'), 3600, cap)).toEqual({ kind: 'limit' });
    expect(await claim(pool, request('user:other', 'capped-key-x-00000'), 3600, cap)).toEqual({ kind: 'claimed' });
    const first = request('user:capped', 'capped-key-0-00000');
    await pool.query(`UPDATE idempotency_record SET expires_at = now() - interval '1 second' WHERE lookup = $1`, [first.lookup]);
    expect(await claim(pool, request('user:capped', 'capped-key-x-00000'), 3600, cap)).toEqual({ kind: 'claimed' });
  });

  it('an expired record is not replayed: its key runs anew; the purge removes expired records only', async () => {
    const r = request('user:b', 'expired-key-00001');
    await claim(pool, r, 3600);
    await complete(pool, r.lookup, 200, Buffer.from('old'));
    await pool.query(`UPDATE idempotency_record SET expires_at = now() - interval '1 second' WHERE lookup = $1`, [r.lookup]);
    expect(await claim(pool, { ...r, fingerprint: 'e'.repeat(64) }, 3600)).toEqual({ kind: 'claimed' });

    const live = request('user:b', 'live-key-00000001');
    await claim(pool, live, 3600);
    const gone = request('user:b', 'gone-key-00000001');
    await claim(pool, gone, 3600);
    await pool.query(`UPDATE idempotency_record SET expires_at = now() - interval '1 second' WHERE lookup = $1`, [gone.lookup]);
    expect(await purgeExpired(pool)).toBeGreaterThanOrEqual(1);
    const { rows } = await pool.query(`SELECT lookup FROM idempotency_record WHERE lookup = ANY($1)`, [[live.lookup, gone.lookup]]);
    expect(rows.map((row) => row.lookup)).toEqual([live.lookup]);
  });
});
