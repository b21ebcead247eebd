import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTallyTriggers, dropTallyTriggers } from './1700000003200-CaseTally';

/**
 * The 移送 states with a deadline (those public security is to answer: 国务院令第310号 第八条、第九条)
 * tallied by bureau, region and the day (UTC) the deadline falls on, as the case tally is kept
 * (migration 1700000003200). 逾期 compares each deadline with the clock, so no tally holds whether a
 * case is overdue; but every deadline on a day before today has passed, and none after today has:
 * the overdue cases are the tally's rows of the days before today plus the states due today whose
 * deadline has passed, read from the states' own index (subgraphs/justice/case-list-count.ts).
 *
 * Why: the count of `overdue` counted every overdue state of the county, and that of `overdue: false`
 * the county's cases too, index only up to the cap: 43,372 index entries, 14 ms of SQL at a million
 * cases against 1.6 ms at ten thousand (p99 2.46 × that, bench/results/filters-2026-11-28-1m-tally.md).
 */
export class JusticeTransferDueTally1700000003240 implements MigrationInterface {
  name = 'JusticeTransferDueTally1700000003240';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE case_transfer_due_tally (
      agency_code text NOT NULL, region text NOT NULL, due_on date NOT NULL, cases integer NOT NULL CHECK (cases >= 0),
      PRIMARY KEY (agency_code, region, due_on))`);
    await q.query(`CREATE INDEX case_transfer_due_tally_region ON case_transfer_due_tally (region text_pattern_ops, due_on)`);
    await createTallyTriggers(q, 'case_transfer_state', 'case_transfer_due_tally', {
      keys: 'agency_code, region, due_on', values: `agency_code, region, (due_at AT TIME ZONE 'UTC')::date`,
      counted: 'region IS NOT NULL AND agency_code IS NOT NULL AND due_at IS NOT NULL',
    });
  }
  async down(q: QueryRunner): Promise<void> {
    await dropTallyTriggers(q, 'case_transfer_state', 'case_transfer_due_tally');
    await q.query(`DROP TABLE case_transfer_due_tally`);
  }
}
