import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTallyTriggers, dropTallyTriggers } from './1700000003200-CaseTally';

/**
 * The index's decided cases tallied as case_tally tallies them (bureau, region, case type, act,
 * decided, 案由) and by the day of their decision (UTC): a list filtered by a decision-date range
 * and otherwise only by what case_tally holds is counted from the range's whole days here, plus the
 * cases themselves for the part days at its ends (subgraphs/justice/case-list-count.ts).
 *
 * Why: a date range is no category, so its count read every match of the range. For 排放 within
 * one county's eco-environment cases over 30 days that was 52,361 rows, 28 ms of SQL at a million
 * cases against 1 ms at ten thousand (p99 3.00 × that, the largest growth left in the list;
 * bench/results/filters-2026-11-28-1m-tally.md). The same keys by day recur far less than without
 * (13,965 rows for the 118,748 decided cases of that county, decided over 230 days), but a range
 * reads only its own days' rows. `decided` is true in every row: the list's conditions on case_tally
 * rows (cases.ts TALLY_ROW) are said of these rows unchanged.
 */
export class JusticeDecidedDayTally1700000003230 implements MigrationInterface {
  name = 'JusticeDecidedDayTally1700000003230';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE case_decided_tally (
      agency_code text NOT NULL, region text NOT NULL, case_type text NOT NULL, act_type text NOT NULL, decided boolean NOT NULL CHECK (decided),
      cause text NOT NULL, decided_on date NOT NULL, cases integer NOT NULL CHECK (cases >= 0),
      PRIMARY KEY (agency_code, region, case_type, act_type, decided, cause, decided_on))`);
    // A region's rows of a range of days (a bureau's are the primary key's).
    await q.query(`CREATE INDEX case_decided_tally_region ON case_decided_tally (region text_pattern_ops, decided_on)`);
    await createTallyTriggers(q, 'case_index', 'case_decided_tally', {
      keys: 'agency_code, region, case_type, act_type, decided, cause, decided_on',
      values: `agency_code, region, case_type, act_type, TRUE, cause, (decided_at AT TIME ZONE 'UTC')::date`,
      counted: 'decided_at IS NOT NULL',
    });
  }
  async down(q: QueryRunner): Promise<void> {
    await dropTallyTriggers(q, 'case_index', 'case_decided_tally');
    await q.query(`DROP TABLE case_decided_tally`);
  }
}
