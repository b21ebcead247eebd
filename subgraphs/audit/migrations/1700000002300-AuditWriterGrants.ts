import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Least privilege on the audit log (等保 level 3, GB/T 22239-2019 8.1.4.3: audit records protected
 * against deletion, alteration and overwriting; 网络安全法 第21条). The tables belong to the role
 * that runs these migrations (the audit subgraph's login); the gateway appends as a member of
 * `audit_writer`, which may INSERT and SELECT the log, its checkpoints and the schema registry,
 * and nothing else: no UPDATE, DELETE or TRUNCATE, and, owning nothing, no ALTER TABLE (so it
 * cannot disable the append-only triggers), nor `session_replication_role` (superuser only).
 *
 * The role is made by whoever sets up the server (scripts/hub/roles.ts on the embedded default,
 * deploy/postgres/init-gateway-db.sh under docker-compose). A database without it (restored by
 * hand somewhere else) is left as it is: whoever connects there is its owner or superuser.
 */
export class AuditWriterGrants1700000002300 implements MigrationInterface {
  name = 'AuditWriterGrants1700000002300';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'audit_writer') THEN
        REVOKE ALL ON audit_log, audit_checkpoint, schema_publication FROM audit_writer;
        GRANT SELECT, INSERT ON audit_log, audit_checkpoint, schema_publication TO audit_writer;
      END IF;
    END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'audit_writer') THEN
        REVOKE ALL ON audit_log, audit_checkpoint, schema_publication FROM audit_writer;
      END IF;
    END $$`);
  }
}
