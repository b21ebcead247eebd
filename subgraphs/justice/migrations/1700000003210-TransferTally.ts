import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTallyTriggers, dropTallyTriggers } from './1700000003200-CaseTally';

/**
 * The 移送 states of the index's cases tallied by bureau, region and status (the same mechanism as
 * the case tally, migration 1700000003200): a state row counts once its case is indexed (its region
 * and bureau copied from the case, migration 1700000002950), as the case list's state filters count
 * it. The case list's count of `transferStatus` or `transferred: true` alone is then a sum over a
 * few rows, and that of `transferred: false` the reach's cases less its transferred ones, both
 * tallied, where they read up to 10,001 state rows, and 60,001 index entries for the not
 * transferred, at a million cases (3 ms and 18 ms of SQL; p99 2.70 × that at ten thousand,
 * bench/results/filters-2026-11-28-1m-after.md). A state carries no count of its own: one row per
 * case (its key is the case), so `cases` counts cases.
 */
export class JusticeTransferTally1700000003210 implements MigrationInterface {
  name = 'JusticeTransferTally1700000003210';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE case_transfer_tally (
      agency_code text NOT NULL, region text NOT NULL, status text NOT NULL, cases integer NOT NULL CHECK (cases >= 0),
      PRIMARY KEY (agency_code, region, status))`);
    await q.query(`CREATE INDEX case_transfer_tally_region ON case_transfer_tally (region text_pattern_ops)`);
    await createTallyTriggers(q, 'case_transfer_state', 'case_transfer_tally', {
      keys: 'agency_code, region, status', values: 'agency_code, region, status', counted: 'region IS NOT NULL AND agency_code IS NOT NULL',
    });
  }
  async down(q: QueryRunner): Promise<void> {
    await dropTallyTriggers(q, 'case_transfer_state', 'case_transfer_tally');
    await q.query(`DROP TABLE case_transfer_tally`);
  }
}
