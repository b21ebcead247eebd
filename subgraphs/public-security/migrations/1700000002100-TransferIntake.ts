import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Public-security intake (受理): the five attachments of 国务院令第310号 第六条 as declared items,
 * 补正 (the request to complete the materials and its completion), and the per-case extension of
 * the filing period with its approval (立案审查期限的延长).
 */
export class PublicSecurityTransferIntake1700000002100 implements MigrationInterface {
  name = 'PublicSecurityTransferIntake1700000002100';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_transfer
      ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]'::jsonb,
      ADD COLUMN materials_requested_at timestamptz, ADD COLUMN materials_requested_by text, ADD COLUMN materials_missing text[],
      ADD COLUMN materials_request_note text, ADD COLUMN materials_received_at timestamptz, ADD COLUMN materials_due_at timestamptz,
      ADD COLUMN materials_completed_at timestamptz, ADD COLUMN materials_completed_by text,
      ADD COLUMN filing_extension_level text, ADD COLUMN filing_extension_approved_by text, ADD COLUMN filing_extension_reason text,
      ADD COLUMN filing_extended_at timestamptz, ADD COLUMN filing_extended_by text`);
    // 补正: a transfer waits for its materials (MATERIALS_REQUESTED), and then always knows until when.
    await q.query(`ALTER TABLE case_transfer DROP CONSTRAINT case_transfer_status_check`);
    await q.query(`ALTER TABLE case_transfer ADD CONSTRAINT case_transfer_status_check CHECK (status IN ('SUBMITTED', 'ACCEPTED', 'MATERIALS_REQUESTED',
      'FILED', 'NOT_FILED', 'RECONSIDERATION_REQUESTED', 'RECONSIDERATION_UPHELD'))`);
    await q.query(`ALTER TABLE case_transfer ADD CONSTRAINT case_transfer_materials_due CHECK (status <> 'MATERIALS_REQUESTED' OR materials_due_at IS NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_transfer DROP CONSTRAINT case_transfer_materials_due`);
    await q.query(`ALTER TABLE case_transfer DROP CONSTRAINT case_transfer_status_check`);
    await q.query(`ALTER TABLE case_transfer ADD CONSTRAINT case_transfer_status_check CHECK (status IN ('SUBMITTED', 'ACCEPTED',
      'FILED', 'NOT_FILED', 'RECONSIDERATION_REQUESTED', 'RECONSIDERATION_UPHELD'))`);
    await q.query(`ALTER TABLE case_transfer DROP COLUMN attachments, DROP COLUMN materials_requested_at, DROP COLUMN materials_requested_by,
      DROP COLUMN materials_missing, DROP COLUMN materials_request_note, DROP COLUMN materials_received_at, DROP COLUMN materials_due_at,
      DROP COLUMN materials_completed_at, DROP COLUMN materials_completed_by, DROP COLUMN filing_extension_level,
      DROP COLUMN filing_extension_approved_by, DROP COLUMN filing_extension_reason, DROP COLUMN filing_extended_at, DROP COLUMN filing_extended_by`);
  }
}
