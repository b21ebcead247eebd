import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 典型问题 (seed 001, Kuiwen 2022 双向通报): a suggestion the procurator marks as typical is copied to
 * the justice bureau of the region at issuance. 提起公益诉讼: a public-interest suggestion left
 * unanswered past its reply period, or answered without the rectification verified, moves to the
 * litigation stage (公益诉讼解释 第二十一条; 行政诉讼法 第二十五条第四款), where the procuratorate
 * records its decision to sue or to close; it is not escalated to the justice bureau.
 */
export class ProcuratorateSuggestionStages1700000002800 implements MigrationInterface {
  name = 'ProcuratorateSuggestionStages1700000002800';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE procuratorial_suggestion
      ADD COLUMN typical boolean NOT NULL DEFAULT false,
      ADD COLUMN litigation_at timestamptz,
      ADD COLUMN litigation_reason text CHECK (litigation_reason IN ('OVERDUE', 'NOT_RECTIFIED')),
      ADD COLUMN litigation_decision text CHECK (litigation_decision IN ('SUE', 'CLOSE')),
      ADD COLUMN litigation_decision_reason text,
      ADD COLUMN litigation_decided_at timestamptz,
      DROP CONSTRAINT procuratorial_suggestion_status_check,
      ADD CONSTRAINT procuratorial_suggestion_status_check
        CHECK (status IN ('ISSUED', 'REPLIED', 'OBJECTED', 'WITHDRAWN', 'LITIGATION', 'SUED', 'LITIGATION_CLOSED')),
      ADD CONSTRAINT procuratorial_suggestion_litigation_check CHECK (
        (status IN ('LITIGATION', 'SUED', 'LITIGATION_CLOSED')) <= (kind = 'PUBLIC_INTEREST' AND litigation_at IS NOT NULL AND litigation_reason IS NOT NULL)
        AND (status IN ('SUED', 'LITIGATION_CLOSED')) = (litigation_decision IS NOT NULL))`);
    // A suggestion answered without rectifying moves on to LITIGATION with its reply kept: the reply
    // columns are set for REPLIED (as before) and may be for the litigation states, never before a reply.
    const [replied] = await q.query(`SELECT conname FROM pg_constraint WHERE conrelid = 'procuratorial_suggestion'::regclass AND contype = 'c'
      AND pg_get_constraintdef(oid) LIKE '%status = ''REPLIED''%' AND pg_get_constraintdef(oid) LIKE '%replied_at IS NOT NULL%'`);
    if (!replied) throw new Error('procuratorial_suggestion: the reply check of the first migration was not found');
    await q.query(`ALTER TABLE procuratorial_suggestion DROP CONSTRAINT "${replied.conname}"`);
    await q.query(`ALTER TABLE procuratorial_suggestion
      ADD CONSTRAINT procuratorial_suggestion_reply_check CHECK ((status = 'REPLIED') <= (replied_at IS NOT NULL AND reply IS NOT NULL AND rectified IS NOT NULL)
        AND (status IN ('ISSUED', 'OBJECTED', 'WITHDRAWN')) <= (replied_at IS NULL))`);
    await q.query(`CREATE INDEX procuratorial_suggestion_typical ON procuratorial_suggestion (region, issued_at DESC) WHERE typical`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX procuratorial_suggestion_typical`);
    await q.query(`ALTER TABLE procuratorial_suggestion DROP CONSTRAINT procuratorial_suggestion_reply_check,
      ADD CHECK ((status = 'REPLIED') = (replied_at IS NOT NULL AND reply IS NOT NULL AND rectified IS NOT NULL))`);
    await q.query(`ALTER TABLE procuratorial_suggestion DROP CONSTRAINT procuratorial_suggestion_litigation_check,
      DROP CONSTRAINT procuratorial_suggestion_status_check,
      ADD CONSTRAINT procuratorial_suggestion_status_check CHECK (status IN ('ISSUED', 'REPLIED', 'OBJECTED', 'WITHDRAWN')),
      DROP COLUMN typical, DROP COLUMN litigation_at, DROP COLUMN litigation_reason, DROP COLUMN litigation_decision,
      DROP COLUMN litigation_decision_reason, DROP COLUMN litigation_decided_at`);
  }
}
