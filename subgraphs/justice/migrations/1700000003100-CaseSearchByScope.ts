import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case list's count of a 案由 search stays within the caller's county or bureau at a million
 * cases. The trigram index (migration 1700000001310) holds every case of every region under one
 * key per trigram, so a count read every match of the whole dataset before keeping the county's
 * (218,337 rows for 危险废物, 250,000 for the two-character 噪声, which has no trigram at all;
 * bench/results/filters-2026-11-28-1m.md). Here each case's 案由 is keyed by its place as well:
 * every two-character piece (bigram) of the lowered text, once under the county and once under the
 * bureau, so a search of two characters or more within one county or bureau reads only that
 * place's entries. The list still tests the text itself (ILIKE / strpos): the keys only narrow
 * which rows are tested (case-list-count.ts). About twenty keys a case (a 案由 is short); a city or
 * province reach, and 决定书文号 (whose pieces are common to every number), keep the trigram indexes.
 *
 * `case_search_grams` is written once here and used both by the index and by the statement that
 * asks it, so both sides are lowered alike and no match can be lost to a different lower-casing.
 * PL/pgSQL: three times faster than the same in SQL for the index build (50,000 cases).
 */
export class JusticeCaseSearchByScope1700000003100 implements MigrationInterface {
  name = 'JusticeCaseSearchByScope1700000003100';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION case_search_grams(scopes text[], value text) RETURNS text[]
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
      DECLARE
        v text := lower(coalesce(value, ''));
        n int := char_length(v);
        keys text[] := '{}';
        scope text;
      BEGIN
        FOREACH scope IN ARRAY scopes LOOP
          CONTINUE WHEN scope IS NULL;
          FOR i IN 1 .. n - 1 LOOP
            keys := keys || (scope || ':' || substr(v, i, 2));
          END LOOP;
        END LOOP;
        RETURN keys;
      END $$`);
    await q.query(`CREATE INDEX case_index_cause_by_place ON case_index USING gin (case_search_grams(ARRAY[region, agency_code], cause))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_index_cause_by_place`);
    await q.query(`DROP FUNCTION case_search_grams(text[], text)`);
  }
}
