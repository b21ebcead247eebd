import type { MigrationInterface, QueryRunner } from '@supervision-graph/agency-kit';

/** The columns of 文化和旅游局's own fields (fields.ts), added to the kit's enforcement_case. */
export class CultureTourismFields1700000002991 implements MigrationInterface {
  name = 'CultureTourismFields1700000002991';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enforcement_case ADD COLUMN licence_kind text, ADD COLUMN venue_name text, ADD COLUMN ticket_revenue numeric, ADD COLUMN audience integer`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enforcement_case DROP COLUMN licence_kind, DROP COLUMN venue_name, DROP COLUMN ticket_revenue, DROP COLUMN audience`);
  }
}
