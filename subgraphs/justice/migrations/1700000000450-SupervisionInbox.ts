import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '../../../kit/outbox';

/** 行政执法监督 matters copied from procuratorial suggestions, the units' inboxes, and the outbox back to the procuratorate. */
export class JusticeSupervisionInbox1700000000450 implements MigrationInterface {
  name = 'JusticeSupervisionInbox1700000000450';
  async up(q: QueryRunner): Promise<void> {
    // One matter per escalated suggestion; its id is the procuratorate's escalation id (idempotent delivery).
    await q.query(`CREATE TABLE justice_supervision_matter (
      id uuid PRIMARY KEY, suggestion_id uuid NOT NULL UNIQUE, agency_code text NOT NULL, procuratorate_code text NOT NULL,
      region text NOT NULL CHECK (region ~ '^[0-9]{6}$'), reason text NOT NULL CHECK (reason IN ('OVERDUE', 'NOT_RECTIFIED')),
      suggestion_kind text NOT NULL, content text NOT NULL, issued_at timestamptz NOT NULL, reply_due_at timestamptz NOT NULL, reply text,
      opened_at timestamptz NOT NULL, status text NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
      result text, result_by text, result_at timestamptz,
      CHECK ((status = 'CLOSED') = (result IS NOT NULL AND result_at IS NOT NULL)))`);
    await q.query(`CREATE INDEX justice_supervision_matter_page ON justice_supervision_matter (opened_at DESC, id DESC)`);
    await q.query(`CREATE INDEX justice_supervision_matter_region ON justice_supervision_matter (region text_pattern_ops)`);
    // 通报: each notification is addressed to one unit (org) or to every unit of a role over a region.
    await q.query(`CREATE TABLE notification (
      id uuid PRIMARY KEY, recipient_org text, recipient_role text, recipient_region text,
      kind text NOT NULL, title text NOT NULL, subject_type text NOT NULL, subject_id uuid NOT NULL,
      region text NOT NULL, created_at timestamptz NOT NULL,
      CHECK ((recipient_org IS NOT NULL) <> (recipient_role IS NOT NULL AND recipient_region IS NOT NULL)))`);
    await q.query(`CREATE INDEX notification_org ON notification (recipient_org, created_at DESC, id DESC) WHERE recipient_org IS NOT NULL`);
    await q.query(`CREATE INDEX notification_role ON notification (recipient_role, recipient_region text_pattern_ops, created_at DESC) WHERE recipient_role IS NOT NULL`);
    // Read state per unit: a notification to every unit of a role is read by each of them separately.
    await q.query(`CREATE TABLE notification_read (
      notification_id uuid NOT NULL REFERENCES notification(id), unit text NOT NULL, read_at timestamptz NOT NULL, read_by text NOT NULL,
      PRIMARY KEY (notification_id, unit))`);
    for (const sql of outboxTableSql('escalation_result_outbox')) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE escalation_result_outbox, notification_read, notification, justice_supervision_matter`);
  }
}
