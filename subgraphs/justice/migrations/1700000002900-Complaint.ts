import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 投诉举报: complaints and reports from the public about a bureau's enforcement, received and handled by the justice bureau. */
export class JusticeComplaint1700000002900 implements MigrationInterface {
  name = 'JusticeComplaint1700000002900';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE complaint (
      id uuid PRIMARY KEY, agency_code text NOT NULL, receiving_unit text NOT NULL, region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
      case_id uuid, anonymous boolean NOT NULL, complainant_name text, complainant_phone text, facts text NOT NULL,
      received_at timestamptz NOT NULL, received_by text NOT NULL, answer_due_at timestamptz NOT NULL CHECK (answer_due_at > received_at),
      status text NOT NULL CHECK (status IN ('RECEIVED', 'HANDLED', 'DISMISSED')),
      supervision_opinion_id uuid, dismissal_reasons text, answer text, closed_at timestamptz, closed_by text,
      CHECK ((status = 'RECEIVED') = (closed_at IS NULL)),
      CHECK ((status = 'HANDLED') = (supervision_opinion_id IS NOT NULL)),
      CHECK ((status = 'DISMISSED') = (dismissal_reasons IS NOT NULL)))`);
    await q.query(`CREATE INDEX complaint_page ON complaint (received_at DESC, id DESC)`);
    await q.query(`CREATE INDEX complaint_region ON complaint (region text_pattern_ops)`);
    await q.query(`CREATE INDEX complaint_open_due ON complaint (answer_due_at) WHERE status = 'RECEIVED'`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE complaint`);
  }
}
