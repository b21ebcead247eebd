import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '../../../kit/outbox';

/** Suggestions copied to the justice bureau (seed 001), and the outboxes to justice (escalations, notifications). */
export class ProcuratorateEscalation1700000000450 implements MigrationInterface {
  name = 'ProcuratorateEscalation1700000000450';
  async up(q: QueryRunner): Promise<void> {
    // One escalation per suggestion; its id is also the id of the justice bureau's matter.
    await q.query(`CREATE TABLE suggestion_escalation (
      id uuid PRIMARY KEY, suggestion_id uuid NOT NULL UNIQUE REFERENCES procuratorial_suggestion(id),
      reason text NOT NULL CHECK (reason IN ('OVERDUE', 'NOT_RECTIFIED')), escalated_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CLOSED')), result text, result_at timestamptz)`);
    for (const sql of outboxTableSql('escalation_outbox')) await q.query(sql);
    for (const sql of outboxTableSql('notification_outbox')) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_outbox, escalation_outbox, suggestion_escalation`);
  }
}
