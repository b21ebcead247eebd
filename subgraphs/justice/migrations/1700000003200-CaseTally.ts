import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case list's totalCount, when every filter is one of the bureau, region, case type, act, whether
 * decided and the 案由 text, from a tally of the index: one row per distinct (agency_code, region,
 * case_type, act_type, decided, cause), holding how many cases have it. These are categories, so
 * the same keys recur: a 案由 names the kind of breach (销售伪劣产品, 超标排放污染物), and the
 * benchmark's million cases have 24 of them; a county's tally holds a few hundred rows where its
 * cases number 125,000.
 *
 * Why: a count reads every case it counts, up to the cap. At a million cases that is 10,001 index
 * entries for the plain list (3 ms of SQL, against 0.4 ms at ten thousand), and 10,001 rows of
 * case_index, one buffer each, to test the text of a 案由 search (27 ms for 危险废物 within one
 * county: p99 4.81 × that at ten thousand, the largest growth left in the list;
 * bench/results/filters-2026-11-28-1m-after.md). The tally's rows carry all that such a count asks
 * of a case: the case rule reads only the bureau and the region (kit/resources/case.ts), the filters
 * read the other four, so the same conditions said of the tally's rows select the same cases,
 * counted by sum (subgraphs/justice/case-list-count.ts).
 *
 * Kept by triggers on case_index itself, in the writer's own statement and transaction, whatever
 * writes the index (the index receiver, a migration, the benchmark's seed): each case counted once,
 * in the row of its current values. Each statement's changes are summed by key first and applied in
 * key order, so two writers lock the rows they share in the same order. A count finds its rows by
 * bureau (the primary key) or by region prefix (the region index). `cases` is in no index, so a
 * count's change is a HOT update.
 */
export class JusticeCaseTally1700000003200 implements MigrationInterface {
  name = 'JusticeCaseTally1700000003200';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE case_tally (
      agency_code text NOT NULL, region text NOT NULL, case_type text NOT NULL, act_type text NOT NULL, decided boolean NOT NULL,
      cause text NOT NULL, cases integer NOT NULL CHECK (cases >= 0),
      PRIMARY KEY (agency_code, region, case_type, act_type, decided, cause))`);
    await q.query(`CREATE INDEX case_tally_region ON case_tally (region text_pattern_ops)`);
    // One function for the four triggers: each statement's cases in (+1) and out (-1), summed by key.
    await q.query(`CREATE FUNCTION case_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO case_tally AS t (agency_code, region, case_type, act_type, decided, cause, cases)
          SELECT agency_code, region, case_type, act_type, decided_at IS NOT NULL, cause, count(*)
          FROM tally_new GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
          ON CONFLICT (agency_code, region, case_type, act_type, decided, cause) DO UPDATE SET cases = t.cases + excluded.cases;
        ELSIF TG_OP = 'UPDATE' THEN
          -- Keys a case left are lowered in place (an INSERT of a negative row would fail the check
          -- before its conflict is seen), keys it came to are raised or made.
          WITH moved AS (
            SELECT agency_code, region, case_type, act_type, decided, cause, sum(d) AS d FROM (
              SELECT agency_code, region, case_type, act_type, decided_at IS NOT NULL AS decided, cause, 1 AS d FROM tally_new
              UNION ALL SELECT agency_code, region, case_type, act_type, decided_at IS NOT NULL, cause, -1 FROM tally_old) changes
            GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d) <> 0),
          lowered AS (
            UPDATE case_tally t SET cases = t.cases + m.d FROM moved m
            WHERE m.d < 0 AND (t.agency_code, t.region, t.case_type, t.act_type, t.decided, t.cause)
              = (m.agency_code, m.region, m.case_type, m.act_type, m.decided, m.cause))
          INSERT INTO case_tally AS t (agency_code, region, case_type, act_type, decided, cause, cases)
          SELECT agency_code, region, case_type, act_type, decided, cause, d FROM moved WHERE d > 0 ORDER BY 1, 2, 3, 4, 5, 6
          ON CONFLICT (agency_code, region, case_type, act_type, decided, cause) DO UPDATE SET cases = t.cases + excluded.cases;
        ELSIF TG_OP = 'DELETE' THEN
          UPDATE case_tally t SET cases = t.cases - gone.n
          FROM (SELECT agency_code, region, case_type, act_type, decided_at IS NOT NULL AS decided, cause, count(*) AS n
                FROM tally_old GROUP BY 1, 2, 3, 4, 5, 6) gone
          WHERE (t.agency_code, t.region, t.case_type, t.act_type, t.decided, t.cause)
            = (gone.agency_code, gone.region, gone.case_type, gone.act_type, gone.decided, gone.cause);
        ELSE
          DELETE FROM case_tally;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER case_tally_insert AFTER INSERT ON case_index REFERENCING NEW TABLE AS tally_new
      FOR EACH STATEMENT EXECUTE FUNCTION case_tally_apply()`);
    await q.query(`CREATE TRIGGER case_tally_update AFTER UPDATE ON case_index REFERENCING OLD TABLE AS tally_old NEW TABLE AS tally_new
      FOR EACH STATEMENT EXECUTE FUNCTION case_tally_apply()`);
    await q.query(`CREATE TRIGGER case_tally_delete AFTER DELETE ON case_index REFERENCING OLD TABLE AS tally_old
      FOR EACH STATEMENT EXECUTE FUNCTION case_tally_apply()`);
    await q.query(`CREATE TRIGGER case_tally_truncate AFTER TRUNCATE ON case_index
      FOR EACH STATEMENT EXECUTE FUNCTION case_tally_apply()`);
    // The cases indexed so far.
    await q.query(`INSERT INTO case_tally (agency_code, region, case_type, act_type, decided, cause, cases)
      SELECT agency_code, region, case_type, act_type, decided_at IS NOT NULL, cause, count(*) FROM case_index GROUP BY 1, 2, 3, 4, 5, 6`);
  }
  async down(q: QueryRunner): Promise<void> {
    for (const t of ['insert', 'update', 'delete', 'truncate']) await q.query(`DROP TRIGGER case_tally_${t} ON case_index`);
    await q.query(`DROP FUNCTION case_tally_apply()`);
    await q.query(`DROP TABLE case_tally`);
  }
}
