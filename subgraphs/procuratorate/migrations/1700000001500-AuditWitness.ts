import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The procuratorate's witness of the hub's audit log (issue 18): the checkpoints it cosigned, in
 * ITS OWN database, out of reach of whoever holds the gateway's; and the checkpoints it refused,
 * kept whole as evidence (a log that cannot prove it extends what was cosigned has been rewritten,
 * or shows different logs to different readers). Both append-only.
 */
export class ProcuratorateAuditWitness1700000001500 implements MigrationInterface {
  name = 'ProcuratorateAuditWitness1700000001500';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_witness_checkpoint (
      origin text NOT NULL,
      tree_size bigint NOT NULL CHECK (tree_size > 0),
      hash_alg text NOT NULL,
      root_hash text NOT NULL CHECK (root_hash ~ '^[0-9a-f]{64}$'),
      gateway_signature text NOT NULL,
      cosigned_at timestamptz NOT NULL,
      cosignature text NOT NULL,
      PRIMARY KEY (origin, tree_size))`);
    await q.query(`CREATE TABLE audit_witness_refusal (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      received_at timestamptz NOT NULL,
      sender text NOT NULL,
      origin text NOT NULL,
      tree_size bigint NOT NULL,
      hash_alg text NOT NULL,
      root_hash text NOT NULL,
      gateway_signature text NOT NULL,
      from_size bigint NOT NULL,
      proof text[] NOT NULL,
      reason text NOT NULL)`);
    await q.query(`CREATE FUNCTION audit_witness_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_witness_checkpoint', 'audit_witness_refusal']) {
      await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_witness_refuse_change()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION audit_witness_refuse_change()`);
    }
  }

  async down(): Promise<void> {
    throw new Error('the witness\'s checkpoints are evidence; no migration removes them');
  }
}
