import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTableSql } from '../../../kit/outbox';

/** 抄送: every new transfer is copied to the procuratorate through an outbox. */
export class PublicSecuritySupervisionCopy1700000000200 implements MigrationInterface {
  name = 'PublicSecuritySupervisionCopy1700000000200';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of outboxTableSql('supervision_outbox')) await q.query(sql);
    // Transfers made before the copy existed are copied once now.
    await q.query(`INSERT INTO supervision_outbox (id, payload)
      SELECT gen_random_uuid(), jsonb_build_object('transferId', id, 'caseId', case_id, 'agencyCode', agency_code, 'region', region,
        'status', status, 'submittedAt', submitted_at)
      FROM case_transfer ORDER BY submitted_at`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE supervision_outbox`);
  }
}
