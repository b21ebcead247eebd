import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 违法行为发生时 of each indexed case: the procuratorate judges a case by the threshold rule in
 * force at the conduct (从旧兼从轻), so the index forwards it with every version of the case.
 * Cases indexed before carry none (the decision date stands in for it).
 */
export class JusticeConductAt1700000001200 implements MigrationInterface {
  name = 'JusticeConductAt1700000001200';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_index ADD COLUMN conduct_at timestamptz`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_index DROP COLUMN conduct_at`);
  }
}
