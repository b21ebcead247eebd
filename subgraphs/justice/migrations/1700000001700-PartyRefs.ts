import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Party references by OPRF (issue 17). The index's party keys were HMACs under PARTY_KEY_SECRET,
 * a key every owner could hold; they are dropped here (justice cannot turn them into OPRF
 * references: it never holds the numbers), and each row records the id of the OPRF key that made
 * its reference. The agencies' migration of the same number re-sends every case's newest event,
 * whose reference the relay makes with justice blind to the number; a same-version event with a
 * reference under another key is taken (case-events.ts), so the index is re-keyed as the relays
 * deliver. Until then those cases are matched to no party; nothing else about them changes.
 */
export class JusticePartyRefs1700000001700 implements MigrationInterface {
  name = 'JusticePartyRefs1700000001700';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_index ADD COLUMN party_key_id text`);
    await q.query(`UPDATE case_index SET party_key = NULL WHERE party_key IS NOT NULL`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_index DROP COLUMN party_key_id`);
  }
}
