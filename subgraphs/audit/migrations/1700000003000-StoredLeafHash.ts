import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each entry keeps its SHA-256 Merkle leaf hash (32 bytes), computed by the gateway from the
 * canonical JSON it hashed into the chain. The audit subgraph's tree (proofs for auditors, the
 * witness courier's consistency proofs) reads these instead of reading every entry back and
 * hashing it again. Entries written before this have none and are still hashed from their content.
 * The subgraph is not trusted with the log's integrity: `npm run audit:verify` recomputes every
 * leaf from the content and checks the stored one against it.
 *
 * Unique prev_hash goes: the writer numbers its leaves from the chain's head under the same lock
 * and unique leaf_index refuses a writer that did not take the lock just as surely (both values
 * come from the head it read), so a fork is still refused by the database. Its index of random
 * 64-character keys was a b-tree page touched at random for each of a 50-case page's hundred entries.
 *
 * The size CHECK is NOT VALID: every existing row holds NULL, which passes it, so there is nothing
 * to scan for; new rows are checked.
 */
export class AuditStoredLeafHash1700000003000 implements MigrationInterface {
  name = 'AuditStoredLeafHash1700000003000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log ADD COLUMN leaf_sha256 bytea`);
    await q.query(`ALTER TABLE audit_log ADD CONSTRAINT audit_log_leaf_sha256_size CHECK (octet_length(leaf_sha256) = 32) NOT VALID`);
    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_prev_hash_key`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log ADD CONSTRAINT audit_log_prev_hash_key UNIQUE (prev_hash)`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN leaf_sha256`);
  }
}
