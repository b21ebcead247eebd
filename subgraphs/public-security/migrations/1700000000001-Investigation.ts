import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PublicSecurityInvestigation1700000000001 implements MigrationInterface {
  name = 'PublicSecurityInvestigation1700000000001';
  async up(q: QueryRunner): Promise<void> {
    // 侦查情况 and 举报人: classified, kept apart from the transfer so reads of it are deliberate.
    await q.query(`CREATE TABLE investigation (
      transfer_id uuid PRIMARY KEY REFERENCES case_transfer(id), summary text NOT NULL, measures jsonb NOT NULL DEFAULT '[]',
      informant_name text, informant_phone text, recorded_by text NOT NULL, updated_at timestamptz NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE investigation`);
  }
}
