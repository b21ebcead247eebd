import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Party references by OPRF (issue 17). Before, a case event carried the party's kind and raw
 * identifier, and justice hashed it with a key every owner held; the delivered rows stayed in
 * this outbox with the number in them. This migration:
 *   1. takes the identifier out of every outbox row, delivered or not (`party` becomes
 *      `{ kind, ref: null }`): no number is left in the table;
 *   2. re-sends the newest event of every case (a new outbox row, same version): the relay adds
 *      the OPRF reference before sending (party-ref.ts), and justice, whose migration 1700 cleared
 *      the old hashes, takes a same-version event when it brings a reference under another key
 *      (subgraphs/justice/case-events.ts). The index is re-keyed once the relays have run;
 *      repeat-offender history survives because every case of a party gets the same reference.
 * The same re-send serves a rotation of justice's key (docs/architecture.md, "Party references").
 */
/** Step 1: no identifier left in any outbox row; the relay fills `ref` in before sending. */
export const SCRUB_OUTBOX_SQL = `
  UPDATE outbox SET payload = jsonb_set(payload, '{party}', jsonb_build_object('kind', payload->'party'->'kind', 'ref', NULL))
  WHERE jsonb_typeof(payload->'party') = 'object' AND (payload->'party' ? 'identifier' OR payload->'party'->'ref' <> 'null'::jsonb
    OR NOT payload->'party' ? 'ref')`;

/**
 * Step 2 (and step 3 of a key rotation, run on each agency database): the newest event of every
 * case with a party, enqueued again at its version; its reference is made under justice's key of
 * the day when the relay sends it.
 */
export const RESEND_NEWEST_EVENTS_SQL = `
  INSERT INTO outbox (id, payload)
  SELECT gen_random_uuid(), jsonb_set(newest.payload, '{party}', jsonb_build_object('kind', newest.payload->'party'->'kind', 'ref', NULL)) FROM (
    SELECT DISTINCT ON (o.payload->>'caseId') o.payload FROM outbox o
    ORDER BY o.payload->>'caseId', (o.payload->>'version')::int DESC, o.created_at DESC) newest
  WHERE jsonb_typeof(newest.payload->'party') = 'object'
  ORDER BY (newest.payload->>'recordedAt')`;

export class AgencyKitPartyRefs1700000001700 implements MigrationInterface {
  name = 'AgencyKitPartyRefs1700000001700';
  async up(q: QueryRunner): Promise<void> {
    await q.query(SCRUB_OUTBOX_SQL);
    await q.query(RESEND_NEWEST_EVENTS_SQL);
  }
  async down(): Promise<void> {
    // The numbers are not put back into the outbox.
  }
}
