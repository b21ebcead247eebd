import { defineAgency } from '../kit/define';
import { NaturalResourcesFields1700000000001 } from './migration';

/** 自然资源局: its own case fields (专业字段); everything else is the agency kit's. */
export const naturalResources = defineAgency({
  name: 'natural-resources',
  defaultPort: 4008,
  ownFields: [
    { name: 'mineralType', column: 'mineral_type', type: 'text', label: '矿种' },
    { name: 'mineralValue', column: 'mineral_value', type: 'amount', label: '矿产品价值或者矿产资源破坏价值 (yuan)' },
    { name: 'occupiedLandCategory', column: 'occupied_land_category', type: 'enum', label: '被非法占用的农用地类别',
      values: [{ value: 'BASIC_FARMLAND', label: '永久基本农田' }, { value: 'CULTIVATED_LAND', label: '基本农田以外的耕地' }, { value: 'FOREST_LAND', label: '林地' }, { value: 'GRASSLAND', label: '草原' }, { value: 'OTHER_AGRICULTURAL_LAND', label: '其他农用地' }] },
    // 刑法 第三百四十二条 counts 永久基本农田 and other 耕地 apart (thresholds.json CL342): the area is
    // heard by the index under its category's figure; 林地, 草原 and other land send none yet.
    { name: 'occupiedAreaMu', column: 'occupied_area_mu', type: 'quantity', label: '非法占用农用地面积 (亩)',
      byCategory: { field: 'occupiedLandCategory', figures: { BASIC_FARMLAND: 'occupiedBasicFarmlandMu', CULTIVATED_LAND: 'occupiedFarmlandMu' } } },
  ],
  migrations: [NaturalResourcesFields1700000000001],
});
