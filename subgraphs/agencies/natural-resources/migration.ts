import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns of 自然资源局's own fields (index.ts), added to the kit's enforcement_case. A field added later gets a migration of its own. */
export class NaturalResourcesFields1700000000001 implements MigrationInterface {
  name = 'NaturalResourcesFields1700000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enforcement_case ADD COLUMN mineral_type text, ADD COLUMN mineral_value numeric, ADD COLUMN occupied_land_category text, ADD COLUMN occupied_area_mu numeric`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enforcement_case DROP COLUMN mineral_type, DROP COLUMN mineral_value, DROP COLUMN occupied_land_category, DROP COLUMN occupied_area_mu`);
  }
}
