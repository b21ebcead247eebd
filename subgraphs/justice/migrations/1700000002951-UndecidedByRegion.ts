import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 未作出决定 (decided: false) counted within the caller's region: case_index_undecided_page holds the
 * undecided cases of every region (the region only carried along), so at a million cases the capped
 * count read all 40,625 of them for the 6,250 of one county (bench/results/filters-2026-11-27-1m.md).
 * The region's undecided cases alone, as case_index_region_decided does for the decided ones
 * (migration 1700000002950). Added after that run: not yet measured at a million cases.
 */
export class JusticeUndecidedByRegion1700000002951 implements MigrationInterface {
  name = 'JusticeUndecidedByRegion1700000002951';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX case_index_region_undecided ON case_index (region text_pattern_ops) WHERE decided_at IS NULL`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_index_region_undecided`);
  }
}
