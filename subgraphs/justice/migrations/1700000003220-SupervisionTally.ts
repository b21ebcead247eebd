import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createStatementTriggers, createTallyTriggers, dropStatementTriggers, dropTallyTriggers } from './1700000003200-CaseTally';

/**
 * Where each case stands with the procuratorate (检察监督), one row per case, and those rows tallied
 * by bureau, region and status (the mechanism of migration 1700000003200). A case has several
 * matters, and its status is the matters' together: OPEN while one is open, CLOSED when all are
 * closed (kit/messages/case-state.ts), so the matters themselves cannot be tallied as cases. The
 * case list's count of `supervisionStatus` OPEN or CLOSED alone is then a sum over a few rows, and
 * that of NONE the reach's cases less its supervised ones, where they read every matter of the
 * county (9,376 for OPEN, 12,500 for CLOSED) or 35,001 index entries for NONE at a million cases,
 * 15-21 ms of SQL against about 1 ms at ten thousand (bench/results/filters-2026-11-28-1m-tally.md).
 *
 * A case counts once its matters carry its region and bureau (copied from the index, migration
 * 1700000002950), as the list's filters count it. The row of a case is made again from all its
 * matters by the triggers on case_supervision_state, in the writer's own transaction, under a
 * transaction lock per case taken in case order: a writer that waited sees the other's matters
 * when it reads them (each statement its own snapshot), so two writers of one case cannot leave it
 * with a status made from half its matters.
 */
export class JusticeSupervisionTally1700000003220 implements MigrationInterface {
  name = 'JusticeSupervisionTally1700000003220';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE case_supervision_summary (
      case_id uuid PRIMARY KEY, agency_code text NOT NULL, region text NOT NULL, status text NOT NULL CHECK (status IN ('OPEN', 'CLOSED')))`);
    // The cases in a status within a region: the list's look-up of a status few cases have.
    await q.query(`CREATE INDEX case_supervision_summary_status_region ON case_supervision_summary (status, region text_pattern_ops) INCLUDE (case_id, agency_code)`);
    // A case's status from all its matters (placed ones: a matter before its case has no place yet),
    // written once for the triggers and for the cases already supervised.
    await q.query(`CREATE FUNCTION case_supervision_summary_of(cases uuid[]) RETURNS TABLE (case_id uuid, agency_code text, region text, status text)
      LANGUAGE sql STABLE AS $$
        SELECT m.case_id, min(m.agency_code), min(m.region), CASE WHEN bool_or(m.status = 'OPEN') THEN 'OPEN' ELSE 'CLOSED' END
        FROM case_supervision_state m WHERE m.case_id = ANY(cases) AND m.region IS NOT NULL AND m.agency_code IS NOT NULL
        GROUP BY m.case_id ORDER BY m.case_id
      $$`);
    await q.query(`CREATE FUNCTION case_supervision_summary_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        touched uuid[];
        one uuid;
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          DELETE FROM case_supervision_summary;
          RETURN NULL;
        END IF;
        IF TG_OP = 'INSERT' THEN
          SELECT array_agg(DISTINCT case_id ORDER BY case_id) INTO touched FROM tally_new;
        ELSIF TG_OP = 'DELETE' THEN
          SELECT array_agg(DISTINCT case_id ORDER BY case_id) INTO touched FROM tally_old;
        ELSE
          SELECT array_agg(DISTINCT case_id ORDER BY case_id) INTO touched FROM (SELECT case_id FROM tally_new UNION SELECT case_id FROM tally_old) m;
        END IF;
        IF touched IS NULL THEN RETURN NULL; END IF;
        FOREACH one IN ARRAY touched LOOP
          PERFORM pg_advisory_xact_lock(hashtext('case_supervision_summary'), hashtext(one::text));
        END LOOP;
        DELETE FROM case_supervision_summary s WHERE s.case_id = ANY(touched) AND NOT EXISTS (
          SELECT 1 FROM case_supervision_state m WHERE m.case_id = s.case_id AND m.region IS NOT NULL AND m.agency_code IS NOT NULL);
        INSERT INTO case_supervision_summary AS s (case_id, agency_code, region, status)
        SELECT * FROM case_supervision_summary_of(touched)
        ON CONFLICT (case_id) DO UPDATE SET agency_code = excluded.agency_code, region = excluded.region, status = excluded.status
        WHERE (s.agency_code, s.region, s.status) IS DISTINCT FROM (excluded.agency_code, excluded.region, excluded.status);
        RETURN NULL;
      END $$`);
    await createStatementTriggers(q, 'case_supervision_state', 'case_supervision_summary', 'case_supervision_summary_apply()');
    await q.query(`INSERT INTO case_supervision_summary (case_id, agency_code, region, status)
      SELECT * FROM case_supervision_summary_of(ARRAY(SELECT DISTINCT case_id FROM case_supervision_state))`);
    await q.query(`CREATE TABLE case_supervision_tally (
      agency_code text NOT NULL, region text NOT NULL, status text NOT NULL, cases integer NOT NULL CHECK (cases >= 0),
      PRIMARY KEY (agency_code, region, status))`);
    await q.query(`CREATE INDEX case_supervision_tally_region ON case_supervision_tally (region text_pattern_ops)`);
    await createTallyTriggers(q, 'case_supervision_summary', 'case_supervision_tally', { keys: 'agency_code, region, status', values: 'agency_code, region, status' });
  }
  async down(q: QueryRunner): Promise<void> {
    await dropTallyTriggers(q, 'case_supervision_summary', 'case_supervision_tally');
    await q.query(`DROP TABLE case_supervision_tally`);
    await dropStatementTriggers(q, 'case_supervision_state', 'case_supervision_summary');
    await q.query(`DROP FUNCTION case_supervision_summary_apply()`);
    await q.query(`DROP FUNCTION case_supervision_summary_of(uuid[])`);
    await q.query(`DROP TABLE case_supervision_summary`);
  }
}
