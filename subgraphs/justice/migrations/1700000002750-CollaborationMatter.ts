import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Collaboration matters (案件咨询, 提前介入, 线索, 交办/督办): one table for the four kinds. */
export class JusticeCollaborationMatter1700000002750 implements MigrationInterface {
  name = 'JusticeCollaborationMatter1700000002750';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE collaboration_matter (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('CONSULTATION', 'EARLY_INTERVENTION', 'CLUE', 'ASSIGNMENT')),
      requester_unit text NOT NULL, addressee_unit text NOT NULL CHECK (addressee_unit <> requester_unit),
      region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
      case_id uuid, subject text NOT NULL,
      requested_at timestamptz NOT NULL, requested_by text NOT NULL,
      answer_due_at timestamptz CHECK (answer_due_at > requested_at),
      status text NOT NULL CHECK (status IN ('OPEN', 'ANSWERED', 'ACCEPTED', 'DECLINED')),
      answer text, answered_at timestamptz, answered_by text,
      urge_count int NOT NULL DEFAULT 0, last_urged_at timestamptz,
      CHECK ((status = 'OPEN') = (answer IS NULL AND answered_at IS NULL)),
      CHECK (kind <> 'ASSIGNMENT' OR answer_due_at IS NOT NULL))`);
    await q.query(`CREATE INDEX collaboration_matter_page ON collaboration_matter (requested_at DESC, id DESC)`);
    await q.query(`CREATE INDEX collaboration_matter_region ON collaboration_matter (region text_pattern_ops)`);
    await q.query(`CREATE INDEX collaboration_matter_requester ON collaboration_matter (requester_unit, requested_at DESC)`);
    await q.query(`CREATE INDEX collaboration_matter_addressee ON collaboration_matter (addressee_unit, requested_at DESC)`);
    await q.query(`CREATE INDEX collaboration_matter_due ON collaboration_matter (answer_due_at) WHERE status = 'OPEN'`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE collaboration_matter`);
  }
}
