import type { MigrationInterface, QueryRunner } from 'typeorm';
import { caseReturnTableSql } from '../../../kit/reverse-transfer';

/** 反向移送 (国务院令第310号 第十三条): public security's returns of refused transfers to their bureaus. */
export class PublicSecurityTransferReturn1700000002460 implements MigrationInterface {
  name = 'PublicSecurityTransferReturn1700000002460';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of caseReturnTableSql('case_return')) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_return`);
  }
}
