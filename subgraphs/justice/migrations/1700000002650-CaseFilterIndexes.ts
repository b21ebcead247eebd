import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case list's remaining filters stay index scans at a million cases (issue 12; measured by
 * bench/filters.ts). A caller with a region's reach (case:read@region: public security, the
 * procuratorate, the justice bureau) always sends `region LIKE '<prefix>%'`, and every list
 * counts its rows (totalCount, at most COUNT_CAP): each equality filter gets an index led by the
 * filter's column and then the region, so the count reads only the index entries that match, and
 * never the table. The page itself walks (recorded_at, id) and stops after a page of matches.
 * - 行政行为类别 (actType), 违法行为代码 (offenceCode), 执法系统 (caseType / agencyKind): (column, region);
 * - undecided cases (decided: false, a few in a hundred): their own small index in recorded
 *   order, the region carried along so the count reads no row of the table.
 */
export class JusticeCaseFilterIndexes1700000002650 implements MigrationInterface {
  name = 'JusticeCaseFilterIndexes1700000002650';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX case_index_act_region ON case_index (act_type, region text_pattern_ops)`);
    await q.query(`CREATE INDEX case_index_offence_region ON case_index (offence_code, region text_pattern_ops) WHERE offence_code IS NOT NULL`);
    await q.query(`CREATE INDEX case_index_type_region ON case_index (case_type, region text_pattern_ops)`);
    await q.query(`CREATE INDEX case_index_undecided_page ON case_index (recorded_at DESC, id DESC) INCLUDE (region) WHERE decided_at IS NULL`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_index_undecided_page`);
    await q.query(`DROP INDEX case_index_type_region`);
    await q.query(`DROP INDEX case_index_offence_region`);
    await q.query(`DROP INDEX case_index_act_region`);
  }
}
