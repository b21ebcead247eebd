import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ProcuratorateInit1700000000000 implements MigrationInterface {
  name = 'ProcuratorateInit1700000000000';
  async up(q: QueryRunner): Promise<void> {
    // case_id points into the justice index (another owner's database): no foreign key here.
    await q.query(`CREATE TABLE supervision_matter (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), case_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('CASE_REVIEW', 'FILING_SUPERVISION', 'TRANSFER_SUPERVISION', 'PUBLIC_INTEREST')),
      status text NOT NULL CHECK (status IN ('OPEN', 'CLOSED')), summary text NOT NULL, notes text,
      procuratorate_code text NOT NULL, region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
      opened_by text NOT NULL, opened_at timestamptz NOT NULL DEFAULT now(), closed_by text, closed_at timestamptz,
      CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL)))`);
    await q.query(`CREATE INDEX supervision_matter_case ON supervision_matter (case_id, opened_at DESC)`);
    await q.query(`CREATE INDEX supervision_matter_region ON supervision_matter (region text_pattern_ops)`);
    await q.query(`CREATE TABLE procuratorial_suggestion (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), agency_code text NOT NULL, case_id uuid,
      kind text NOT NULL CHECK (kind IN ('CORRECTION', 'SOCIAL_GOVERNANCE', 'PUBLIC_INTEREST', 'RETRIAL', 'OTHER')),
      content text NOT NULL, harm_ongoing boolean NOT NULL DEFAULT false,
      procuratorate_code text NOT NULL, region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
      issued_by text NOT NULL, issued_at timestamptz NOT NULL, reply_due_at timestamptz NOT NULL, reply_due_rule text NOT NULL,
      status text NOT NULL CHECK (status IN ('ISSUED', 'REPLIED')),
      replied_by text, replied_at timestamptz, reply text, rectified boolean, rectification text,
      CHECK ((status = 'REPLIED') = (replied_at IS NOT NULL AND reply IS NOT NULL AND rectified IS NOT NULL)),
      CHECK (rectified IS NOT TRUE OR rectification IS NOT NULL))`);
    await q.query(`CREATE INDEX procuratorial_suggestion_agency ON procuratorial_suggestion (agency_code, issued_at DESC)`);
    await q.query(`CREATE INDEX procuratorial_suggestion_case ON procuratorial_suggestion (case_id) WHERE case_id IS NOT NULL`);
    await q.query(`CREATE INDEX procuratorial_suggestion_region ON procuratorial_suggestion (region text_pattern_ops)`);
    // Overdue replies (suggestion unanswered after its period) are looked up by due date.
    await q.query(`CREATE INDEX procuratorial_suggestion_due ON procuratorial_suggestion (reply_due_at) WHERE status = 'ISSUED'`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE procuratorial_suggestion, supervision_matter`);
  }
}
