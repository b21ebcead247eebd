// Rules and fields agree: a threshold rule that reads a field no agency records, or an agency of
// the kind the rule names that records it under another name, fails here and in `npm run compose`
// (scripts/rule-fields.ts), instead of composing fine and never raising the alert. Pure: no hub.
import { describe, expect, it } from 'vitest';
import { checkRuleFields, readRecordedBy } from '../scripts/rule-fields';
import { RULES, type Rules } from '../subgraphs/procuratorate/thresholds';
import { AGENCY_KINDS, type AgencyKind } from '../subgraphs/agencies/registry';

const CL134: Pick<Rules, 'thresholds'> = {
  thresholds: [{
    offenceCode: 'CL134', offence: '重大责任事故罪',
    versions: [{
      version: '2015', effectiveFrom: '2015-12-16', effectiveTo: null, citation: '法释〔2015〕22号', verified: false,
      condition: { any: [{ figure: 'deaths', gte: 1 }, { figure: 'seriousInjuries', gte: 3 }, { figure: 'directLoss', gte: 1_000_000 }] },
    }],
  }],
};
const RECORDED_BY = { deaths: ['EMERGENCY_MANAGEMENT'], seriousInjuries: ['EMERGENCY_MANAGEMENT'], directLoss: ['EMERGENCY_MANAGEMENT'] };
const emergency = (figures: string[]): AgencyKind => ({
  name: 'emergency-management', kind: 'EMERGENCY_MANAGEMENT', caseType: 'EmergencyManagementCase', label: '应急管理局', figures, attributes: [],
});

describe('threshold rules and agency fields', () => {
  it('agree in this repository: every field a rule reads is recorded by every registered agency of the kinds named for it', () => {
    expect(checkRuleFields(RULES, readRecordedBy(), AGENCY_KINDS).problems).toEqual([]);
  });

  it('an agency that records directEconomicLoss instead of directLoss fails, rule, field and agency named', () => {
    const { problems } = checkRuleFields(CL134, RECORDED_BY, [emergency(['deaths', 'seriousInjuries', 'directEconomicLoss'])]);
    expect(problems).toEqual([
      'thresholds.json CL134 (重大责任事故罪) version 2015: figure directLoss is not recorded by agency emergency-management (EMERGENCY_MANAGEMENT), which records deaths, seriousInjuries, directEconomicLoss',
    ]);
  });

  it('a rule that reads a field no kind of agency records (a misspelt figure) fails', () => {
    const misspelt = structuredClone(CL134);
    (misspelt.thresholds[0].versions[0].condition as any).any[2].figure = 'directLos';
    const { problems } = checkRuleFields(misspelt, RECORDED_BY, [emergency(['deaths', 'seriousInjuries', 'directLoss'])]);
    expect(problems).toEqual(['thresholds.json CL134 (重大责任事故罪) version 2015: figure directLos is recorded by no agency kind (thresholds.json recordedBy names none)']);
  });

  it('a text field the rule reads is held to the same: eco-environment without pollutant fails', () => {
    const cl338 = RULES.thresholds.filter((s) => s.offenceCode === 'CL338');
    const ee = AGENCY_KINDS.find((k) => k.kind === 'ECO_ENVIRONMENT')!;
    const { problems } = checkRuleFields({ thresholds: cl338 }, readRecordedBy(), [{ ...ee, attributes: ['pollutantName'] }]);
    expect(problems).toHaveLength(2); // both versions of 污染环境罪
    expect(problems[0]).toMatch(/CL338 .*attribute pollutant is not recorded by agency eco-environment/);
  });

  it('a kind that runs no agency yet only waits (the rule cannot be met until one is onboarded)', () => {
    const report = checkRuleFields(CL134, RECORDED_BY, []);
    expect(report.problems).toEqual([]);
    expect(report.waiting).toContain('thresholds.json CL134 (重大责任事故罪) version 2015: figure directLoss waits for an agency of kind EMERGENCY_MANAGEMENT');
  });

  it('the kit\'s own figures need no kind: every agency records them', () => {
    const kitOnly: Pick<Rules, 'thresholds'> = { thresholds: [{ ...CL134.thresholds[0], versions: [{ ...CL134.thresholds[0].versions[0], condition: { figure: 'illegalGain', gte: 1 } }] }] };
    expect(checkRuleFields(kitOnly, {}, [])).toEqual({ problems: [], waiting: [] });
  });
});
