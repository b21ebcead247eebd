// Screening without a hub: which offences a case is judged for (its own code and its 案由's
// mapping, schema/offence-map.json), by which rule version (the conduct's), the tax repeat rule
// (priors remove the exemption, amounts still apply), and the start-up report of figures no agency records.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { alertsFor } from '../subgraphs/procuratorate/alerts';
import { candidateOffences, parseOffenceMap, recordedFields, reportUnrecordedFields, unrecordedFieldWarnings } from '../subgraphs/procuratorate/screening';
import type { IndexEvent } from '../kit/messages/index-event';
import { AGENCY_KINDS } from '../subgraphs/agencies/registry';
import { log } from '../kit/log';

const AT = new Date('2026-03-01T02:00:00Z');

function indexEvent(overrides: Partial<IndexEvent>): IndexEvent {
  return {
    caseId: randomUUID(), caseType: 'MarketRegulationCase', version: 1, agencyCode: 'MR-320706', caseNumber: '海市监处罚〔2026〕1号',
    actType: 'ADMINISTRATIVE_PENALTY', offenceCode: null, amountInvolved: null, fineAmount: 10000, decidedAt: AT.toISOString(),
    conductAt: null, cause: null, region: '320706', recordedAt: AT.toISOString(), partyKind: 'ORGANIZATION', partyKey: 'k'.repeat(64),
    figures: {}, attributes: {}, partyCases: [], ...overrides,
  };
}

const thresholdCodes = (e: IndexEvent) => alertsFor(e).filter((a) => a.kind === 'THRESHOLD').map((a) => a.hit.ruleCode).sort();

describe('screening by mapping (schema/offence-map.json)', () => {
  it.each([
    ['a market case selling counterfeit-trademark goods, no code', 'MarketRegulationCase', '销售假冒注册商标的商品', null, AT, ['CL214']],
    ['its own code first, the mapping after, once each', 'MarketRegulationCase', '销售伪劣产品', 'CL140', AT, ['CL140']],
    ['an eco case of unlicensed hazardous-waste business since 法释〔2023〕7号', 'EcoEnvironmentCase', '无证从事危险废物经营', null, AT, ['CL338', 'CL225']],
    ['…before that interpretation: pollution only', 'EcoEnvironmentCase', '无证从事危险废物经营', null, new Date('2022-01-01T00:00:00Z'), ['CL338']],
    ['a market case\'s cause under eco-environment\'s mapping does not count', 'MarketRegulationCase', '超标排放', null, AT, []],
    ['fake drugs', 'MarketRegulationCase', '销售假药', null, AT, ['CL141']],
    ['food with a non-food substance', 'MarketRegulationCase', '在食品中添加非食用物质', null, AT, ['CL144']],
    ['no cause, no code', 'MarketRegulationCase', null, null, AT, []],
  ])('%s', (_label, caseType, cause, offenceCode, at, expected) => {
    expect(candidateOffences({ caseType, cause, offenceCode, at }).sort()).toEqual([...expected].sort());
  });

  it('refuses a mapping to an offence with no rule, naming the file, mapping and field', () => {
    const mapping = { id: 'x', causeContainsAny: ['甲'], offenceCodes: ['CL999'], citation: 'c', verified: false, effectiveFrom: '2020-01-01', effectiveTo: null };
    expect(() => parseOffenceMap({ mappings: [mapping] })).toThrow(/offence-map\.json.*mapping x.*offenceCodes.*CL999/s);
  });

  it('raises a threshold alert by the mapping where the agency named no offence code', () => {
    const e = indexEvent({ cause: '销售假冒注册商标的商品', figures: { salesAmount: 80000, unsoldGoodsValue: null, illegalGain: null, economicLoss: null } });
    const [alert] = alertsFor(e);
    expect(alert).toMatchObject({ kind: 'THRESHOLD', hit: { ruleCode: 'CL214', ruleVersion: '2021', figures: [{ name: 'salesAmount', value: 80000, threshold: 50000 }] } });
  });

  it('judges by the rule at the conduct: a 2007 combination of sales and unsold goods is no crime, the same in 2026 is', () => {
    const figures = { salesAmount: 40000, unsoldGoodsValue: 40000 };
    expect(thresholdCodes(indexEvent({ offenceCode: 'CL140', figures, conductAt: '2007-06-01T00:00:00Z' }))).toEqual([]);
    expect(thresholdCodes(indexEvent({ offenceCode: 'CL140', figures, conductAt: '2026-01-05T00:00:00Z' }))).toEqual(['CL140']);
  });

  it('raises nothing for a case not yet decided', () => {
    expect(alertsFor(indexEvent({ offenceCode: 'CL140', decidedAt: null, figures: { salesAmount: 900000 } }))).toEqual([]);
  });
});

describe('逃税 (刑法 第二百零一条第四款): two prior penalties remove the exemption, the amounts still apply', () => {
  const prior = (decidedAt: string) => ({ caseId: randomUUID(), caseType: 'TaxCase', agencyCode: 'TAX-320706', region: '320706', offenceCode: 'CL201', actType: 'ADMINISTRATIVE_PENALTY', decidedAt });
  const priors = [prior('2022-05-01T00:00:00Z'), prior('2024-05-01T00:00:00Z')];

  it('no alert for priors alone when the amounts are below the threshold', () => {
    expect(alertsFor(indexEvent({ offenceCode: 'CL201', figures: { evadedTax: 20000, taxDue: 100000 }, partyCases: priors }))).toEqual([]);
  });

  it('over the threshold: without priors the alert asks to check payment after notice; with them it need not', () => {
    const figures = { evadedTax: 200000, taxDue: 500000 };
    const [first] = alertsFor(indexEvent({ offenceCode: 'CL201', figures }));
    expect(first).toMatchObject({ kind: 'THRESHOLD', hit: { ruleCode: 'CL201', review: true } });
    const [repeat, ...rest] = alertsFor(indexEvent({ offenceCode: 'CL201', figures, partyCases: priors }));
    expect(rest).toEqual([]);
    expect(repeat).toMatchObject({ kind: 'THRESHOLD', hit: { ruleCode: 'CL201', review: false } });
    expect(repeat.priorCaseIds.sort()).toEqual(priors.map((p) => p.caseId).sort());
    expect(repeat.hit.note).toContain('first-offence exemption does not apply');
  });
});

describe('figures no agency records, reported at start-up', () => {
  afterEach(() => vi.restoreAllMocks());

  it('names each rule in force and the field no agency records', () => {
    const lines = unrecordedFieldWarnings(AT);
    for (const [code, field] of [['CL201', 'evadedTax'], ['CL201', 'taxDue']]) {
      expect(lines.some((l) => l.includes(` ${code} `) && l.includes(` ${field} `)), `${code} ${field}`).toBe(true);
    }
    // Recorded by an agency (应急管理局 and 自然资源局 included) or the kit: not reported.
    for (const field of ['salesAmount', 'hazardousWasteTonnes', 'illegalGain', 'amountInvolved', 'pollutant', 'occupiedBasicFarmlandMu', 'mineralValue', 'deaths', 'directLoss']) {
      expect(lines.filter((l) => l.includes(` ${field} `))).toEqual([]);
    }
  });

  it('stops reporting a figure once an agency records it', () => {
    const withoutLand = recordedFields(AGENCY_KINDS.filter((k) => k.name !== 'natural-resources'));
    expect(unrecordedFieldWarnings(AT, undefined, withoutLand).filter((l) => / CL34[23] /.test(l))).not.toEqual([]);
    const lines = unrecordedFieldWarnings(AT, undefined, recordedFields(AGENCY_KINDS));
    expect(lines.filter((l) => / CL34[23] /.test(l))).toEqual([]);
  });

  it('writes one warning line per rule and field when the procuratorate starts', async () => {
    const warn = vi.spyOn(log, 'warn').mockImplementation(() => {});
    const stop = await reportUnrecordedFields({ name: 'procuratorate', now: () => AT } as any);
    await stop();
    const lines = warn.mock.calls.map((c) => String(c[0]));
    expect(lines.length).toBe(unrecordedFieldWarnings(AT).length);
    expect(lines).toContainEqual(expect.stringMatching(/^thresholds\.json CL201 .* figure evadedTax is recorded by no agency/));
  });
});
