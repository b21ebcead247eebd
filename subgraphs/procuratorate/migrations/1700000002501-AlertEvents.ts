import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Push for alerts (issue 12): an alert raised or changed signals `alerts_changed` (PostgreSQL
 * NOTIFY, sent at commit, seen by every process of this owner) with the bureau and region that
 * place it under the read rule (resources/alert.ts): codes only, nothing of the case or party.
 */
export class ProcuratorateAlertEvents1700000002501 implements MigrationInterface {
  name = 'ProcuratorateAlertEvents1700000002501';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION alerts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('alerts_changed', json_build_object('agencyCode', NEW.agency_code, 'region', NEW.region)::text);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER alert_changed AFTER INSERT OR UPDATE ON alert FOR EACH ROW EXECUTE FUNCTION alerts_changed()`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER alert_changed ON alert`);
    await q.query(`DROP FUNCTION alerts_changed()`);
  }
}
