import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case list's count of a 案由 or 决定书文号 search stays within the caller's reach at a million
 * cases. The trigram indexes (migration 1700000001310) hold every case of every region under one
 * key per trigram, so a count read every match of the whole dataset before keeping the county's
 * (218,337 rows for 危险废物, 250,000 for the two-character 噪声, which has no trigram at all;
 * bench/results/filters-2026-11-28-1m.md). Here each case's text is keyed by its place as well:
 * every two-character piece (bigram) of the lowered text, once under the county, once under the
 * city (the first four digits) and once under the bureau, so a search of two characters or more
 * within one county, city or bureau reads only that place's entries. The list still tests the
 * text itself (ILIKE / strpos): the keys only narrow which rows are tested (case-list-count.ts).
 *
 * `case_search_grams` is written once here and used both by the index and by the statement that
 * asks it (the same lowering on both sides, so no match can be lost to a different lower-casing).
 * case_search_keys names case_search_grams with its schema: PostgreSQL builds and maintains an
 * index with a search_path of pg_catalog alone (since version 17), where an unqualified name is not found.
 */
export class JusticeCaseSearchByScope1700000003100 implements MigrationInterface {
  name = 'JusticeCaseSearchByScope1700000003100';
  async up(q: QueryRunner): Promise<void> {
    const [{ schema }] = await q.query(`SELECT quote_ident(current_schema()) AS schema`);
    await q.query(`CREATE FUNCTION case_search_grams(scopes text[], field text, value text) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT s || ':' || field || ':' || substr(l.v, i, 2)), '{}')
        FROM unnest(scopes) s, (SELECT lower(coalesce(value, '')) v) l, generate_series(1, char_length(l.v) - 1) i
      $$`);
    await q.query(`CREATE FUNCTION case_search_keys(region text, agency_code text, cause text, case_number text) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT ${schema}.case_search_grams(ARRAY[region, left(region, 4), agency_code], 'c', cause)
            || ${schema}.case_search_grams(ARRAY[region, left(region, 4), agency_code], 'n', case_number)
      $$`);
    await q.query(`CREATE INDEX case_index_search_by_scope ON case_index USING gin (case_search_keys(region, agency_code, cause, case_number))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_index_search_by_scope`);
    await q.query(`DROP FUNCTION case_search_keys(text, text, text, text)`);
    await q.query(`DROP FUNCTION case_search_grams(text[], text, text)`);
  }
}
