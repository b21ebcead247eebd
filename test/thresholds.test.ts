// The prosecution-threshold evaluator against schema/thresholds.json, without a hub: table-driven.
// Expectations are the domain brief's thresholds written out by hand, not read from the rule file.
import { describe, expect, it } from 'vitest';
import {
  evaluateCondition, evaluateRepeat, evaluateThreshold, parseRules, RULES, versionAt, yearsBefore,
  type CaseFacts, type Condition, type PartyCase, type Rules,
} from '../subgraphs/procuratorate/thresholds';

const DECIDED = new Date('2026-03-01T02:00:00Z');

function facts(offenceCode: string, figures: Record<string, number>, more: Partial<CaseFacts> = {}): CaseFacts {
  const { amountInvolved = null, fineAmount = null, ...rest } = { ...figures } as Record<string, number | null>;
  return {
    offenceCode, region: '320706', partyKind: 'NATURAL_PERSON', decidedAt: DECIDED, recordedAt: DECIDED,
    amountInvolved, fineAmount, figures: rest as Record<string, number>, attributes: {}, ...more,
  };
}

// [label, facts, expected rule version or null when no threshold is met]
const THRESHOLD_CASES: [string, CaseFacts, string | null][] = [
  ['CL140 sales 60,000', facts('CL140', { salesAmount: 60000 }), '2008'],
  ['CL140 sales 50,000 exactly (≥)', facts('CL140', { salesAmount: 50000 }), '2008'],
  ['CL140 sales 49,999, nothing unsold', facts('CL140', { salesAmount: 49999, unsoldGoodsValue: 0 }), null],
  ['CL140 unsold 150,000', facts('CL140', { salesAmount: 0, unsoldGoodsValue: 150000 }), '2008'],
  ['CL140 sales 40,000 ×3 + unsold 30,000 = 150,000', facts('CL140', { salesAmount: 40000, unsoldGoodsValue: 30000 }), '2008'],
  ['CL140 sales 30,000 ×3 + unsold 50,000 = 140,000', facts('CL140', { salesAmount: 30000, unsoldGoodsValue: 50000 }), null],
  ['CL140 combination before 2008-06-25 (older version has none)', facts('CL140', { salesAmount: 40000, unsoldGoodsValue: 40000 }, { decidedAt: new Date('2008-06-24T10:00:00Z') }), null],
  ['CL140 combination on 2008-06-25 00:00 CST', facts('CL140', { salesAmount: 40000, unsoldGoodsValue: 40000 }, { decidedAt: new Date('2008-06-24T16:00:00Z') }), '2008'],
  ['CL140 sales 60,000 in 2005: the 2001 version', facts('CL140', { salesAmount: 60000 }, { decidedAt: new Date('2005-01-01T00:00:00Z') }), '2001'],
  ['CL140 before any version (1999)', facts('CL140', { salesAmount: 600000 }, { decidedAt: new Date('1999-01-01T00:00:00Z') }), null],
  ['CL140 undecided: judged at recording', facts('CL140', { salesAmount: 60000 }, { decidedAt: null }), '2008'],
  ['CL225 person, turnover 50,000', facts('CL225', { amountInvolved: 50000 }), '2022'],
  ['CL225 organisation, turnover 50,000', facts('CL225', { amountInvolved: 50000 }, { partyKind: 'ORGANIZATION' }), null],
  ['CL225 organisation, turnover 500,000', facts('CL225', { amountInvolved: 500000 }, { partyKind: 'ORGANIZATION' }), '2022'],
  ['CL225 organisation, gain 100,000', facts('CL225', { amountInvolved: 1000, illegalGain: 100000 }, { partyKind: 'ORGANIZATION' }), '2022'],
  ['CL225 person, gain 10,000', facts('CL225', { illegalGain: 10000 }), '2022'],
  ['CL225 party unknown, turnover 900,000', facts('CL225', { amountInvolved: 900000 }, { partyKind: null }), null],
  ['CL225 in 2015: the 2010 version', facts('CL225', { amountInvolved: 60000 }, { decidedAt: new Date('2015-05-01T00:00:00Z') }), '2010'],
  ['CL338 hazardous waste 3 t', facts('CL338', { hazardousWasteTonnes: 3 }), '2023'],
  ['CL338 hazardous waste 2.9 t', facts('CL338', { hazardousWasteTonnes: 2.9 }), null],
  ['CL338 六价铬 3× the standard', facts('CL338', { exceedanceMultiple: 3 }, { attributes: { pollutant: '六价铬' } }), '2023'],
  ['CL338 Pb 3×', facts('CL338', { exceedanceMultiple: 3.2 }, { attributes: { pollutant: 'Pb' } }), '2023'],
  ['CL338 镍 3× (needs 10×)', facts('CL338', { exceedanceMultiple: 3 }, { attributes: { pollutant: '镍' } }), null],
  ['CL338 镍 10×', facts('CL338', { exceedanceMultiple: 10 }, { attributes: { pollutant: '总镍' } }), '2023'],
  ['CL338 COD 20× (no multiple rule)', facts('CL338', { exceedanceMultiple: 20 }, { attributes: { pollutant: 'COD' } }), null],
  ['CL338 VOCs 20× (V is a token, not a letter)', facts('CL338', { exceedanceMultiple: 20 }, { attributes: { pollutant: 'VOCs' } }), null],
  ['CL338 multiple without a pollutant', facts('CL338', { exceedanceMultiple: 20 }), null],
  ['CL338 in 2020: the 2017 version', facts('CL338', { hazardousWasteTonnes: 4 }, { decidedAt: new Date('2020-01-01T00:00:00Z') }), '2017'],
  ['CL343 mineral value 100,000', facts('CL343', { mineralValue: 100000 }), '2016'],
  ['CL343 mineral value 99,999', facts('CL343', { mineralValue: 99999 }), null],
  ['CL201 evaded 100,000 of 500,000 due (20%)', facts('CL201', { evadedTax: 100000, taxDue: 500000 }), '2022'],
  ['CL201 evaded 100,000 of 2,000,000 due (5%)', facts('CL201', { evadedTax: 100000, taxDue: 2000000 }), null],
  ['CL201 evaded 60,000 of 100,000 in 2026 (needs 100,000)', facts('CL201', { evadedTax: 60000, taxDue: 100000 }), null],
  ['CL201 evaded 60,000 of 100,000 in 2020 (2010 version: 50,000)', facts('CL201', { evadedTax: 60000, taxDue: 100000 }, { decidedAt: new Date('2020-06-01T00:00:00Z') }), '2010'],
  ['CL134 one death', facts('CL134', { deaths: 1 }), '2015'],
  ['CL134 three serious injuries', facts('CL134', { seriousInjuries: 3 }), '2015'],
  ['CL134 loss 800,000 in 2026 (needs 1,000,000)', facts('CL134', { directLoss: 800000 }), null],
  ['CL134 loss 800,000 in 2012 (2008 version: 500,000)', facts('CL134', { directLoss: 800000 }, { decidedAt: new Date('2012-01-01T00:00:00Z') }), '2008'],
  ['CL213 turnover 50,000', facts('CL213', { amountInvolved: 50000 }), '2004'],
  ['CL213 gain 30,000', facts('CL213', { illegalGain: 30000 }), '2004'],
  ['CL213 turnover 40,000, gain 20,000', facts('CL213', { amountInvolved: 40000, illegalGain: 20000 }), null],
  ['CL143 qualitative: by offence code alone', facts('CL143', {}), '2021'],
  ['CL214 sales 50,000 in 2026', facts('CL214', { salesAmount: 50000 }), '2021'],
  ['CL214 gain 30,000 in 2026 (since 刑法修正案（十一）)', facts('CL214', { illegalGain: 30000, salesAmount: 10000 }), '2021'],
  ['CL214 gain 30,000 in 2019 (then: sales only)', facts('CL214', { illegalGain: 30000, salesAmount: 10000 }, { decidedAt: new Date('2019-01-01T00:00:00Z') }), null],
  ['CL214 sales 49,999', facts('CL214', { salesAmount: 49999 }), null],
  ['CL144 qualitative', facts('CL144', {}), '2021'],
  ['CL141 fake drugs: qualitative since 2011-05-01', facts('CL141', {}), '2011'],
  ['CL141 before 2011-05-01 (no version)', facts('CL141', {}, { decidedAt: new Date('2010-01-01T00:00:00Z') }), null],
  ['CL142 substandard drugs: review of the harm', facts('CL142', {}), '1997'],
  ['CL134-1 dangerous operations: review of the danger', facts('CL134-1', {}), '2021'],
  ['CL342 basic farmland 5 mu', facts('CL342', { occupiedBasicFarmlandMu: 5 }), '2000'],
  ['CL342 other farmland 9 mu', facts('CL342', { occupiedFarmlandMu: 9 }), null],
  // 从旧兼从轻: the rule at the conduct applies, unless the one at the decision no longer makes it a crime.
  ['CL140 combination, conduct in 2007, decided 2026: the 2001 rule (none)', facts('CL140', { salesAmount: 40000, unsoldGoodsValue: 40000 }, { conductAt: new Date('2007-06-01T00:00:00Z') }), null],
  ['CL140 sales 60,000, conduct in 2005: the 2001 rule', facts('CL140', { salesAmount: 60000 }, { conductAt: new Date('2005-06-01T00:00:00Z') }), '2001'],
  ['CL201 evaded 60,000, conduct in 2020, decided 2026: met then, not now (从轻)', facts('CL201', { evadedTax: 60000, taxDue: 100000 }, { conductAt: new Date('2020-06-01T00:00:00Z') }), null],
  ['CL134 loss 800,000, conduct in 2012, decided 2026: the 2015 rule is lighter', facts('CL134', { directLoss: 800000 }, { conductAt: new Date('2012-01-01T00:00:00Z') }), null],
  ['no offence code', { ...facts('CL140', { salesAmount: 900000 }), offenceCode: null }, null],
  ['an offence without rules', facts('CL999', { salesAmount: 900000 }), null],
];

describe('prosecution thresholds (schema/thresholds.json)', () => {
  it('the rule file parses, and covers the eight offences of the domain brief and those the agencies transfer most', () => {
    expect(RULES.thresholds.map((s) => s.offenceCode).sort()).toEqual(
      ['CL134', 'CL134-1', 'CL140', 'CL141', 'CL142', 'CL143', 'CL144', 'CL201', 'CL213', 'CL214', 'CL225', 'CL338', 'CL342', 'CL343']);
    for (const set of [...RULES.thresholds, ...RULES.repeatOffender]) {
      for (const v of set.versions) expect(v.citation, `${set.offenceCode} ${v.version}`).toBeTruthy();
    }
  });

  it.each(THRESHOLD_CASES)('%s', (_label, input, version) => {
    const hit = evaluateThreshold(input);
    if (version === null) expect(hit).toBeNull();
    else expect(hit).toMatchObject({ ruleCode: input.offenceCode, ruleVersion: version });
  });

  it('reports the figures that met the rule, with their thresholds and the citation', () => {
    const hit = evaluateThreshold(facts('CL140', { salesAmount: 60000 }))!;
    expect(hit.figures).toEqual([
      { name: 'salesAmount', value: 60000, threshold: 50000 },
      { name: 'salesAmount×3+unsoldGoodsValue', value: 180000, threshold: 150000 },
    ]);
    expect(hit.citation).toContain('公通字〔2008〕36号');
    expect(hit.review).toBe(false);
  });

  it('flags qualitative offences and conditions the index cannot see for review, with a note', () => {
    const food = evaluateThreshold(facts('CL143', {}))!;
    expect(food).toMatchObject({ review: true, figures: [] });
    expect(food.note).toBeTruthy();
    const tax = evaluateThreshold(facts('CL201', { evadedTax: 200000, taxDue: 400000 }))!;
    expect(tax.review).toBe(true);
    expect(evaluateThreshold(facts('CL338', { hazardousWasteTonnes: 5 }))!.review).toBe(false);
  });

  it('prefers a province\'s own version over the national one', () => {
    const rules: Rules = parseRules({
      thresholds: [{
        offenceCode: 'CL343', offence: '非法采矿罪', versions: [
          { version: 'national', effectiveFrom: '2016-12-01', effectiveTo: null, citation: 'n', verified: false, condition: { figure: 'mineralValue', gte: 100000 } },
          { version: 'jiangsu', regions: ['32'], effectiveFrom: '2017-01-01', effectiveTo: null, citation: 'js', verified: false, condition: { figure: 'mineralValue', gte: 200000 } },
        ],
      }],
      repeatOffender: [],
    });
    expect(evaluateThreshold(facts('CL343', { mineralValue: 150000 }), rules)).toBeNull();
    expect(evaluateThreshold(facts('CL343', { mineralValue: 150000 }, { region: '411302' }), rules)).toMatchObject({ ruleVersion: 'national' });
    expect(versionAt(rules.thresholds[0], DECIDED, '320706')?.version).toBe('jiangsu');
  });

  it('rejects malformed rule data at load', () => {
    const version = { version: 'a', effectiveFrom: '2020-01-01', effectiveTo: null, citation: 'c', verified: false };
    expect(() => parseRules({ thresholds: [{ offenceCode: 'X', versions: [{ ...version, condition: { figure: 'x' } }] }], repeatOffender: [] })).toThrow(/figure, gte/);
    expect(() => parseRules({ thresholds: [{ offenceCode: 'X', versions: [{ ...version, condition: { between: 1 } }] }], repeatOffender: [] })).toThrow(/unknown condition/);
    expect(() => parseRules({
      thresholds: [{ offenceCode: 'X', versions: [{ ...version, condition: { offenceCodeOnly: true } }, { ...version, version: 'b', effectiveFrom: '2021-01-01', condition: { offenceCodeOnly: true } }] }],
      repeatOffender: [],
    })).toThrow(/overlap/);
  });

  it('treats a missing figure as not met, and an absent sum term as 0 only beside a known one', () => {
    expect(evaluateCondition({ figure: 'salesAmount', gte: 0 }, facts('CL140', {})).met).toBe(false);
    const sum: Condition = { sum: [{ figure: 'a', times: 3 }, { figure: 'b' }], gte: 9 };
    expect(evaluateCondition(sum, facts('X', { a: 3 })).met).toBe(true);
    expect(evaluateCondition(sum, facts('X', {})).met).toBe(false);
  });
});

const penalty = (caseId: string, offenceCode: string, decidedAt: string, actType = 'ADMINISTRATIVE_PENALTY'): PartyCase =>
  ({ caseId, offenceCode, actType, decidedAt: new Date(decidedAt), region: '320706' });

// [label, the party's cases, ids expected to be judged repeat offences]
const REPEAT_CASES: [string, PartyCase[], string[]][] = [
  ['two CL225 penalties within 2 years, then a third', [penalty('a', 'CL225', '2024-06-01'), penalty('b', 'CL225', '2025-06-01'), penalty('c', 'CL225', '2026-03-01')], ['c']],
  ['one prior is not enough', [penalty('a', 'CL225', '2025-06-01'), penalty('c', 'CL225', '2026-03-01')], []],
  ['a prior older than 2 years does not count', [penalty('a', 'CL225', '2024-02-28'), penalty('b', 'CL225', '2025-06-01'), penalty('c', 'CL225', '2026-03-01')], []],
  ['exactly 2 years before counts', [penalty('a', 'CL225', '2024-03-01T02:00:00Z'), penalty('b', 'CL225', '2025-06-01'), penalty('c', 'CL225', '2026-03-01T02:00:00Z')], ['c']],
  ['priors of another offence do not count', [penalty('a', 'CL140', '2025-01-01'), penalty('b', 'CL225', '2025-06-01'), penalty('c', 'CL225', '2026-03-01')], []],
  ['an inspection is not a penalty', [penalty('a', 'CL225', '2025-01-01', 'ADMINISTRATIVE_INSPECTION'), penalty('b', 'CL225', '2025-06-01'), penalty('c', 'CL225', '2026-03-01')], []],
  // 刑法 第二百零一条第四款: two tax penalties within 5 years remove the exemption; they make no crime by themselves.
  ['tax: 2 priors within 5 years make no crime alone (the amounts still apply)', [penalty('a', 'CL201', '2022-01-01'), penalty('b', 'CL201', '2023-01-01'), penalty('c', 'CL201', '2026-03-01')], []],
  ['CL140 has no repeat rule', [penalty('a', 'CL140', '2025-01-01'), penalty('b', 'CL140', '2025-06-01'), penalty('c', 'CL140', '2026-03-01')], []],
  ['four penalties: the third and the fourth', [penalty('a', 'CL343', '2025-01-01'), penalty('b', 'CL343', '2025-03-01'), penalty('c', 'CL343', '2025-06-01'), penalty('d', 'CL343', '2026-01-01')], ['c', 'd']],
];

describe('repeat offenders', () => {
  it.each(REPEAT_CASES)('%s', (_label, cases, expected) => {
    expect(evaluateRepeat(cases).map((h) => h.caseId).sort()).toEqual(expected);
  });

  it('names the priors, the rule version and the count against the minimum', () => {
    const [hit] = evaluateRepeat([penalty('a', 'CL225', '2024-06-01'), penalty('b', 'CL225', '2025-06-01'), penalty('c', 'CL225', '2026-03-01')]);
    expect(hit).toMatchObject({ caseId: 'c', ruleCode: 'CL225', ruleVersion: '2022', priorCaseIds: ['a', 'b'], figures: [{ name: 'priorPenalties', value: 2, threshold: 2 }] });
    expect(hit.citation).toContain('二年内');
  });

  it('tax: 2 priors within 5 years remove the first-offence exemption (a removesExemption hit), older ones do not', () => {
    const within = [penalty('a', 'CL201', '2022-01-01'), penalty('b', 'CL201', '2023-01-01'), penalty('c', 'CL201', '2026-03-01')];
    expect(evaluateRepeat(within, RULES, undefined, 'removesExemption').map((h) => [h.caseId, h.priorCaseIds])).toEqual([['c', ['a', 'b']]]);
    const older = [penalty('a', 'CL201', '2020-01-01'), penalty('b', 'CL201', '2023-01-01'), penalty('c', 'CL201', '2026-03-01')];
    expect(evaluateRepeat(older, RULES, undefined, 'removesExemption')).toEqual([]);
  });

  it('counts years in China Standard Time, 29 February to 28 February', () => {
    expect(yearsBefore(new Date('2028-02-28T16:30:00Z'), 2).toISOString()).toBe('2026-02-27T16:30:00.000Z'); // 29 Feb 2028 00:30 CST → 28 Feb 2026 00:30 CST
  });
});
