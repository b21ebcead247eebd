import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case list's counts of cases WITHOUT a state (transferred: false, supervisionStatus NONE,
 * overdue: false) walk the caller's cases by a region (or bureau) index and look each case's id up
 * in the state table, stopping at the count's cap (case-list-count.ts). Both indexes carry the id,
 * so the walk reads no row of case_index: at a million cases the planner otherwise read the table
 * (a sequential scan of 100,000 rows, or one heap fetch per case of the county) for ids alone
 * (bench/results/filters-2026-11-28-1m.md). Same names, same keys: only the id is added.
 */
export class JusticeCaseCountIndexOnly1700000003000 implements MigrationInterface {
  name = 'JusticeCaseCountIndexOnly1700000003000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_index_region`);
    await q.query(`CREATE INDEX case_index_region ON case_index (region text_pattern_ops) INCLUDE (id)`);
    await q.query(`DROP INDEX case_index_agency_region`);
    await q.query(`CREATE INDEX case_index_agency_region ON case_index (agency_code, region text_pattern_ops) INCLUDE (id)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_index_agency_region`);
    await q.query(`CREATE INDEX case_index_agency_region ON case_index (agency_code, region text_pattern_ops)`);
    await q.query(`DROP INDEX case_index_region`);
    await q.query(`CREATE INDEX case_index_region ON case_index (region text_pattern_ops)`);
  }
}
