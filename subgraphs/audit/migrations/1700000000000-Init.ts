import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log (网络安全法 第21条, 等保 level 3): append-only and hash-chained. The gateway
 * processes append to it (gateway/audit/writer.ts); this subgraph owns the schema and serves reads.
 *
 * The database itself refuses UPDATE, DELETE and TRUNCATE, whoever asks: triggers raise an
 * exception, so the guarantee does not depend on how roles are set up. Production should in
 * addition give the gateway a database user that holds only INSERT and SELECT on audit_log, e.g.
 *   REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM <gateway user>;
 *   GRANT SELECT, INSERT ON audit_log TO <gateway user>;
 * and keep the table owner (who can disable triggers) apart from both the gateway's and this
 * subgraph's users; this subgraph needs SELECT only. A superuser can still bypass the triggers:
 * `npm run audit:verify` (gateway/audit/verify.ts) then finds the altered row by its hash.
 */
export class AuditInit1700000000000 implements MigrationInterface {
  name = 'AuditInit1700000000000';
  async up(q: QueryRunner): Promise<void> {
    // hash = sha256(prev_hash || '\n' || canonical JSON of the entry), computed by the writer under
    // pg_advisory_xact_lock; the first row's prev_hash is 64 zeros. `at` keeps millisecond
    // precision so the ISO string the hash covers is exactly what is stored. prev_hash is unique:
    // a writer that did not take the lock cannot fork the chain, its insert fails instead.
    await q.query(`CREATE TABLE audit_log (
      sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL CHECK (at = date_trunc('milliseconds', at)),
      subject text NOT NULL,
      role text NOT NULL,
      org text,
      region text,
      client_address text,
      operation_name text,
      document_hash text,
      coordinate text NOT NULL,
      entity_id text,
      decision text NOT NULL CHECK (decision IN ('full', 'masked', 'denied')),
      reason text,
      trace_id text,
      prev_hash text NOT NULL UNIQUE CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
      hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'))`);
    // Reads page newest first by sequence, filtered by who, what or which entity.
    await q.query(`CREATE INDEX audit_log_subject ON audit_log (subject, sequence DESC)`);
    await q.query(`CREATE INDEX audit_log_entity ON audit_log (entity_id, sequence DESC) WHERE entity_id IS NOT NULL`);
    await q.query(`CREATE INDEX audit_log_coordinate ON audit_log (coordinate, sequence DESC)`);
    await q.query(`CREATE INDEX audit_log_at ON audit_log (at)`);

    await q.query(`CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % is refused', TG_OP
          USING ERRCODE = 'insufficient_privilege', HINT = 'audit records are never updated, deleted or truncated';
      END $$`);
    // Row-level, as required; the statement-level twin also refuses statements that match no row.
    await q.query(`CREATE TRIGGER audit_log_append_only_row BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`);
    await q.query(`CREATE TRIGGER audit_log_append_only_statement BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);
  }

  async down(): Promise<void> {
    // Records are kept at least six months; no migration removes them.
    throw new Error('the audit log is never dropped by a migration');
  }
}
