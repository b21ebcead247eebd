import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables every agency database has; an agency's own migration adds its own columns. */
export class AgencyKitInit1700000000000 implements MigrationInterface {
  name = 'AgencyKitInit1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE party (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), kind text NOT NULL, name text NOT NULL,
      id_number text, phone text, address text)`);
    await q.query(`CREATE TABLE enforcement_case (
      id uuid PRIMARY KEY, agency_code text NOT NULL, case_number text NOT NULL, act_type text NOT NULL,
      cause text NOT NULL, offence_code text, amount_involved numeric, fine_amount numeric, decided_at timestamptz,
      facts text, legal_basis text,
      region text NOT NULL CHECK (region ~ '^[0-9]{6}$'), recorded_at timestamptz NOT NULL, recorded_by text NOT NULL, version int NOT NULL,
      party_id uuid NOT NULL REFERENCES party(id),
      CONSTRAINT case_number_unique_per_bureau UNIQUE (agency_code, case_number))`);
    await q.query(`CREATE INDEX enforcement_case_party ON enforcement_case (party_id)`);
    // Transactional outbox: written in the same transaction as the case, relayed to the index.
    await q.query(`CREATE TABLE outbox (
      id uuid PRIMARY KEY, case_id uuid NOT NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
      attempts int NOT NULL DEFAULT 0, next_attempt_at timestamptz NOT NULL DEFAULT now(), delivered_at timestamptz,
      last_error text)`);
    await q.query(`CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE delivered_at IS NULL`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox, enforcement_case, party`);
  }
}
