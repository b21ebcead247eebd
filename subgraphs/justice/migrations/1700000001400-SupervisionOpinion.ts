import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 行政执法监督意见书: the justice bureau's opinions to bureaus, their replies and verification. */
export class JusticeSupervisionOpinion1700000001400 implements MigrationInterface {
  name = 'JusticeSupervisionOpinion1700000001400';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE supervision_opinion (
      id uuid PRIMARY KEY, agency_code text NOT NULL, issuing_unit text NOT NULL,
      region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
      ground text NOT NULL CHECK (ground IN ('UNTRANSFERRED_CRIME', 'UNENFORCED_DECISION', 'ABUSED_DISCRETION', 'OTHER')),
      case_id uuid, facts text NOT NULL, requirement text NOT NULL,
      issued_at timestamptz NOT NULL, issued_by text NOT NULL, rectification_due_at timestamptz NOT NULL CHECK (rectification_due_at > issued_at),
      status text NOT NULL CHECK (status IN ('ISSUED', 'REPLIED', 'CLOSED')),
      reply text, rectified boolean, replied_at timestamptz, replied_by text,
      outcome text CHECK (outcome IN ('RECTIFIED', 'INSUFFICIENT', 'NOT_RECTIFIED')), verification_note text,
      verified_at timestamptz, verified_by text,
      CHECK ((status = 'ISSUED') = (reply IS NULL AND replied_at IS NULL)),
      CHECK ((status = 'CLOSED') = (outcome IS NOT NULL AND verified_at IS NOT NULL)))`);
    await q.query(`CREATE INDEX supervision_opinion_page ON supervision_opinion (issued_at DESC, id DESC)`);
    await q.query(`CREATE INDEX supervision_opinion_region ON supervision_opinion (region text_pattern_ops)`);
    await q.query(`CREATE INDEX supervision_opinion_agency ON supervision_opinion (agency_code, issued_at DESC)`);
    await q.query(`CREATE INDEX supervision_opinion_due ON supervision_opinion (rectification_due_at) WHERE status = 'ISSUED'`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE supervision_opinion`);
  }
}
