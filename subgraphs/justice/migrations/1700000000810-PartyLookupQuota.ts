import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Party lookups counted per caller and window (a minute, a China Standard Time day), in justice's
 * own database so every gateway worker and every justice replica shares one count.
 */
export class JusticePartyLookupQuota1700000000810 implements MigrationInterface {
  name = 'JusticePartyLookupQuota1700000000810';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE party_lookup_usage (
      caller text NOT NULL, period text NOT NULL CHECK (period IN ('minute', 'day')), window_start timestamptz NOT NULL,
      used int NOT NULL CHECK (used >= 0), PRIMARY KEY (caller, period, window_start))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE party_lookup_usage`);
  }
}
