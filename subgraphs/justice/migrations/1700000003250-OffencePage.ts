import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case list filtered by 违法行为代码 (offenceCode), newest recorded first: the code's cases in the
 * page's order, so the page reads the code's cases until it has its rows. The planner walked the
 * caller's county by recorded date instead and tested each case's code: 2,133 rows (3 ms of SQL)
 * for a page of 20 at a million cases, where this index reads 163 (0.1 ms; p99 1.60 × that at ten
 * thousand, bench/results/filters-2026-11-28-1m-tally.md). The count stays with
 * case_index_offence_region (index only).
 */
export class JusticeOffencePage1700000003250 implements MigrationInterface {
  name = 'JusticeOffencePage1700000003250';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX case_index_offence_page ON case_index (offence_code, recorded_at DESC, id DESC) WHERE offence_code IS NOT NULL`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_index_offence_page`);
  }
}
