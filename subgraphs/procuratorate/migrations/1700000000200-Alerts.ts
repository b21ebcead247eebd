import type { MigrationInterface, QueryRunner } from 'typeorm';
import { receivedEventTableSql } from '../../../kit/receive-once';

/** 以罚代刑 and repeat-offender alerts, fed by justice's index events and public security's transfer copies. */
export class ProcuratorateAlerts1700000000200 implements MigrationInterface {
  name = 'ProcuratorateAlerts1700000000200';
  async up(q: QueryRunner): Promise<void> {
    // case_id points into the justice index (another owner's database): no foreign key there.
    await q.query(`CREATE TABLE alert (
      id uuid PRIMARY KEY, case_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('THRESHOLD', 'REPEAT_OFFENDER')),
      rule_code text NOT NULL, rule_version text NOT NULL, citation text NOT NULL,
      review boolean NOT NULL DEFAULT false, note text,
      figures jsonb NOT NULL DEFAULT '[]', prior_case_ids uuid[] NOT NULL DEFAULT '{}',
      agency_code text NOT NULL, region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
      status text NOT NULL CHECK (status IN ('OPEN', 'CONVERTED', 'RESOLVED')),
      raised_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
      resolved_at timestamptz, transfer_id uuid,
      converted_at timestamptz, converted_by text, supervision_matter_id uuid REFERENCES supervision_matter(id),
      CONSTRAINT alert_once_per_rule UNIQUE (case_id, kind, rule_code),
      CHECK ((status = 'RESOLVED') = (resolved_at IS NOT NULL)),
      CHECK ((status = 'CONVERTED') = (supervision_matter_id IS NOT NULL AND converted_at IS NOT NULL)))`);
    // Procurators page through their region's alerts, newest first, optionally by status.
    await q.query(`CREATE INDEX alert_page ON alert (raised_at DESC, id DESC)`);
    await q.query(`CREATE INDEX alert_region ON alert (region text_pattern_ops, status)`);
    // 抄送: the cases public security has received a transfer of (copied by its outbox).
    await q.query(`CREATE TABLE transferred_case (
      case_id uuid PRIMARY KEY, transfer_id uuid NOT NULL, agency_code text NOT NULL, region text NOT NULL,
      submitted_at timestamptz NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`);
    // Messages from other owners are applied once, however often they are delivered (kit/receive-once.ts).
    for (const sql of receivedEventTableSql()) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE received_event, transferred_case, alert`);
  }
}
