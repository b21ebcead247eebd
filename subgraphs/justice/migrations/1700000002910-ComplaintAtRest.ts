import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DATA_KEY_TABLE_SQL } from '../../../kit/at-rest';

// 投诉人 at rest: justice seals the complainant's name and phone with a data key of its own
// (kit/at-rest.ts), like public security's informants and the agencies' parties. The rows recorded
// before are sealed by the start-up pass (sealAtRest), batch by batch.
export class JusticeComplaintAtRest1700000002910 implements MigrationInterface {
  name = 'JusticeComplaintAtRest1700000002910';

  async up(q: QueryRunner): Promise<void> {
    await q.query(DATA_KEY_TABLE_SQL);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS data_key');
  }
}
