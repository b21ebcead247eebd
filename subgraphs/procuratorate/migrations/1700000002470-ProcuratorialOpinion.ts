import type { MigrationInterface, QueryRunner } from 'typeorm';
import { caseReturnTableSql } from '../../../kit/reverse-transfer';

/** 不起诉 → 检察意见 (刑事诉讼法 第一百七十七条第三款): the procuratorate's returns of cases to their bureaus. */
export class ProcuratorateProcuratorialOpinion1700000002470 implements MigrationInterface {
  name = 'ProcuratorateProcuratorialOpinion1700000002470';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of caseReturnTableSql('case_return')) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_return`);
  }
}
