import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every audit row paid for seven b-trees. A page of 50 personal values writes 50 rows, so the log
 * was the hub's largest per-request cost. Unique prev_hash alone keeps the chain from forking
 * (a second hash index adds nothing); coordinate has a handful of values, and time follows
 * sequence: auditors' searches by subject and entity keep their indexes.
 */
export class AuditLeanerIndexes1700000000100 implements MigrationInterface {
  name = 'AuditLeanerIndexes1700000000100';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_hash_key`);
    await q.query(`DROP INDEX IF EXISTS audit_log_coordinate`);
    await q.query(`DROP INDEX IF EXISTS audit_log_at`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_log_at ON audit_log (at)`);
    await q.query(`CREATE INDEX audit_log_coordinate ON audit_log (coordinate, sequence DESC)`);
    await q.query(`ALTER TABLE audit_log ADD CONSTRAINT audit_log_hash_key UNIQUE (hash)`);
  }
}
