import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts a procurator can trust. A transfer alone no longer settles an alert (its status becomes
 * TRANSFERRED: public security has yet to decide); only a filed case (RESOLVED) or a procurator's
 * reasoned dismissal (DISMISSED) does, and a refusal to file re-opens it as 有案不立 (signal
 * NOT_FILED, where 以罚代刑 / 有案不移 is NOT_TRANSFERRED). The procuratorate keeps the filing outcome
 * of each transferred case. Alerts resolved by a transfer alone before this become TRANSFERRED.
 */
export class ProcuratorateAlertLifecycle1700000001300 implements MigrationInterface {
  name = 'ProcuratorateAlertLifecycle1700000001300';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alert DROP CONSTRAINT alert_status_check`);
    await q.query(`ALTER TABLE alert
      ADD COLUMN signal text NOT NULL DEFAULT 'NOT_TRANSFERRED' CHECK (signal IN ('NOT_TRANSFERRED', 'NOT_FILED')),
      ADD COLUMN dismissed_at timestamptz, ADD COLUMN dismissed_by text, ADD COLUMN dismissal_reason text,
      ADD CONSTRAINT alert_status_check CHECK (status IN ('OPEN', 'TRANSFERRED', 'CONVERTED', 'RESOLVED', 'DISMISSED')),
      ADD CONSTRAINT alert_dismissal_has_reason CHECK ((status = 'DISMISSED') = (dismissed_at IS NOT NULL AND dismissal_reason IS NOT NULL))`);
    await q.query(`UPDATE alert SET status = 'TRANSFERRED', resolved_at = NULL WHERE status = 'RESOLVED'`);
    // 立案 / 不立案 of the transfer, from public security's filing events.
    await q.query(`ALTER TABLE transferred_case ADD COLUMN filing text CHECK (filing IN ('FILED', 'REFUSED')), ADD COLUMN filing_at timestamptz`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE transferred_case DROP COLUMN filing, DROP COLUMN filing_at`);
    await q.query(`UPDATE alert SET status = 'RESOLVED', resolved_at = updated_at WHERE status = 'TRANSFERRED'`);
    await q.query(`DELETE FROM alert WHERE status = 'DISMISSED'`);
    await q.query(`ALTER TABLE alert DROP CONSTRAINT alert_dismissal_has_reason, DROP CONSTRAINT alert_status_check,
      DROP COLUMN signal, DROP COLUMN dismissed_at, DROP COLUMN dismissed_by, DROP COLUMN dismissal_reason,
      ADD CONSTRAINT alert_status_check CHECK (status IN ('OPEN', 'CONVERTED', 'RESOLVED'))`);
  }
}
