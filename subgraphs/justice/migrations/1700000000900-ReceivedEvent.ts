import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RECEIVED_EVENT_TABLE } from '../../../kit/receive-once';

/**
 * Receive-once as every receiver does it (kit/receive-once.ts): the index's `applied_event` becomes
 * `received_event`, kept with its rows, and also records the messages the inbox and the
 * supervision matters took before they used it: a notification received from another owner, and
 * the notice of each escalation, have the message's eventId as their id. A redelivery of any of
 * them is then skipped like every other.
 */
export class JusticeReceivedEvent1700000000900 implements MigrationInterface {
  name = 'JusticeReceivedEvent1700000000900';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE applied_event RENAME TO ${RECEIVED_EVENT_TABLE}`);
    await q.query(`ALTER TABLE ${RECEIVED_EVENT_TABLE} RENAME COLUMN applied_at TO received_at`);
    await q.query(`ALTER INDEX applied_event_pkey RENAME TO ${RECEIVED_EVENT_TABLE}_pkey`);
    // Local notifications have fresh random ids: recording them too skips nothing that could arrive.
    await q.query(`INSERT INTO ${RECEIVED_EVENT_TABLE} (event_id, received_at) SELECT id, created_at FROM notification ON CONFLICT DO NOTHING`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX ${RECEIVED_EVENT_TABLE}_pkey RENAME TO applied_event_pkey`);
    await q.query(`ALTER TABLE ${RECEIVED_EVENT_TABLE} RENAME COLUMN received_at TO applied_at`);
    await q.query(`ALTER TABLE ${RECEIVED_EVENT_TABLE} RENAME TO applied_event`);
  }
}
