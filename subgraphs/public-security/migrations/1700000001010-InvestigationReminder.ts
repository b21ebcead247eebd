import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dueAt } from '../../../kit/deadlines';

/**
 * 立而不侦: when a transfer was filed (立案), and when a filed case with no investigation progress
 * draws a reminder (investigationReminder: 3 months without progress), and when it drew one.
 */
export class PublicSecurityInvestigationReminder1700000001010 implements MigrationInterface {
  name = 'PublicSecurityInvestigationReminder1700000001010';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_transfer ADD COLUMN filed_at timestamptz, ADD COLUMN investigation_reminder_due_at timestamptz,
      ADD COLUMN investigation_reminded_at timestamptz`);
    // Transfers filed before: filed when decided or reconsidered; progress is their latest investigation record.
    const filed: { id: string; filed_at: Date; progress: Date }[] = await q.query(`
      SELECT t.id, COALESCE(t.reconsidered_at, t.decided_at, t.submitted_at) AS filed_at,
        GREATEST(COALESCE(t.reconsidered_at, t.decided_at, t.submitted_at), i.updated_at) AS progress
      FROM case_transfer t LEFT JOIN investigation i ON i.transfer_id = t.id WHERE t.status = 'FILED'`);
    for (const t of filed) {
      await q.query(`UPDATE case_transfer SET filed_at = $2, investigation_reminder_due_at = $3 WHERE id = $1`,
        [t.id, t.filed_at, dueAt('investigationReminder', new Date(t.progress))]);
    }
    await q.query(`CREATE INDEX case_transfer_investigation_due ON case_transfer (investigation_reminder_due_at)
      WHERE status = 'FILED' AND investigation_reminded_at IS NULL`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_transfer_investigation_due`);
    await q.query(`ALTER TABLE case_transfer DROP COLUMN investigation_reminded_at, DROP COLUMN investigation_reminder_due_at, DROP COLUMN filed_at`);
  }
}
