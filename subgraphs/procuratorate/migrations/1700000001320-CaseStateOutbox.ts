import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '../../../kit/outbox';

/** Supervision states reported to the case index (case-state.ts); matters opened before are reported once now. */
export class ProcuratorateCaseStateOutbox1700000001320 implements MigrationInterface {
  name = 'ProcuratorateCaseStateOutbox1700000001320';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of outboxTableSql('case_state_outbox')) await q.query(sql);
    await q.query(`INSERT INTO case_state_outbox (id, payload)
      SELECT gen_random_uuid(), jsonb_build_object('caseId', case_id, 'matterId', id, 'status', status, 'at', coalesce(closed_at, opened_at))
      FROM supervision_matter ORDER BY opened_at`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_state_outbox`);
  }
}
