import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 零执法说明: a bureau's explanation of a month in which it entered no case, and the justice bureau's review of it. */
export class JusticeZeroEnforcementExplanation1700000002710 implements MigrationInterface {
  name = 'JusticeZeroEnforcementExplanation1700000002710';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE zero_enforcement_explanation (
      id uuid PRIMARY KEY, agency_code text NOT NULL, region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
      month text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'), explanation text NOT NULL, filed_at timestamptz NOT NULL, filed_by text NOT NULL,
      status text NOT NULL CHECK (status IN ('FILED', 'ACCEPTED', 'RETURNED')),
      review_note text, reviewed_at timestamptz, reviewed_by text,
      CHECK ((status = 'FILED') = (reviewed_at IS NULL)),
      UNIQUE (agency_code, month))`);
    await q.query(`CREATE INDEX zero_enforcement_explanation_page ON zero_enforcement_explanation (filed_at DESC, id DESC)`);
    await q.query(`CREATE INDEX zero_enforcement_explanation_region ON zero_enforcement_explanation (region text_pattern_ops)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE zero_enforcement_explanation`);
  }
}
