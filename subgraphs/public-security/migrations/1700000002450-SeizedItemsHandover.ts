import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 涉案物品移交 (国务院令第310号 第十二条): one handover per filed transfer, recorded by the bureau
 * (the items, or none seized with the reason) and signed for by the accepting unit (签收).
 */
export class PublicSecuritySeizedItemsHandover1700000002450 implements MigrationInterface {
  name = 'PublicSecuritySeizedItemsHandover1700000002450';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE seized_items_handover (
      id uuid PRIMARY KEY, transfer_id uuid NOT NULL UNIQUE REFERENCES case_transfer(id),
      agency_code text NOT NULL, accepting_unit text, region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
      status text NOT NULL CHECK (status IN ('HANDED_OVER', 'NONE_SEIZED', 'RECEIVED')),
      items jsonb NOT NULL DEFAULT '[]'::jsonb, none_seized_reason text,
      notice_received_at timestamptz NOT NULL, due_at timestamptz NOT NULL,
      handed_over_at timestamptz NOT NULL, handed_over_by text NOT NULL,
      received_at timestamptz, received_by text, receipt_note text, version int NOT NULL DEFAULT 1,
      CHECK ((status = 'NONE_SEIZED') = (none_seized_reason IS NOT NULL)),
      CHECK ((status = 'RECEIVED') = (received_at IS NOT NULL)))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE seized_items_handover`);
  }
}
