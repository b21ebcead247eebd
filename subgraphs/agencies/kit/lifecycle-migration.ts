import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A case has a lifecycle (录入 → 处罚决定 → 罚缴 → 执行): what an agency records after the first entry,
 * and every version of the case kept in `case_version` (a correction never erases what was recorded).
 * - conduct_at: 违法行为发生时 — the threshold rule in force then applies (从旧兼从轻), not the decision's;
 * - illegal_gain, economic_loss: 违法所得, 公私财产损失 (thresholds.json figures illegalGain, economicLoss);
 * - paid_amount, paid_at: 罚缴 (行政处罚法 第六十七条);
 * - enforcement_status, court_application_at: 执行 and the application to court (行政强制法 第五十三条).
 * Cases recorded before: their current state becomes version 1 of their history.
 */
export class AgencyKitLifecycle1700000001000 implements MigrationInterface {
  name = 'AgencyKitLifecycle1700000001000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enforcement_case
      ADD COLUMN conduct_at timestamptz,
      ADD COLUMN illegal_gain numeric,
      ADD COLUMN economic_loss numeric,
      ADD COLUMN paid_amount numeric,
      ADD COLUMN paid_at timestamptz,
      ADD COLUMN enforcement_status text,
      ADD COLUMN court_application_at timestamptz`);
    await q.query(`CREATE TABLE case_version (
      case_id uuid NOT NULL REFERENCES enforcement_case(id), version int NOT NULL,
      changed_at timestamptz NOT NULL, changed_by text NOT NULL, reason text NOT NULL,
      changed_fields text[] NOT NULL DEFAULT '{}', correction boolean NOT NULL DEFAULT false, snapshot jsonb NOT NULL,
      PRIMARY KEY (case_id, version))`);
    await q.query(`INSERT INTO case_version (case_id, version, changed_at, changed_by, reason, snapshot)
      SELECT c.id, c.version, c.recorded_at, c.recorded_by, '录入', to_jsonb(c) - 'party_id' FROM enforcement_case c`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_version`);
    await q.query(`ALTER TABLE enforcement_case DROP COLUMN conduct_at, DROP COLUMN illegal_gain, DROP COLUMN economic_loss,
      DROP COLUMN paid_amount, DROP COLUMN paid_at, DROP COLUMN enforcement_status, DROP COLUMN court_application_at`);
  }
}
