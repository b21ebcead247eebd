import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lists a console drives (lists.ts) stay index scans as the records grow: suggestions and
 * supervision matters paged by (issued_at | opened_at, id) both ways, and a case's alerts.
 */
export class ProcuratorateListIndexes1700000001330 implements MigrationInterface {
  name = 'ProcuratorateListIndexes1700000001330';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX procuratorial_suggestion_page ON procuratorial_suggestion (issued_at DESC, id DESC)`);
    await q.query(`CREATE INDEX supervision_matter_page ON supervision_matter (opened_at DESC, id DESC)`);
    await q.query(`CREATE INDEX alert_case ON alert (case_id, raised_at DESC)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX alert_case`);
    await q.query(`DROP INDEX supervision_matter_page`);
    await q.query(`DROP INDEX procuratorial_suggestion_page`);
  }
}
