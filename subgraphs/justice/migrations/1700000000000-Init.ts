import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1700000000000 implements MigrationInterface {
  name = 'Init1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE agency (
      code text PRIMARY KEY, name text NOT NULL, kind text NOT NULL, region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE officer (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), agency_code text NOT NULL REFERENCES agency(code),
      name text NOT NULL, certificate_number text NOT NULL UNIQUE, category text NOT NULL)`);
    await q.query(`CREATE INDEX officer_agency ON officer (agency_code)`);
    await q.query(`CREATE TABLE power_item (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), agency_code text NOT NULL REFERENCES agency(code),
      code text NOT NULL, name text NOT NULL, act_type text NOT NULL, legal_basis text NOT NULL,
      UNIQUE (agency_code, code))`);
    await q.query(`CREATE TABLE case_index (
      id uuid PRIMARY KEY, case_type text NOT NULL, agency_code text NOT NULL REFERENCES agency(code),
      case_number text NOT NULL, act_type text NOT NULL, cause text NOT NULL, offence_code text,
      amount_involved numeric, fine_amount numeric, decided_at timestamptz, region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
      recorded_at timestamptz NOT NULL, party_kind text, party_key text, figures jsonb NOT NULL DEFAULT '{}',
      source_version int NOT NULL, indexed_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (agency_code, case_number))`);
    // Keyset pagination walks (recorded_at, id) newest first; filters narrow by bureau and region.
    await q.query(`CREATE INDEX case_index_page ON case_index (recorded_at DESC, id DESC)`);
    await q.query(`CREATE INDEX case_index_agency_page ON case_index (agency_code, recorded_at DESC, id DESC)`);
    await q.query(`CREATE INDEX case_index_region ON case_index (region text_pattern_ops)`);
    await q.query(`CREATE INDEX case_index_party ON case_index (party_key) WHERE party_key IS NOT NULL`);
    // Idempotent delivery: an outbox event is applied once, however often it is sent.
    await q.query(`CREATE TABLE applied_event (event_id uuid PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE applied_event, case_index, power_item, officer, agency`);
  }
}
