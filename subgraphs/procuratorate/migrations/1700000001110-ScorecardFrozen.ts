import type { MigrationInterface, QueryRunner } from 'typeorm';
import { FROZEN_MONTHS_SQL } from '../../../kit/month';

/** 一月一晒绩: the suggestion figures of each closed month, frozen with the scoring rule's version (kit/month.ts). */
export class ProcuratorateScorecardFrozen1700000001110 implements MigrationInterface {
  name = 'ProcuratorateScorecardFrozen1700000001110';
  async up(q: QueryRunner): Promise<void> {
    await q.query(FROZEN_MONTHS_SQL);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scorecard_frozen`);
  }
}
