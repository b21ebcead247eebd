import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case list a console drives (filters, sorts, counts) stays an index scan at a million cases:
 * - 决定书文号 and 案由 searched anywhere in the text: trigram GIN indexes (pg_trgm, a trusted
 *   extension any database owner may create; shipped with PostgreSQL's contrib, and with the
 *   embedded server);
 * - sorted by decision date: (decided_at, id) over decided cases, both directions;
 * - one agency kind (case type) in recorded order: (case_type, recorded_at, id).
 */
export class JusticeCaseListIndexes1700000001310 implements MigrationInterface {
  name = 'JusticeCaseListIndexes1700000001310';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE INDEX case_index_number_trgm ON case_index USING gin (case_number gin_trgm_ops)`);
    await q.query(`CREATE INDEX case_index_cause_trgm ON case_index USING gin (cause gin_trgm_ops)`);
    await q.query(`CREATE INDEX case_index_decided_page ON case_index (decided_at DESC, id DESC) WHERE decided_at IS NOT NULL`);
    await q.query(`CREATE INDEX case_index_type_page ON case_index (case_type, recorded_at DESC, id DESC)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_index_type_page`);
    await q.query(`DROP INDEX case_index_decided_page`);
    await q.query(`DROP INDEX case_index_cause_trgm`);
    await q.query(`DROP INDEX case_index_number_trgm`);
  }
}
