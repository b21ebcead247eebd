import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where each case stands with the other owners (case-states.ts), for the case list's filters by
 * transfer state, supervision state and overdue: one row per transfer (public security's) and
 * one per supervision matter (the procuratorate's), states only.
 */
export class JusticeCaseStates1700000001320 implements MigrationInterface {
  name = 'JusticeCaseStates1700000001320';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE case_transfer_state (
      case_id uuid PRIMARY KEY, transfer_id uuid NOT NULL, status text NOT NULL, due_at timestamptz,
      version int NOT NULL, changed_at timestamptz NOT NULL)`);
    // transferStatus: the cases in a state; overdue: the pending deadlines in due order.
    await q.query(`CREATE INDEX case_transfer_state_status ON case_transfer_state (status, case_id)`);
    await q.query(`CREATE INDEX case_transfer_state_due ON case_transfer_state (due_at, case_id) WHERE due_at IS NOT NULL`);
    await q.query(`CREATE TABLE case_supervision_state (
      matter_id uuid PRIMARY KEY, case_id uuid NOT NULL, status text NOT NULL, changed_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX case_supervision_state_case ON case_supervision_state (case_id, status)`);
    await q.query(`CREATE INDEX case_supervision_state_open ON case_supervision_state (case_id) WHERE status = 'OPEN'`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_supervision_state`);
    await q.query(`DROP TABLE case_transfer_state`);
  }
}
