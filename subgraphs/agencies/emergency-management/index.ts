import { defineAgency } from '../kit/define';
import { EmergencyManagementFields1700000000001 } from './migration';

/** 应急管理局: its own case fields (专业字段); everything else is the agency kit's. */
export const emergencyManagement = defineAgency({
  name: 'emergency-management',
  defaultPort: 4007,
  ownFields: [
    { name: 'accidentLevel', column: 'accident_level', type: 'enum', label: '事故等级 (生产安全事故报告和调查处理条例 第三条)',
      values: [{ value: 'PARTICULARLY_SERIOUS', label: '特别重大事故' }, { value: 'SERIOUS', label: '重大事故' }, { value: 'LARGER', label: '较大事故' }, { value: 'ORDINARY', label: '一般事故' }] },
    { name: 'accidentDate', column: 'accident_date', type: 'date', label: '事故发生日期' },
    { name: 'deaths', column: 'deaths', type: 'integer', label: '死亡人数' },
    { name: 'seriousInjuries', column: 'serious_injuries', type: 'integer', label: '重伤人数' },
    { name: 'directLoss', column: 'direct_loss', type: 'amount', label: '直接经济损失 (yuan)' },
    { name: 'hazardousChemicals', column: 'hazardous_chemicals', type: 'boolean', label: '涉及危险化学品' },
    { name: 'hazardousChemicalName', column: 'hazardous_chemical_name', type: 'text', label: '危险化学品名称' },
  ],
  migrations: [EmergencyManagementFields1700000000001],
});
