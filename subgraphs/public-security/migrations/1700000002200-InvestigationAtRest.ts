import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DATA_KEY_TABLE_SQL } from '../../../kit/at-rest';

/**
 * Public security's data keys (kit/at-rest.ts) for the investigation's classified columns. Existing
 * rows are sealed by the start-up pass in batches before the subgraph serves (INVESTIGATION_AT_REST
 * in investigation.ts): a migration runs without the key-encryption key, which only the running
 * owner holds. `measures` stays jsonb and holds the sealed array as a JSON string.
 */
export class PublicSecurityInvestigationAtRest1700000002200 implements MigrationInterface {
  name = 'PublicSecurityInvestigationAtRest1700000002200';
  async up(q: QueryRunner): Promise<void> {
    await q.query(DATA_KEY_TABLE_SQL);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE data_key`);
  }
}
