import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each checkpoint keeps the consistency proof (RFC 9162 §2.1.4) from the checkpoint before it:
 * `proof_from`, that checkpoint's size, and the proof's hashes (hex, in order). The gateway's
 * checkpointer makes it from the nodes its new root hashes anyway; the witness courier carries it
 * to the procuratorate instead of reading the new entries' leaves back and hashing their subtrees
 * again. The witness checks it against the root it cosigned itself, so a stored proof is trusted by
 * nobody: one altered is refused like any other. The first checkpoint, one after a change of hash
 * and one over a long catch-up have none (both columns NULL); the courier then proves from its tree.
 *
 * Existing rows keep NULL, which the check allows; the table stays append-only (its triggers are
 * row triggers on UPDATE and DELETE, which adding a column does not fire).
 */
export class AuditCheckpointProof1700000003300 implements MigrationInterface {
  name = 'AuditCheckpointProof1700000003300';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_checkpoint ADD COLUMN proof_from bigint, ADD COLUMN proof text[]`);
    await q.query(`ALTER TABLE audit_checkpoint ADD CONSTRAINT audit_checkpoint_proof
      CHECK ((proof_from IS NULL) = (proof IS NULL) AND (proof_from IS NULL OR (proof_from > 0 AND proof_from < tree_size)))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_checkpoint DROP CONSTRAINT audit_checkpoint_proof`);
    await q.query(`ALTER TABLE audit_checkpoint DROP COLUMN proof, DROP COLUMN proof_from`);
  }
}
