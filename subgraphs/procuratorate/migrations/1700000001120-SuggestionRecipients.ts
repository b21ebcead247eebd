import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 检察建议 recipients by kind (《人民检察院检察建议工作规定》): an enforcement bureau of the
 * directory, a public-security unit, a court (再审检察建议), another authority. Suggestions issued
 * before were all to bureaus.
 */
export class ProcuratorateSuggestionRecipients1700000001120 implements MigrationInterface {
  name = 'ProcuratorateSuggestionRecipients1700000001120';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE procuratorial_suggestion
      ADD COLUMN recipient_kind text NOT NULL DEFAULT 'ENFORCEMENT_BUREAU'
        CHECK (recipient_kind IN ('ENFORCEMENT_BUREAU', 'PUBLIC_SECURITY', 'COURT', 'OTHER_AUTHORITY')),
      ADD COLUMN recipient_name text`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE procuratorial_suggestion DROP COLUMN recipient_name, DROP COLUMN recipient_kind`);
  }
}
