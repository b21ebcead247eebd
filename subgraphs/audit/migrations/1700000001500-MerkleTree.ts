import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log becomes a verifiable log (RFC 9162): each entry's place in the Merkle tree
 * (leaf_index, 0-based, given by the writer under the chain lock, so the tree's order is the
 * order of commit), and the checkpoints the gateway signs over it (kit/checkpoint.ts). A
 * checkpoint keeps the tree's right edge (frontier) so the next one hashes only new entries.
 *
 * Both tables are append-only like audit_log (the same trigger function). A database superuser
 * can still bypass the triggers; what he cannot do is forge the gateway's signature or the copy
 * the procuratorate's witness keeps in its own database: `npm run audit:verify` compares against
 * that copy.
 */
export class AuditMerkleTree1700000001500 implements MigrationInterface {
  name = 'AuditMerkleTree1700000001500';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log ADD COLUMN leaf_index bigint`);
    // Entries written before this migration take their place in sequence order; the triggers
    // refuse UPDATE, so this one backfill runs with them disabled, inside the migration's transaction.
    await q.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only_row`);
    await q.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only_statement`);
    await q.query(`UPDATE audit_log SET leaf_index = r.n - 1
      FROM (SELECT sequence, row_number() OVER (ORDER BY sequence) AS n FROM audit_log) r WHERE r.sequence = audit_log.sequence`);
    await q.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only_row`);
    await q.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only_statement`);
    await q.query(`ALTER TABLE audit_log ALTER COLUMN leaf_index SET NOT NULL`);
    await q.query(`ALTER TABLE audit_log ADD CONSTRAINT audit_log_leaf_index UNIQUE (leaf_index)`);
    await q.query(`ALTER TABLE audit_log ADD CONSTRAINT audit_log_leaf_index_range CHECK (leaf_index >= 0)`);

    await q.query(`CREATE TABLE audit_checkpoint (
      tree_size bigint PRIMARY KEY CHECK (tree_size > 0),
      origin text NOT NULL,
      hash_alg text NOT NULL CHECK (hash_alg IN ('sha256', 'sm3')),
      root_hash text NOT NULL CHECK (root_hash ~ '^[0-9a-f]{64}$'),
      frontier text[] NOT NULL,
      signature text NOT NULL,
      signed_at timestamptz NOT NULL)`);
    await q.query(`CREATE TRIGGER audit_checkpoint_append_only_row BEFORE UPDATE OR DELETE ON audit_checkpoint
      FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`);
    await q.query(`CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);
  }

  async down(): Promise<void> {
    throw new Error('the audit log is never dropped by a migration');
  }
}
