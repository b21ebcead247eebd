import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 案卷评查: the justice bureau's reviews of case files, scored against the checklist of schema/case-file-review.json. */
export class JusticeCaseFileReview1700000002700 implements MigrationInterface {
  name = 'JusticeCaseFileReview1700000002700';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE case_file_review (
      id uuid PRIMARY KEY, case_id uuid NOT NULL, agency_code text NOT NULL, region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
      reviewer_unit text NOT NULL, reviewed_by text NOT NULL, reviewed_at timestamptz NOT NULL,
      checklist text NOT NULL, score numeric NOT NULL CHECK (score >= 0), max_score numeric NOT NULL CHECK (score <= max_score),
      passed boolean NOT NULL, findings jsonb NOT NULL)`);
    await q.query(`CREATE INDEX case_file_review_page ON case_file_review (reviewed_at DESC, id DESC)`);
    await q.query(`CREATE INDEX case_file_review_agency ON case_file_review (agency_code, reviewed_at)`);
    await q.query(`CREATE INDEX case_file_review_region ON case_file_review (region text_pattern_ops)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_file_review`);
  }
}
