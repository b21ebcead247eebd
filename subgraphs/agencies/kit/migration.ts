import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '../../../kit/outbox';

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
    // (Databases created before the kit's table had their own shape; AgencyKitOutbox aligns them.)
    for (const sql of outboxTableSql('outbox')) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox, enforcement_case, party`);
  }
}

/**
 * The agency outbox as every other outbox (kit/outbox.ts outboxTableSql), in databases made when
 * it was defined by hand: rows are stamped with clock_timestamp() (delivered in the order
 * written, also within one transaction), and the old case_id column, whose value every payload
 * carries as caseId, is no longer required. It stays with its data; new rows leave it empty.
 */
export class AgencyKitOutbox1700000000900 implements MigrationInterface {
  name = 'AgencyKitOutbox1700000000900';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox ALTER COLUMN created_at SET DEFAULT clock_timestamp()`);
    const [legacy] = await q.query(`SELECT 1 FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'outbox' AND column_name = 'case_id'`);
    if (legacy) await q.query(`ALTER TABLE outbox ALTER COLUMN case_id DROP NOT NULL`);
  }
  async down(): Promise<void> {
    // Nothing to undo that a database needs: the old default and constraint protected nothing the payload does not.
  }
}
