import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notices addressed to "every unit that holds a scope over a region" instead of naming a role, so
 * the inbox follows schema/policy.json like every other access decision. Rows addressed by role
 * before this migration are carried over to the scope that role was addressed for.
 */
export class JusticeInboxByScope1700000000820 implements MigrationInterface {
  name = 'JusticeInboxByScope1700000000820';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification RENAME COLUMN recipient_role TO recipient_scope`);
    await q.query(`UPDATE notification SET recipient_scope = CASE recipient_scope
      WHEN 'psb_officer' THEN 'transfer:decide' WHEN 'procurator' THEN 'supervision:write'
      WHEN 'justice_supervisor' THEN 'justice:supervise' ELSE recipient_scope END
      WHERE recipient_scope IS NOT NULL`);
    await q.query(`ALTER INDEX notification_role RENAME TO notification_scope`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX notification_scope RENAME TO notification_role`);
    await q.query(`ALTER TABLE notification RENAME COLUMN recipient_scope TO recipient_role`);
  }
}
