import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 督办: when the overdue watch told both units that a collaboration matter is past its due date (once per matter). */
export class JusticeCollaborationOverdueNotice1700000002751 implements MigrationInterface {
  name = 'JusticeCollaborationOverdueNotice1700000002751';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE collaboration_matter ADD COLUMN overdue_noticed_at timestamptz`);
    await q.query(`CREATE INDEX collaboration_matter_unnoticed ON collaboration_matter (answer_due_at) WHERE status = 'OPEN' AND overdue_noticed_at IS NULL`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE collaboration_matter DROP COLUMN overdue_noticed_at`);
  }
}
