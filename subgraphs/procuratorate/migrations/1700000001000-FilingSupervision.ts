import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '../../../kit/outbox';

/**
 * 立案监督 (刑事诉讼法 第113条): one matter per refused transfer, opened when public security's refusal
 * reaches the procuratorate (抄送), and the outbox of its notices to public security.
 */
export class ProcuratorateFilingSupervision1700000001000 implements MigrationInterface {
  name = 'ProcuratorateFilingSupervision1700000001000';
  async up(q: QueryRunner): Promise<void> {
    // transfer_id and case_id point into other owners' databases: no foreign keys.
    await q.query(`CREATE TABLE filing_supervision (
      id uuid PRIMARY KEY, transfer_id uuid NOT NULL UNIQUE, case_id uuid NOT NULL,
      agency_code text NOT NULL, accepting_unit text, region text NOT NULL CHECK (region ~ '^[0-9]{6}$'), procuratorate_code text,
      status text NOT NULL CHECK (status IN ('REFUSED', 'REQUESTED', 'EXPLANATION_REQUESTED', 'EXPLAINED', 'REASONS_ACCEPTED', 'FILING_ORDERED', 'CORRECTION_NOTICED', 'FILED')),
      refusal_stage text NOT NULL CHECK (refusal_stage IN ('DECISION', 'RECONSIDERATION')), refused_at timestamptz NOT NULL, refusal_reason text,
      request_due_at timestamptz NOT NULL, received_at timestamptz NOT NULL,
      requested_at timestamptz, requested_by text, request_reason text,
      explanation_requested_at timestamptz, explanation_requested_by text, explanation_request_text text,
      explanation_received_at timestamptz, explanation_due_at timestamptz,
      explanation text, explained_at timestamptz, explanation_arrived_at timestamptz, agency_answer_due_at timestamptz,
      decided_at timestamptz, decided_by text, decision text CHECK (decision IN ('REASONS_SOUND', 'ORDER_FILING')), decision_reason text,
      order_received_at timestamptz, filing_due_at timestamptz, correction_noticed_at timestamptz, correction_noticed_by text,
      filed_at timestamptz, version int NOT NULL DEFAULT 1,
      CHECK (status IN ('REFUSED', 'REQUESTED', 'FILED') OR procuratorate_code IS NOT NULL),
      CHECK ((status = 'FILED') = (filed_at IS NOT NULL)))`);
    // The procurator's queue: newest refusal first (kit/cursor.ts), within a jurisdiction.
    await q.query(`CREATE INDEX filing_supervision_page ON filing_supervision (received_at DESC, id DESC)`);
    await q.query(`CREATE INDEX filing_supervision_region ON filing_supervision (region text_pattern_ops, status)`);
    await q.query(`CREATE INDEX filing_supervision_case ON filing_supervision (case_id)`);
    for (const sql of outboxTableSql('filing_notice_outbox')) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE filing_notice_outbox, filing_supervision`);
  }
}
