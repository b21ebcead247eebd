import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 阳光执法: what the publication rules need to know of a case (kit/publication.ts).
 * Cases recorded before this migration get no penalty kinds, so they are not published until
 * they are recorded again with them (fail closed).
 */
export class AgencyKitPublication1700000000300 implements MigrationInterface {
  name = 'AgencyKitPublication1700000000300';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enforcement_case
      ADD COLUMN penalty_kinds text[] NOT NULL DEFAULT '{}',
      ADD COLUMN involves_minor boolean NOT NULL DEFAULT false,
      ADD COLUMN confidential boolean NOT NULL DEFAULT false`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enforcement_case DROP COLUMN penalty_kinds, DROP COLUMN involves_minor, DROP COLUMN confidential`);
  }
}
