import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The one function every tally's triggers run (statement triggers with transition tables
 * `tally_new` / `tally_old`): the statement's rows in (+1) and out (-1), those meeting the
 * condition, summed by key; keys whose count falls are lowered in place (an INSERT of a negative
 * row would fail the tally's check before its conflict is seen), keys whose count rises are raised
 * or made, in key order, so two writers lock the rows they share in the same order.
 * Arguments: the tally table, its key columns, the same keys as expressions of the source row, and
 * the condition a source row is counted under.
 */
export const TALLY_APPLY = `CREATE FUNCTION tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    tally text := TG_ARGV[0]; keys text := TG_ARGV[1]; vals text := TG_ARGV[2]; counted text := TG_ARGV[3];
    columns text[] := string_to_array(replace(keys, ' ', ''), ',');
    positions text := (SELECT string_agg(i::text, ', ') FROM generate_series(1, cardinality(columns)) i);
    of_tally text := (SELECT string_agg('t.' || c, ', ') FROM unnest(columns) c);
    of_moved text := (SELECT string_agg('m.' || c, ', ') FROM unnest(columns) c);
    changes text;
  BEGIN
    IF TG_OP = 'TRUNCATE' THEN
      EXECUTE format('DELETE FROM %I', tally);
      RETURN NULL;
    END IF;
    changes := CASE TG_OP
      WHEN 'INSERT' THEN format('SELECT %s, 1 FROM tally_new WHERE %s', vals, counted)
      WHEN 'DELETE' THEN format('SELECT %s, -1 FROM tally_old WHERE %s', vals, counted)
      ELSE format('SELECT %1$s, 1 FROM tally_new WHERE %2$s UNION ALL SELECT %1$s, -1 FROM tally_old WHERE %2$s', vals, counted) END;
    EXECUTE format('WITH moved AS (SELECT %2$s, sum(d) AS d FROM (%3$s) changes(%2$s, d) GROUP BY %4$s HAVING sum(d) <> 0),
        lowered AS (UPDATE %1$I t SET cases = t.cases + m.d FROM moved m WHERE m.d < 0 AND (%5$s) = (%6$s))
      INSERT INTO %1$I AS t (%2$s, cases) SELECT %2$s, d FROM moved WHERE d > 0 ORDER BY %4$s
      ON CONFLICT (%2$s) DO UPDATE SET cases = t.cases + excluded.cases', tally, keys, changes, positions, of_tally, of_moved);
    RETURN NULL;
  END $$`;

const OPERATIONS = ['insert', 'update', 'delete', 'truncate'] as const;
const TRANSITION: Record<(typeof OPERATIONS)[number], string> = {
  insert: 'REFERENCING NEW TABLE AS tally_new', update: 'REFERENCING OLD TABLE AS tally_old NEW TABLE AS tally_new',
  delete: 'REFERENCING OLD TABLE AS tally_old', truncate: '',
};

/** Four statement triggers `<name>_<operation>` on `source`, each running `call` with the statement's rows as `tally_new` / `tally_old`. */
export async function createStatementTriggers(q: QueryRunner, source: string, name: string, call: string) {
  for (const op of OPERATIONS) {
    await q.query(`CREATE TRIGGER ${name}_${op} AFTER ${op.toUpperCase()} ON ${source} ${TRANSITION[op]}
      FOR EACH STATEMENT EXECUTE FUNCTION ${call}`);
  }
}

export async function dropStatementTriggers(q: QueryRunner, source: string, name: string) {
  for (const op of OPERATIONS) await q.query(`DROP TRIGGER ${name}_${op} ON ${source}`);
}

/** A tally's four statement triggers on `source` (TALLY_APPLY), and the tally filled from the rows there already. */
export async function createTallyTriggers(q: QueryRunner, source: string, tally: string, { keys, values, counted = 'TRUE' }: { keys: string; values: string; counted?: string }) {
  const args = [tally, keys, values, counted].map((a) => `'${a.replace(/'/g, "''")}'`).join(', ');
  await createStatementTriggers(q, source, tally, `tally_apply(${args})`);
  await q.query(`INSERT INTO ${tally} (${keys}, cases) SELECT ${values}, count(*) FROM ${source} WHERE ${counted} GROUP BY ${keys.split(',').map((_, i) => i + 1).join(', ')}`);
}

export async function dropTallyTriggers(q: QueryRunner, source: string, tally: string) {
  await dropStatementTriggers(q, source, tally);
}

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
    await q.query(TALLY_APPLY);
    await createTallyTriggers(q, 'case_index', 'case_tally', {
      keys: 'agency_code, region, case_type, act_type, decided, cause',
      values: 'agency_code, region, case_type, act_type, decided_at IS NOT NULL, cause',
    });
  }
  async down(q: QueryRunner): Promise<void> {
    await dropTallyTriggers(q, 'case_index', 'case_tally');
    await q.query(`DROP FUNCTION tally_apply()`);
    await q.query(`DROP TABLE case_tally`);
  }
}
