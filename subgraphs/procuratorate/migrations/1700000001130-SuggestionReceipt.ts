import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 送达与签收: the reply period of a suggestion runs from its receipt (《人民检察院检察建议工作规定》
 * 第十九条: 自收到检察建议书之日起), so the due date is set when the recipient signs for it (or the
 * procuratorate records the service); reply_days is the shorter period the procurator may set
 * where the matter is urgent (情况紧急). Suggestions issued before keep the due date they had.
 */
export class ProcuratorateSuggestionReceipt1700000001130 implements MigrationInterface {
  name = 'ProcuratorateSuggestionReceipt1700000001130';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE procuratorial_suggestion
      ADD COLUMN received_at timestamptz, ADD COLUMN received_by text,
      ADD COLUMN reply_days int CHECK (reply_days IS NULL OR reply_days >= 1),
      ALTER COLUMN reply_due_at DROP NOT NULL`);
    await q.query(`UPDATE procuratorial_suggestion SET received_at = issued_at WHERE received_at IS NULL`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE procuratorial_suggestion DROP COLUMN reply_days, DROP COLUMN received_by, DROP COLUMN received_at`);
  }
}
