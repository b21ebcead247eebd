import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case list's count of a 案由 search, with no other filter on the case itself, from a tally of
 * the index's cases by bureau, region and 案由 text: one row per distinct (agency_code, region,
 * cause), holding how many cases have it. A 案由 names the kind of breach (销售伪劣产品, 超标排放污染物),
 * so the same texts recur: the benchmark's million cases have 24, and a county's tally holds a few
 * hundred rows where its cases number 125,000.
 *
 * Why: the count of a search must test the text of every matching case up to the count's cap. At a
 * million cases that read 10,001 rows of case_index, one buffer each (27 ms of SQL for 危险废物
 * within one county), against a few hundred at ten thousand, the largest growth left in the list
 * (bench/results/filters-2026-11-28-1m-after.md: p99 4.81 × that at 10,000). The tally's rows carry
 * exactly what the count asks of a case then: the case rule reads only the bureau and the region
 * (kit/resources/case.ts), the region and bureau filters likewise, and the search tests the text
 * alone, so the same conditions said of the tally's rows select the same cases, counted by sum.
 *
 * Kept by triggers on case_index itself, in the writer's own statement and transaction, whatever
 * writes the index (the index receiver, a migration, the benchmark's seed): a case counted once, in
 * the row of its current bureau, region and text. Each statement's changes are summed first and
 * applied in key order, so two writers lock the rows they share in the same order. The rows a
 * count reads are chosen by its rule: by bureau (primary key) or by region prefix (region index).
 * `cases` is in no index, so a count's change is a HOT update.
 */
export class JusticeCaseCauseTally1700000003200 implements MigrationInterface {
  name = 'JusticeCaseCauseTally1700000003200';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE case_cause_tally (
      agency_code text NOT NULL, region text NOT NULL, cause text NOT NULL, cases integer NOT NULL CHECK (cases >= 0),
      PRIMARY KEY (agency_code, region, cause))`);
    await q.query(`CREATE INDEX case_cause_tally_region ON case_cause_tally (region text_pattern_ops)`);
    // One function for the three triggers: each statement's cases in (+1) and out (-1), summed by key.
    await q.query(`CREATE FUNCTION case_cause_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO case_cause_tally AS t (agency_code, region, cause, cases)
          SELECT agency_code, region, cause, count(*) FROM tally_new GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
          ON CONFLICT (agency_code, region, cause) DO UPDATE SET cases = t.cases + excluded.cases;
        ELSIF TG_OP = 'UPDATE' THEN
          -- Keys a case left are lowered in place (an INSERT of a negative row would fail the check
          -- before its conflict is seen), keys it came to are raised or made.
          WITH moved AS (
            SELECT agency_code, region, cause, sum(d) AS d FROM (
              SELECT agency_code, region, cause, 1 AS d FROM tally_new
              UNION ALL SELECT agency_code, region, cause, -1 FROM tally_old) changes
            GROUP BY 1, 2, 3 HAVING sum(d) <> 0),
          lowered AS (
            UPDATE case_cause_tally t SET cases = t.cases + m.d FROM moved m
            WHERE m.d < 0 AND (t.agency_code, t.region, t.cause) = (m.agency_code, m.region, m.cause))
          INSERT INTO case_cause_tally AS t (agency_code, region, cause, cases)
          SELECT agency_code, region, cause, d FROM moved WHERE d > 0 ORDER BY 1, 2, 3
          ON CONFLICT (agency_code, region, cause) DO UPDATE SET cases = t.cases + excluded.cases;
        ELSIF TG_OP = 'DELETE' THEN
          UPDATE case_cause_tally t SET cases = t.cases - gone.n
          FROM (SELECT agency_code, region, cause, count(*) AS n FROM tally_old GROUP BY 1, 2, 3) gone
          WHERE (t.agency_code, t.region, t.cause) = (gone.agency_code, gone.region, gone.cause);
        ELSE
          DELETE FROM case_cause_tally;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER case_cause_tally_insert AFTER INSERT ON case_index REFERENCING NEW TABLE AS tally_new
      FOR EACH STATEMENT EXECUTE FUNCTION case_cause_tally_apply()`);
    await q.query(`CREATE TRIGGER case_cause_tally_update AFTER UPDATE ON case_index REFERENCING OLD TABLE AS tally_old NEW TABLE AS tally_new
      FOR EACH STATEMENT EXECUTE FUNCTION case_cause_tally_apply()`);
    await q.query(`CREATE TRIGGER case_cause_tally_delete AFTER DELETE ON case_index REFERENCING OLD TABLE AS tally_old
      FOR EACH STATEMENT EXECUTE FUNCTION case_cause_tally_apply()`);
    await q.query(`CREATE TRIGGER case_cause_tally_truncate AFTER TRUNCATE ON case_index
      FOR EACH STATEMENT EXECUTE FUNCTION case_cause_tally_apply()`);
    // The cases indexed so far.
    await q.query(`INSERT INTO case_cause_tally (agency_code, region, cause, cases)
      SELECT agency_code, region, cause, count(*) FROM case_index GROUP BY 1, 2, 3`);
  }
  async down(q: QueryRunner): Promise<void> {
    for (const t of ['insert', 'update', 'delete', 'truncate']) await q.query(`DROP TRIGGER case_cause_tally_${t} ON case_index`);
    await q.query(`DROP FUNCTION case_cause_tally_apply()`);
    await q.query(`DROP TABLE case_cause_tally`);
  }
}
