import type { MigrationInterface, QueryRunner } from 'typeorm';
import { defineAgency } from '../kit/define';

class MarketRegulationFields1700000000001 implements MigrationInterface {
  name = 'MarketRegulationFields1700000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enforcement_case ADD COLUMN product_name text, ADD COLUMN sales_amount numeric, ADD COLUMN unsold_goods_value numeric`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enforcement_case DROP COLUMN product_name, DROP COLUMN sales_amount, DROP COLUMN unsold_goods_value`);
  }
}

/** 市场监督管理局: product quality, counterfeit trademarks, unlicensed trading. */
export const marketRegulation = defineAgency({
  name: 'market-regulation',
  defaultPort: 4004,
  ownFields: [
    { name: 'productName', column: 'product_name', type: 'text', label: '涉案产品' },
    { name: 'salesAmount', column: 'sales_amount', type: 'amount', label: '销售金额 (yuan)' },
    { name: 'unsoldGoodsValue', column: 'unsold_goods_value', type: 'amount', label: '尚未销售的货值金额 (yuan)' },
  ],
  migrations: [MarketRegulationFields1700000000001],
});
