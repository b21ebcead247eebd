import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotent writes (gateway/idempotency): the first answer to a mutation sent with an
 * Idempotency-Key, kept for the retries of the same caller for IDEMPOTENCY_RETENTION_SECONDS,
 * then purged. It lives in the gateway's own database, whose schema this module owns.
 *
 * Nothing here is readable without the client's key: the row is found by a digest of (caller,
 * key), the caller by a digest of the subject, and the answer (which may hold personal data the
 * caller already received) is sealed under a key derived from the Idempotency-Key
 * (gateway/idempotency/key.ts; 个人信息保护法 第51条).
 *
 * The gateway's login (a member of audit_writer, INSERT and SELECT on the audit log only) may
 * claim, complete, release and purge these rows: they are a cache of answers, not a record.
 */
export class IdempotencyRecord1700000002850 implements MigrationInterface {
  name = 'IdempotencyRecord1700000002850';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE idempotency_record (
      lookup text PRIMARY KEY CHECK (lookup ~ '^[0-9a-f]{64}$'),
      subject_digest text NOT NULL CHECK (subject_digest ~ '^[0-9a-f]{64}$'),
      fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
      state text NOT NULL CHECK (state IN ('running', 'done')),
      -- While running: until when the claim holds (a gateway killed mid-request frees it then).
      lease_until timestamptz NOT NULL,
      status smallint,
      -- The sealed answer: iv, tag, ciphertext of {body, releases, traceId}.
      answer bytea CHECK (octet_length(answer) <= 4000000),
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      CHECK (state = 'running' OR (status IS NOT NULL AND answer IS NOT NULL)))`);
    // The per-caller cap counts a caller's live rows; the purge walks by expiry.
    await q.query(`CREATE INDEX idempotency_record_subject ON idempotency_record (subject_digest, expires_at)`);
    await q.query(`CREATE INDEX idempotency_record_expiry ON idempotency_record (expires_at)`);
    await q.query(`DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'audit_writer') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_record TO audit_writer;
      END IF;
    END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_record`);
  }
}
