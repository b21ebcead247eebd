import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 阳光执法: the index learns what publication needs (legal basis, penalty kinds, minors, secrets)
 * and keeps whether a decision is published as a generated column, the rule of
 * kit/publication.ts in SQL: a decided administrative penalty, no minor, no state or
 * trade secret, and some penalty other than a warning. Rows indexed before this migration have no
 * penalty kinds and stay unpublished until their agency sends them again (fail closed).
 */
export class JusticePublication1700000000300 implements MigrationInterface {
  name = 'JusticePublication1700000000300';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_index
      ADD COLUMN legal_basis text,
      ADD COLUMN penalty_kinds text[] NOT NULL DEFAULT '{}',
      ADD COLUMN involves_minor boolean NOT NULL DEFAULT false,
      ADD COLUMN confidential boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE case_index ADD COLUMN publishable boolean NOT NULL GENERATED ALWAYS AS (
      act_type = 'ADMINISTRATIVE_PENALTY' AND decided_at IS NOT NULL AND NOT involves_minor AND NOT confidential
      AND NOT (penalty_kinds <@ ARRAY['WARNING']::text[])) STORED`);
    // The public list walks published decisions newest decision first.
    await q.query(`CREATE INDEX case_index_published ON case_index (decided_at DESC, id DESC) WHERE publishable`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_index DROP COLUMN publishable, DROP COLUMN legal_basis, DROP COLUMN penalty_kinds, DROP COLUMN involves_minor, DROP COLUMN confidential`);
  }
}
