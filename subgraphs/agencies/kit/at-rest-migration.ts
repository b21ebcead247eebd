import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DATA_KEY_TABLE_SQL } from '../../../kit/at-rest';

/**
 * The agency's data keys and the party's blind index; a party's name may be erased (retention). Existing rows (demo data, older databases)
 * are sealed by the start-up pass in batches of 200, each batch one transaction, before the
 * subgraph serves: a migration runs without the key-encryption key, which only the running owner holds.
 */
export class AgencyKitPartyAtRest1700000002200 implements MigrationInterface {
  name = 'AgencyKitPartyAtRest1700000002200';
  async up(q: QueryRunner): Promise<void> {
    await q.query(DATA_KEY_TABLE_SQL);
    await q.query(`ALTER TABLE party ADD COLUMN id_number_index text`);
    await q.query(`CREATE INDEX party_id_number_index ON party (id_number_index)`);
    // A natural person's name is erased with the rest when its retention period ends (kit/retention.ts).
    await q.query(`ALTER TABLE party ALTER COLUMN name DROP NOT NULL`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE party DROP COLUMN id_number_index`);
    await q.query(`DROP TABLE data_key`);
  }
}
