import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 转送, 退回 and the re-transfer of a case with new evidence (intake/forward.ts, intake/retransfer.ts).
 *
 * A case may now be transferred more than once (after a refusal, an upheld refusal or a return),
 * so the unique constraint on case_id gives way to a partial unique index: at most ONE open
 * transfer per case. A transfer is closed when it is refused (NOT_FILED, RECONSIDERATION_UPHELD),
 * returned (RETURNED) or forwarded to another authority (FORWARDED), or when a later transfer of
 * the same case superseded it (superseded_by). Existing rows are all open or closed by the same
 * rule and hold one transfer per case, so the index builds on them unchanged.
 */
export class PublicSecurityForwardReturnRetransfer1700000002400 implements MigrationInterface {
  name = 'PublicSecurityForwardReturnRetransfer1700000002400';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_transfer
      ADD COLUMN forwarded_at timestamptz, ADD COLUMN forwarded_by text, ADD COLUMN forwarded_from text,
      ADD COLUMN competent_unit text, ADD COLUMN competent_authority text, ADD COLUMN forward_reason text,
      ADD COLUMN returned_at timestamptz, ADD COLUMN returned_by text, ADD COLUMN return_reason text,
      ADD COLUMN previous_transfer_id uuid REFERENCES case_transfer (id), ADD COLUMN new_evidence text,
      ADD COLUMN superseded_by uuid REFERENCES case_transfer (id)`);
    await q.query(`ALTER TABLE case_transfer DROP CONSTRAINT case_transfer_status_check`);
    await q.query(`ALTER TABLE case_transfer ADD CONSTRAINT case_transfer_status_check CHECK (status IN ('SUBMITTED', 'ACCEPTED', 'MATERIALS_REQUESTED',
      'FILED', 'NOT_FILED', 'RECONSIDERATION_REQUESTED', 'RECONSIDERATION_UPHELD', 'RETURNED', 'FORWARDED'))`);
    // A re-transfer names what is new (新的证据) and the transfer it follows.
    await q.query(`ALTER TABLE case_transfer ADD CONSTRAINT case_transfer_retransfer_evidence CHECK ((previous_transfer_id IS NULL) = (new_evidence IS NULL))`);
    await q.query(`ALTER TABLE case_transfer DROP CONSTRAINT case_transfer_one_per_case`);
    await q.query(`CREATE UNIQUE INDEX case_transfer_one_open_per_case ON case_transfer (case_id)
      WHERE ${OPEN_TRANSFER_PREDICATE}`);
    // History of a case, newest first (EnforcementCase.transfer, EnforcementCase.transfers).
    await q.query(`CREATE INDEX case_transfer_case_history ON case_transfer (case_id, submitted_at DESC, id DESC)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_transfer_case_history`);
    await q.query(`DROP INDEX case_transfer_one_open_per_case`);
    await q.query(`UPDATE case_transfer SET superseded_by = NULL`);
    await q.query(`DELETE FROM case_transfer WHERE previous_transfer_id IS NOT NULL`);
    await q.query(`ALTER TABLE case_transfer ADD CONSTRAINT case_transfer_one_per_case UNIQUE (case_id)`);
    await q.query(`ALTER TABLE case_transfer DROP CONSTRAINT case_transfer_retransfer_evidence`);
    await q.query(`ALTER TABLE case_transfer DROP CONSTRAINT case_transfer_status_check`);
    await q.query(`ALTER TABLE case_transfer ADD CONSTRAINT case_transfer_status_check CHECK (status IN ('SUBMITTED', 'ACCEPTED', 'MATERIALS_REQUESTED',
      'FILED', 'NOT_FILED', 'RECONSIDERATION_REQUESTED', 'RECONSIDERATION_UPHELD'))`);
    await q.query(`ALTER TABLE case_transfer DROP COLUMN forwarded_at, DROP COLUMN forwarded_by, DROP COLUMN forwarded_from,
      DROP COLUMN competent_unit, DROP COLUMN competent_authority, DROP COLUMN forward_reason,
      DROP COLUMN returned_at, DROP COLUMN returned_by, DROP COLUMN return_reason,
      DROP COLUMN previous_transfer_id, DROP COLUMN new_evidence, DROP COLUMN superseded_by`);
  }
}

/**
 * An open transfer, as SQL on case_transfer: the index's predicate, and the ON CONFLICT target of
 * store.ts insertTransfer (which must repeat it word for word to infer the index). Frozen here:
 * a later change of what "open" means is a new migration.
 */
export const OPEN_TRANSFER_PREDICATE = `superseded_by IS NULL AND status NOT IN ('NOT_FILED', 'RECONSIDERATION_UPHELD', 'RETURNED', 'FORWARDED')`;
