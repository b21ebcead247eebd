import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '../../kit/outbox';

/** Index events forwarded to the procuratorate, and the agencies' text fields the threshold rules read. */
export class JusticeSupervisionFeed1700000000200 implements MigrationInterface {
  name = 'JusticeSupervisionFeed1700000000200';
  async up(q: QueryRunner): Promise<void> {
    // Non-personal text fields of the agency's own (e.g. pollutant), for rules such as 法释〔2023〕7号.
    await q.query(`ALTER TABLE case_index ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}'`);
    // Every applied index event goes to the procuratorate (以罚代刑 and repeat-offender alerts).
    for (const sql of outboxTableSql('supervision_outbox')) await q.query(sql);
    // partyCases and the party history: every case of one keyed party, newest first.
    await q.query(`CREATE INDEX case_index_party_history ON case_index (party_key, decided_at DESC) WHERE party_key IS NOT NULL`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_index_party_history`);
    await q.query(`DROP TABLE supervision_outbox`);
    await q.query(`ALTER TABLE case_index DROP COLUMN attributes`);
  }
}
