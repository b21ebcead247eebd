import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '../../../kit/outbox';

/** Transfer states reported to the case index (case-state.ts); transfers made before are reported once now. */
export class PublicSecurityCaseStateOutbox1700000001320 implements MigrationInterface {
  name = 'PublicSecurityCaseStateOutbox1700000001320';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of outboxTableSql('case_state_outbox')) await q.query(sql);
    await q.query(`INSERT INTO case_state_outbox (id, payload)
      SELECT gen_random_uuid(), jsonb_build_object('caseId', case_id, 'transferId', id, 'status', status,
        'dueAt', CASE WHEN status IN ('SUBMITTED', 'ACCEPTED') THEN decision_due_at
                      WHEN status = 'RECONSIDERATION_REQUESTED' THEN reconsideration_due_at END,
        'version', version, 'at', now())
      FROM case_transfer ORDER BY submitted_at`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_state_outbox`);
  }
}
