import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PublicSecurityInit1700000000000 implements MigrationInterface {
  name = 'PublicSecurityInit1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE case_transfer (
      id uuid PRIMARY KEY, case_id uuid NOT NULL, agency_code text NOT NULL, region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
      status text NOT NULL CHECK (status IN ('SUBMITTED', 'ACCEPTED', 'FILED', 'NOT_FILED', 'RECONSIDERATION_REQUESTED', 'RECONSIDERATION_UPHELD')),
      summary text NOT NULL, materials text[] NOT NULL DEFAULT '{}',
      submitted_at timestamptz NOT NULL, submitted_by text NOT NULL, decision_due_at timestamptz NOT NULL,
      accepted_at timestamptz, accepted_by text, accepting_unit text,
      decided_at timestamptz, decided_by text, decision text CHECK (decision IN ('FILE', 'NOT_FILE')), decision_reason text,
      reconsideration_requested_at timestamptz, reconsideration_requested_by text, reconsideration_reason text,
      reconsideration_due_at timestamptz, reconsidered_at timestamptz, reconsidered_by text,
      reconsideration_decision text CHECK (reconsideration_decision IN ('FILE', 'NOT_FILE')), reconsideration_decision_reason text,
      version int NOT NULL DEFAULT 1,
      CONSTRAINT case_transfer_one_per_case UNIQUE (case_id),
      CONSTRAINT case_transfer_reason_when_not_filing CHECK (decision IS DISTINCT FROM 'NOT_FILE' OR decision_reason IS NOT NULL))`);
    // Jurisdiction filters match a region prefix; the overdue watch scans by status and age.
    await q.query(`CREATE INDEX case_transfer_region ON case_transfer (region text_pattern_ops)`);
    await q.query(`CREATE INDEX case_transfer_status ON case_transfer (status, submitted_at)`);
    // Keyset pagination walks (submitted_at, id) newest first, overall and per bureau.
    await q.query(`CREATE INDEX case_transfer_page ON case_transfer (submitted_at DESC, id DESC)`);
    await q.query(`CREATE INDEX case_transfer_agency_page ON case_transfer (agency_code, submitted_at DESC, id DESC)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_transfer`);
  }
}
