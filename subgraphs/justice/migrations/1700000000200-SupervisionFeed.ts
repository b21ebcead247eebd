import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '../../../kit/outbox';

/** Index events forwarded to the procuratorate, and the agencies' text fields the threshold rules read. */
export class JusticeSupervisionFeed1700000000200 implements MigrationInterface {
  name = 'JusticeSupervisionFeed1700000000200';
  async up(q: QueryRunner): Promise<void> {
    // Non-personal text fields of the agency's own (e.g. pollutant), for rules such as 法释〔2023〕7号.
    await q.query(`ALTER TABLE case_index ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}'`);
    // Every applied index event goes to the procuratorate (以罚代刑 and repeat-offender alerts).
    for (const sql of outboxTableSql('supervision_outbox')) await q.query(sql);
    // Cases indexed before the feed existed are judged once too (same shape as IndexEvent).
    await q.query(`INSERT INTO supervision_outbox (id, payload)
      SELECT gen_random_uuid(), jsonb_build_object(
        'caseId', c.id, 'caseType', c.case_type, 'version', c.source_version, 'agencyCode', c.agency_code, 'caseNumber', c.case_number,
        'actType', c.act_type, 'offenceCode', c.offence_code, 'amountInvolved', c.amount_involved, 'fineAmount', c.fine_amount,
        'decidedAt', c.decided_at, 'region', c.region, 'recordedAt', c.recorded_at, 'partyKind', c.party_kind, 'partyKey', c.party_key,
        'figures', c.figures, 'attributes', c.attributes,
        'partyCases', coalesce((SELECT jsonb_agg(jsonb_build_object('caseId', o.id, 'caseType', o.case_type, 'agencyCode', o.agency_code,
            'region', o.region, 'offenceCode', o.offence_code, 'actType', o.act_type, 'decidedAt', o.decided_at))
          FROM case_index o WHERE o.party_key = c.party_key AND o.id <> c.id), '[]'::jsonb))
      FROM case_index c ORDER BY c.recorded_at, c.id`);
    // partyCases and the party history: every case of one keyed party, newest first.
    await q.query(`CREATE INDEX case_index_party_history ON case_index (party_key, decided_at DESC) WHERE party_key IS NOT NULL`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_index_party_history`);
    await q.query(`DROP TABLE supervision_outbox`);
    await q.query(`ALTER TABLE case_index DROP COLUMN attributes`);
  }
}
