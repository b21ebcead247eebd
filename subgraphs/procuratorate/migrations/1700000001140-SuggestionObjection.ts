import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 异议与复核, 跟进监督 (《人民检察院检察建议工作规定》; article numbers to verify): the recipient may
 * object to a suggestion; the procuratorate reviews (amend, withdraw or maintain) before anything
 * is escalated; after the reply the procurator verifies the rectification (done, insufficient,
 * not done).
 */
export class ProcuratorateSuggestionObjection1700000001140 implements MigrationInterface {
  name = 'ProcuratorateSuggestionObjection1700000001140';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE procuratorial_suggestion
      ADD COLUMN objection text, ADD COLUMN objected_at timestamptz,
      ADD COLUMN review text CHECK (review IN ('AMEND', 'WITHDRAW', 'MAINTAIN')), ADD COLUMN review_reason text, ADD COLUMN reviewed_at timestamptz,
      ADD COLUMN verification text CHECK (verification IN ('DONE', 'INSUFFICIENT', 'NOT_DONE')), ADD COLUMN verified_at timestamptz,
      DROP CONSTRAINT procuratorial_suggestion_status_check,
      ADD CONSTRAINT procuratorial_suggestion_status_check CHECK (status IN ('ISSUED', 'REPLIED', 'OBJECTED', 'WITHDRAWN')),
      ADD CHECK ((status = 'OBJECTED') <= (objection IS NOT NULL AND objected_at IS NOT NULL))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE procuratorial_suggestion DROP CONSTRAINT procuratorial_suggestion_status_check,
      ADD CONSTRAINT procuratorial_suggestion_status_check CHECK (status IN ('ISSUED', 'REPLIED'))`);
    await q.query(`ALTER TABLE procuratorial_suggestion DROP COLUMN objection, DROP COLUMN objected_at, DROP COLUMN review,
      DROP COLUMN review_reason, DROP COLUMN reviewed_at, DROP COLUMN verification, DROP COLUMN verified_at`);
  }
}
