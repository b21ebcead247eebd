import type { MigrationInterface, QueryRunner } from 'typeorm';
import { defineAgency } from '../kit/define';

class EcoEnvironmentFields1700000000001 implements MigrationInterface {
  name = 'EcoEnvironmentFields1700000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enforcement_case ADD COLUMN pollutant text, ADD COLUMN exceedance_multiple numeric, ADD COLUMN hazardous_waste_tonnes numeric`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enforcement_case DROP COLUMN pollutant, DROP COLUMN exceedance_multiple, DROP COLUMN hazardous_waste_tonnes`);
  }
}

/** 生态环境局: pollution discharge, hazardous waste. */
export const ecoEnvironment = defineAgency({
  name: 'eco-environment',
  defaultPort: 4005,
  ownFields: [
    { name: 'pollutant', column: 'pollutant', type: 'text', label: '污染物' },
    { name: 'exceedanceMultiple', column: 'exceedance_multiple', type: 'quantity', label: '超标倍数' },
    { name: 'hazardousWasteTonnes', column: 'hazardous_waste_tonnes', type: 'quantity', label: '危险废物数量 (吨)' },
  ],
  migrations: [EcoEnvironmentFields1700000000001],
});
