import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every filter of the case list reads a bounded number of rows at a million cases, its count
 * (totalCount, at most COUNT_CAP) included (issue 12; measured by bench/filters.ts, results in
 * bench/results/filters-2026-11-27-1m.md).
 *
 * - Where a case stands with public security and the procuratorate (case_transfer_state,
 *   case_supervision_state) now carries what the case rule reads, the case's region and owning
 *   bureau, copied from the index: a filter by transfer state, supervision state or overdue then
 *   starts from the state rows of the caller's region or bureau instead of the whole state table
 *   (a sequential scan of 200,000 transfer states at a million cases). Written by both writers:
 *   the state receivers (case-states.ts) take them from the index, the index receiver
 *   (case-events.ts) copies them onto the states of the cases it writes (an owner's report may
 *   arrive before the agency's).
 * - The date ranges (录入 / 决定) with the region: (date, region), so the count reads the
 *   window's index entries only, never the whole county.
 * - 已作出决定 (decided: true) and the decision-date sorts: the decided cases of a region, so the
 *   capped count is an index-only scan that stops at COUNT_CAP + 1.
 * - One bureau (agencyCode) within a region: (agency_code, region), index only, likewise.
 */
export class JusticeCaseListBounded1700000002950 implements MigrationInterface {
  name = 'JusticeCaseListBounded1700000002950';
  async up(q: QueryRunner): Promise<void> {
    for (const table of ['case_transfer_state', 'case_supervision_state']) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN region text, ADD COLUMN agency_code text`);
      await q.query(`UPDATE ${table} s SET region = c.region, agency_code = c.agency_code FROM case_index c WHERE c.id = s.case_id`);
    }
    // transferStatus: the states of a region (IN list on status); transferred / not: any state of the region;
    // overdue: the pending deadlines of a region; a bureau's reach (case:read@unit): its own.
    await q.query(`CREATE INDEX case_transfer_state_status_region ON case_transfer_state (status, region text_pattern_ops) INCLUDE (case_id)`);
    await q.query(`CREATE INDEX case_transfer_state_region ON case_transfer_state (region text_pattern_ops) INCLUDE (case_id, status)`);
    await q.query(`CREATE INDEX case_transfer_state_region_due ON case_transfer_state (region text_pattern_ops, due_at) INCLUDE (case_id) WHERE due_at IS NOT NULL`);
    await q.query(`CREATE INDEX case_transfer_state_agency ON case_transfer_state (agency_code, status) INCLUDE (case_id)`);
    await q.query(`CREATE INDEX case_supervision_state_status_region ON case_supervision_state (status, region text_pattern_ops) INCLUDE (case_id)`);
    await q.query(`CREATE INDEX case_supervision_state_region ON case_supervision_state (region text_pattern_ops) INCLUDE (case_id, status)`);
    await q.query(`CREATE INDEX case_supervision_state_agency ON case_supervision_state (agency_code, status) INCLUDE (case_id)`);
    await q.query(`CREATE INDEX case_index_recorded_region ON case_index (recorded_at, region text_pattern_ops)`);
    await q.query(`CREATE INDEX case_index_decided_region ON case_index (decided_at, region text_pattern_ops) WHERE decided_at IS NOT NULL`);
    await q.query(`CREATE INDEX case_index_region_decided ON case_index (region text_pattern_ops) WHERE decided_at IS NOT NULL`);
    await q.query(`CREATE INDEX case_index_agency_region ON case_index (agency_code, region text_pattern_ops)`);
  }
  async down(q: QueryRunner): Promise<void> {
    for (const index of ['case_index_agency_region', 'case_index_region_decided', 'case_index_decided_region', 'case_index_recorded_region',
      'case_supervision_state_agency', 'case_supervision_state_region', 'case_supervision_state_status_region',
      'case_transfer_state_agency', 'case_transfer_state_region_due', 'case_transfer_state_region', 'case_transfer_state_status_region']) {
      await q.query(`DROP INDEX ${index}`);
    }
    for (const table of ['case_transfer_state', 'case_supervision_state']) await q.query(`ALTER TABLE ${table} DROP COLUMN region, DROP COLUMN agency_code`);
  }
}
