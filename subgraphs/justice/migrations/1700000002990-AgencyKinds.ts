import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The agencies justice learnt at run time (issue 9): an agency outside this repository announces
 * its registry entry (POST /internal/agency-kinds) and justice lists its EnforcementCase and
 * PublishedDecision implementations from then on, without a redeploy. Those of schema/agencies.json
 * are not stored: the repository's registry is read at start, this table adds to it.
 */
export class JusticeAgencyKinds1700000002990 implements MigrationInterface {
  name = 'JusticeAgencyKinds1700000002990';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE agency_kind (
      name text PRIMARY KEY,
      label text NOT NULL,
      bureau_prefix text NOT NULL UNIQUE,
      figures text[] NOT NULL DEFAULT '{}',
      attributes text[] NOT NULL DEFAULT '{}',
      announced_at timestamptz NOT NULL
    )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE agency_kind');
  }
}
