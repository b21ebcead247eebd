// 一月一晒绩, the year (issue 11: "an annual roll-up"): a bureau's frozen months summed, the months
// not frozen named, the scoring rules used listed, the 零执法 months counted; a later reply does
// not change a year's figures, as it does not change the closed months they sum.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOf, monthRange } from '../kit/month';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, seedBureaus, type Caller } from './support/fixtures';

const DAY = 86_400_000;
const YEAR = `query($year: Int!, $region: String) { scorecardYear(year: $year, region: $region) {
  agencyCode year monthsFrozen monthsMissing suggestionsReceived suggestionsReplied suggestionsRectified suggestionsOverdue
  casesEntered zeroEnforcementMonths zeroEnforcementMonthCount scoreRules months { month suggestionsReceived score scoreRule } } }`;
const CARD = `query($code: ID!, $m: String!) { agency(code: $code) { scorecard(month: $m) { score scoreRule suggestionsReceived } } }`;

async function ok(hub: TestHub, query: string, variables: Record<string, unknown> | undefined, caller: Caller): Promise<any> {
  const { data, errors } = await hub.graphql(query, variables, caller);
  expect(errors).toBeUndefined();
  return data;
}

describe('the scorecard of a year', () => {
  let hub: TestHub;
  let month = '';
  let year = 0;
  let unanswered = '';
  const rollUp = async (caller: Caller = callers.justice) => {
    const rows = (await ok(hub, YEAR, { year, region: '320706' }, caller)).scorecardYear as any[];
    return Object.fromEntries(rows.map((r) => [r.agencyCode, r]));
  };
  const monthsOfYear = () => Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

  beforeAll(async () => {
    // Processes: the month just ended is frozen for the bureaus the directory holds when that pass
    // first succeeds (subgraphs/procuratorate/scorecard.ts: "a bureau registered this minute is
    // frozen too"), and this file expects it to have run, empty, before its bureaus are registered.
    // A hub in the test's own process is up before that pass's first retry, so the previous month
    // would be frozen for them too and every figure below would hold one month more.
    hub = await startHub({ processes: true });
    await seedBureaus(hub);
    month = monthOf(new Date());
    // Keep the month open long enough for the setup: near its end, move into the next one.
    if (monthRange(month)!.end.getTime() - Date.now() < DAY) {
      await hub.advanceClock(2 * DAY);
      month = monthOf(new Date(Date.now() + 2 * DAY));
    }
    year = Number(month.slice(0, 4));
    // MR-320706 enters a case and receives two suggestions, answering one with rectification; EE-320706 does nothing.
    await recordMarketCase(hub);
    const issue = async () => (await ok(hub, `mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { id } }`,
      { input: { agencyCode: 'MR-320706', kind: 'CORRECTION', content: '建议规范执法' } }, callers.procurator)).issueSuggestion.id as string;
    const answered = await issue();
    unanswered = await issue();
    await ok(hub, `mutation($id: ID!, $input: SuggestionReplyInput!) { replyToSuggestion(id: $id, input: $input) { status } }`,
      { id: answered, input: { reply: '已整改', rectified: true, rectification: '已建立台账' } }, callers.marketOfficer);
  }, 120_000);
  afterAll(() => hub?.stop());

  it('sums only frozen months: while the month is open nothing is summed and every month is named as missing', async () => {
    const { 'MR-320706': mr } = await rollUp();
    expect(mr).toEqual({
      agencyCode: 'MR-320706', year, monthsFrozen: [], monthsMissing: monthsOfYear(), suggestionsReceived: 0, suggestionsReplied: 0,
      suggestionsRectified: 0, suggestionsOverdue: 0, casesEntered: 0, zeroEnforcementMonths: [], zeroEnforcementMonthCount: 0, scoreRules: [], months: [],
    });
  });

  it('sums the month once frozen, counts the 零执法 months, names the rule, and keeps the figures when a late reply arrives', async () => {
    await hub.advanceClock(monthRange(month)!.end.getTime() - Date.now() + DAY);
    const year1 = await eventually(async () => {
      const rows = await rollUp();
      return rows['MR-320706'].monthsFrozen.includes(month) && rows['EE-320706'].monthsFrozen.includes(month) ? rows : undefined;
    }, 15_000, `the freeze of ${month}`);
    const { 'MR-320706': mr, 'EE-320706': ee } = year1;
    const card = (await ok(hub, CARD, { code: 'MR-320706', m: month }, callers.justice)).agency.scorecard;
    expect(mr).toMatchObject({
      monthsFrozen: [month], monthsMissing: monthsOfYear().filter((m) => m !== month),
      suggestionsReceived: 2, suggestionsReplied: 1, suggestionsRectified: 1, suggestionsOverdue: 0, casesEntered: 1,
      zeroEnforcementMonths: [], zeroEnforcementMonthCount: 0, scoreRules: [card.scoreRule],
      // The month's scorecard as the monthly query shows it.
      months: [{ month, suggestionsReceived: 2, score: card.score, scoreRule: card.scoreRule }],
    });
    expect(ee).toMatchObject({ monthsFrozen: [month], suggestionsReceived: 0, casesEntered: 0, zeroEnforcementMonths: [month], zeroEnforcementMonthCount: 1 });

    // A reply given now counts in the month it is given, not in the closed one the year sums.
    await ok(hub, `mutation($id: ID!, $input: SuggestionReplyInput!) { replyToSuggestion(id: $id, input: $input) { status } }`,
      { id: unanswered, input: { reply: '暂不整改', rectified: false } }, callers.marketOfficer);
    const later = await rollUp();
    expect(later['MR-320706']).toEqual(mr);
    // Procurators read the same roll-up.
    expect((await rollUp(callers.procurator))['MR-320706']).toEqual(later['MR-320706']);
  });

  it.each([
    ['a year before 2000', { year: 1999 }, 'year', 'range'],
    ['a year not begun', { year: 2101 }, 'year', 'range'],
    ['a region that is not a code', { year: 2026, region: '32' }, 'region', 'regionCode'],
  ])('refuses %s', async (_, variables, field, rule) => {
    const { errors } = await hub.graphql(YEAR, variables, callers.procurator);
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field, rule });
  });

  it('refuses a year not begun, and the public', async () => {
    // Two years on: the hub's clock has moved a month at most, so that year has not begun.
    const next = await hub.graphql(YEAR, { year: year + 2 }, callers.procurator);
    expect(next.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year', rule: 'notInFuture' });
    const anonymous = await hub.graphql(YEAR, { year }, { role: 'public' });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });
});
