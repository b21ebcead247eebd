// The agency kit's own-field types (integer, enum, date, boolean beside text, amount, quantity):
// the SDL they make, the rules that read them (every bad field at once) and what the index hears.
// Pure: no hub.
import { describe, expect, it } from 'vitest';
import { print } from 'graphql';
import { Violations } from '../kit/rules';
import {
  attributesOf, cstToday, figureNames, figuresOf, ownFieldProblems, readOwnFields, checkOwnFieldCoherence, type OwnField,
} from '../subgraphs/agencies/kit/fields';
import { agencyTypeDefs } from '../subgraphs/agencies/kit/schema';
import { buildSubgraphSchema } from '@apollo/subgraph';

const FIELDS: OwnField[] = [
  { name: 'accidentLevel', column: 'accident_level', type: 'enum', label: '事故等级',
    values: [{ value: 'ORDINARY', label: '一般事故' }, { value: 'LARGER', label: '较大事故' }] },
  { name: 'deaths', column: 'deaths', type: 'integer', label: '死亡人数' },
  { name: 'accidentDate', column: 'accident_date', type: 'date', label: '事故发生日期' },
  { name: 'hazardousChemicals', column: 'hazardous_chemicals', type: 'boolean', label: '涉及危险化学品' },
  { name: 'directLoss', column: 'direct_loss', type: 'amount', label: '直接经济损失 (yuan)' },
  { name: 'note', column: 'note', type: 'text', label: '备注' },
];
const KIND = { name: 'test-agency', kind: 'TEST_AGENCY', caseType: 'TestAgencyCase', label: '测试局', figures: [], attributes: [] };
// 2026-03-10T17:00Z is 2026-03-11 01:00 in China Standard Time.
const NOW = new Date('2026-03-10T17:00:00Z');

function read(input: Record<string, unknown>) {
  const v = new Violations();
  const values = readOwnFields(input, FIELDS, NOW, v);
  return { values, violations: v.errors.map((e) => [e.extensions.field, e.extensions.rule]) };
}

describe('own fields of an agency', () => {
  it('make the SDL: an enum named with the agency prefix, Int, Boolean, a date as text, in the case, its input and its update input', () => {
    const document = agencyTypeDefs(KIND, FIELDS);
    expect(() => buildSubgraphSchema(document)).not.toThrow();
    const definition = (name: string) => document.definitions.find((d) => 'name' in d && d.name?.value === name) as any;
    expect(definition('TestAgencyAccidentLevel').values.map((v: any) => [v.name.value, v.description.value]))
      .toEqual([['ORDINARY', '一般事故'], ['LARGER', '较大事故']]);
    const typeOf = (type: string, field: string) => print(definition(type).fields.find((f: any) => f.name.value === field).type);
    for (const name of ['TestAgencyCase', 'TestAgencyCaseInput', 'TestAgencyCaseUpdateInput']) {
      expect(['accidentLevel', 'deaths', 'accidentDate', 'hazardousChemicals', 'directLoss'].map((f) => typeOf(name, f)))
        .toEqual(['TestAgencyAccidentLevel', 'Int', 'String', 'Boolean', 'Float']);
    }
  });

  it('read good values as given; absent ones are null', () => {
    expect(read({ accidentLevel: 'LARGER', deaths: 2, accidentDate: '2026-03-11', hazardousChemicals: true, directLoss: 1200000.5, note: ' 无 ' }))
      .toEqual({ values: { accidentLevel: 'LARGER', deaths: 2, accidentDate: '2026-03-11', hazardousChemicals: true, directLoss: 1200000.5, note: '无' }, violations: [] });
    expect(read({}).values).toEqual({ accidentLevel: null, deaths: null, accidentDate: null, hazardousChemicals: null, directLoss: null, note: null });
  });

  it('report every bad field at once, each with its field and rule', () => {
    expect(read({ accidentLevel: 'HUGE', deaths: 1.5, accidentDate: '2026-02-30', hazardousChemicals: 'yes', directLoss: -1 }).violations).toEqual([
      ['input.accidentLevel', 'enumValue'],
      ['input.deaths', 'integer'],
      ['input.accidentDate', 'date'],
      ['input.hazardousChemicals', 'boolean'],
      ['input.directLoss', 'nonNegative'],
    ]);
    expect(read({ deaths: -1 }).violations).toEqual([['input.deaths', 'nonNegative']]);
    expect(read({ deaths: 10_000_000 }).violations).toEqual([['input.deaths', 'max']]);
  });

  it.each([
    ['2026-03-11', null], // today in China Standard Time, though still the 10th in UTC
    ['2026-03-12', 'notInFuture'],
    ['2026-3-1', 'date'],
    ['2026-03-10T00:00:00Z', 'date'],
    ['1949-09-30', 'date'],
    ['2024-02-29', null],
    ['2025-02-29', 'date'],
  ])('a date %s is %s', (date, rule) => {
    expect(read({ accidentDate: date }).violations).toEqual(rule ? [['input.accidentDate', rule]] : []);
  });

  it('dates are China Standard Time days', () => {
    expect(cstToday(new Date('2026-03-10T15:59:59Z'))).toBe('2026-03-10');
    expect(cstToday(new Date('2026-03-10T16:00:00Z'))).toBe('2026-03-11');
  });

  it('tell the index numbers as figures and text and enums as attributes; a boolean or a date stays with the agency', () => {
    const row = { accidentLevel: 'LARGER', deaths: 2, accidentDate: '2026-03-01', hazardousChemicals: true, directLoss: 5, note: 'x' };
    expect(figuresOf(FIELDS, row)).toEqual({ deaths: 2, directLoss: 5 });
    expect(attributesOf(FIELDS, row)).toEqual({ accidentLevel: 'LARGER', note: 'x' });
  });

  describe('a number recorded by category (亩 of farmland of one category)', () => {
    const LAND: OwnField[] = [
      { name: 'landCategory', column: 'land_category', type: 'enum', label: '土地类别',
        values: [{ value: 'BASIC_FARMLAND', label: '永久基本农田' }, { value: 'CULTIVATED_LAND', label: '耕地' }, { value: 'FOREST_LAND', label: '林地' }] },
      { name: 'occupiedAreaMu', column: 'occupied_area_mu', type: 'quantity', label: '面积 (亩)',
        byCategory: { field: 'landCategory', figures: { BASIC_FARMLAND: 'basicMu', CULTIVATED_LAND: 'cultivatedMu' } } },
    ];
    it('is heard under its category\'s figure only', () => {
      expect(figureNames(LAND)).toEqual(['basicMu', 'cultivatedMu']);
      expect(figuresOf(LAND, { landCategory: 'BASIC_FARMLAND', occupiedAreaMu: 6 })).toEqual({ basicMu: 6, cultivatedMu: null });
      expect(figuresOf(LAND, { landCategory: 'FOREST_LAND', occupiedAreaMu: 60 })).toEqual({ basicMu: null, cultivatedMu: null });
    });
    it('needs its category', () => {
      const v = new Violations();
      checkOwnFieldCoherence(LAND, { occupiedAreaMu: 6, landCategory: null }, v);
      expect(v.errors.map((e) => [e.extensions.field, e.extensions.rule])).toEqual([['input.landCategory', 'requiredWith']]);
    });
    it('names a category the enum has', () => {
      const wrong = [LAND[0], { ...LAND[1], byCategory: { field: 'landCategory', figures: { GRASS: 'grassMu' } } }] as OwnField[];
      expect(ownFieldProblems(wrong)).toEqual(['field occupiedAreaMu: category GRASS is no value of landCategory']);
    });
  });

  it('declarations are checked: names, columns, enum values', () => {
    expect(ownFieldProblems(FIELDS)).toEqual([]);
    expect(ownFieldProblems([
      { name: 'Level', column: 'level', type: 'enum', values: [{ value: 'a', label: '' }], label: '' },
      { name: 'x', column: 'Level', type: 'integer', label: '' },
      { name: 'x', column: 'x', type: 'text', label: '' },
    ])).toEqual([
      'field x is declared twice',
      'field Level: a GraphQL name in lowerCamelCase',
      'field Level: value a is not UPPER_SNAKE_CASE',
      'field x: column Level is not snake_case',
    ]);
  });
});
