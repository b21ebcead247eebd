import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Push for the inbox (issue 12): every new notice and every read mark signals `inbox_changed`
 * (PostgreSQL NOTIFY, sent at commit, seen by every process of this owner, replicas included).
 * The signal carries ids only: the notice's id, or the unit that marked something read.
 */
export class JusticeInboxEvents1700000002500 implements MigrationInterface {
  name = 'JusticeInboxEvents1700000002500';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION inbox_changed_notice() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('inbox_changed', json_build_object('notice', NEW.id)::text);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION inbox_changed_read() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('inbox_changed', json_build_object('unit', NEW.unit)::text);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER notification_changed AFTER INSERT ON notification FOR EACH ROW EXECUTE FUNCTION inbox_changed_notice()`);
    await q.query(`CREATE TRIGGER notification_read_changed AFTER INSERT ON notification_read FOR EACH ROW EXECUTE FUNCTION inbox_changed_read()`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER notification_read_changed ON notification_read`);
    await q.query(`DROP TRIGGER notification_changed ON notification`);
    await q.query(`DROP FUNCTION inbox_changed_read(), inbox_changed_notice()`);
  }
}
