import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '../../../kit/outbox';
import { NOTIFICATION_OUTBOX } from '../../../kit/notifications';

/** 通报: notifications about transfers, relayed to the justice bureau's inbox. */
export class PublicSecurityNotifications1700000000450 implements MigrationInterface {
  name = 'PublicSecurityNotifications1700000000450';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of outboxTableSql(NOTIFICATION_OUTBOX)) await q.query(sql);
    // Overdue transfers are looked up by their pending deadline.
    await q.query(`CREATE INDEX case_transfer_decision_due ON case_transfer (decision_due_at) WHERE status IN ('SUBMITTED', 'ACCEPTED')`);
    await q.query(`CREATE INDEX case_transfer_reconsideration_due ON case_transfer (reconsideration_due_at) WHERE status = 'RECONSIDERATION_REQUESTED'`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_transfer_reconsideration_due, case_transfer_decision_due`);
    await q.query(`DROP TABLE ${NOTIFICATION_OUTBOX}`);
  }
}
