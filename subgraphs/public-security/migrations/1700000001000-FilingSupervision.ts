import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '../../../kit/outbox';
import { receivedEventTableSql } from '../../../kit/receive-once';

/**
 * 立案监督 as public security lives it: what the procuratorate asked of it on one of its transfers
 * (要求说明不立案理由, 通知立案), received when the notice arrives (the periods run from receipt),
 * and the outbox of its reports to the procuratorate (refusals, receipts, explanations, filings).
 */
export class PublicSecurityFilingSupervision1700000001000 implements MigrationInterface {
  name = 'PublicSecurityFilingSupervision1700000001000';
  async up(q: QueryRunner): Promise<void> {
    // id is the procuratorate's matter id: one matter per transfer.
    await q.query(`CREATE TABLE filing_supervision_request (
      id uuid PRIMARY KEY, transfer_id uuid NOT NULL UNIQUE REFERENCES case_transfer(id), case_id uuid NOT NULL,
      agency_code text NOT NULL, accepting_unit text, region text NOT NULL CHECK (region ~ '^[0-9]{6}$'), procuratorate_code text NOT NULL,
      status text NOT NULL CHECK (status IN ('EXPLANATION_REQUESTED', 'EXPLAINED', 'REASONS_ACCEPTED', 'FILING_ORDERED', 'CORRECTION_NOTICED', 'FILED')),
      request_text text, explanation_requested_at timestamptz NOT NULL, explanation_received_at timestamptz NOT NULL, explanation_due_at timestamptz NOT NULL,
      explanation text, explained_at timestamptz, explained_by text, reasons_accepted_at timestamptz,
      order_text text, filing_ordered_at timestamptz, order_received_at timestamptz, filing_due_at timestamptz,
      correction_noticed_at timestamptz, filed_at timestamptz, filed_by text, version int NOT NULL DEFAULT 1,
      CHECK ((status = 'EXPLANATION_REQUESTED') OR (explanation IS NOT NULL AND explained_at IS NOT NULL)),
      CHECK (status NOT IN ('FILING_ORDERED', 'CORRECTION_NOTICED', 'FILED') OR filing_due_at IS NOT NULL),
      CHECK ((status = 'FILED') = (filed_at IS NOT NULL)))`);
    // Keyset pagination newest first (kit/cursor.ts); jurisdiction filters match a region prefix.
    await q.query(`CREATE INDEX filing_supervision_request_page ON filing_supervision_request (explanation_received_at DESC, id DESC)`);
    await q.query(`CREATE INDEX filing_supervision_request_region ON filing_supervision_request (region text_pattern_ops)`);
    for (const sql of outboxTableSql('filing_outbox')) await q.query(sql);
    // Notices from the procuratorate are applied once, however often they are delivered.
    for (const sql of receivedEventTableSql()) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE received_event, filing_outbox, filing_supervision_request`);
  }
}
