import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns of 应急管理局's own fields (index.ts), added to the kit's enforcement_case. A field added later gets a migration of its own. */
export class EmergencyManagementFields1700000000001 implements MigrationInterface {
  name = 'EmergencyManagementFields1700000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enforcement_case ADD COLUMN accident_level text, ADD COLUMN accident_date date, ADD COLUMN deaths integer, ADD COLUMN serious_injuries integer, ADD COLUMN direct_loss numeric, ADD COLUMN hazardous_chemicals boolean, ADD COLUMN hazardous_chemical_name text`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enforcement_case DROP COLUMN accident_level, DROP COLUMN accident_date, DROP COLUMN deaths, DROP COLUMN serious_injuries, DROP COLUMN direct_loss, DROP COLUMN hazardous_chemicals, DROP COLUMN hazardous_chemical_name`);
  }
}
