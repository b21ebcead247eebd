import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who registered each directory entry, and when (issue 8: writes to the directory must be
 * attributable). Entries registered before this migration have no registrar on record (null).
 */
export class JusticeDirectoryRegistrar1700000000800 implements MigrationInterface {
  name = 'JusticeDirectoryRegistrar1700000000800';
  async up(q: QueryRunner): Promise<void> {
    for (const table of ['agency', 'officer', 'power_item']) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN registered_by text, ADD COLUMN registered_by_org text, ADD COLUMN registered_at timestamptz`);
    }
  }
  async down(q: QueryRunner): Promise<void> {
    for (const table of ['agency', 'officer', 'power_item']) {
      await q.query(`ALTER TABLE ${table} DROP COLUMN registered_by, DROP COLUMN registered_by_org, DROP COLUMN registered_at`);
    }
  }
}
