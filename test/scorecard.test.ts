// 一月一晒绩 that ranks fairly (issue 11): a bureau that enforced nothing in the month (零执法) is
// flagged and not ranked above one with activity; each score is explained with the rule version
// (schema/scorecard.json); a closed month's figures are frozen, so a late case or a later reply
// does not change them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_HEADER } from '../kit/identity';
import { monthOf, monthRange } from '../kit/month';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, seedBureaus, type Caller } from './support/fixtures';

const DAY = 86_400_000;
// The rule in force since 2026-11 (schema/scorecard.json): the suggestions' deductions and the justice bureau's opinions'.
const CURRENT_RULE = 'kuiwen-2022-monthly-v2';
const SCORECARD = `query($code: ID!, $m: String!) { agency(code: $code) { scorecard(month: $m) {
  casesEntered zeroEnforcement casesEnteredFrozenAt suggestionsReceived suggestionsReplied suggestionsRectified suggestionsOverdue
  score scoreRule scoreTerms { measure count points deducted } suggestionsFrozenAt } } }`;
const RANKING = `query($m: String!, $region: String) { scorecardRanking(month: $m, region: $region) {
  rank zeroEnforcement explanation scorecard { agencyCode casesEntered score } } }`;

async function ok(hub: TestHub, query: string, variables: Record<string, unknown> | undefined, caller: Caller): Promise<any> {
  const { data, errors } = await hub.graphql(query, variables, caller);
  expect(errors).toBeUndefined();
  return data;
}

describe('the monthly scorecard ranks fairly', () => {
  let hub: TestHub;
  let month = '';
  const card = async (code: string, m = month) => (await ok(hub, SCORECARD, { code, m }, callers.justice)).agency.scorecard;
  const ranking = async (m = month) => (await ok(hub, RANKING, { m, region: '320706' }, callers.procurator)).scorecardRanking;
  const issue = async (agencyCode: string) => (await ok(hub, `mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { id } }`,
    { input: { agencyCode, kind: 'CORRECTION', content: '建议规范执法' } }, callers.procurator)).issueSuggestion.id as string;
  let openSuggestion = '';

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    month = monthOf(new Date());
    // Keep the month open long enough for the setup: near its end, move into the next one.
    if (monthRange(month)!.end.getTime() - Date.now() < DAY) {
      await hub.advanceClock(2 * DAY);
      month = monthOf(new Date(Date.now() + 2 * DAY));
    }
    // MR-320706 enforces (one case) and receives three suggestions, answering one with rectification.
    // EE-320706 enters no case and receives nothing: its score deducts nothing.
    await recordMarketCase(hub);
    const first = await issue('MR-320706');
    await ok(hub, `mutation($id: ID!, $input: SuggestionReplyInput!) { replyToSuggestion(id: $id, input: $input) { status } }`,
      { id: first, input: { reply: '已整改', rectified: true, rectification: '已建立台账' } }, callers.marketOfficer);
    await issue('MR-320706');
    openSuggestion = await issue('MR-320706');
  }, 120_000);
  afterAll(() => hub?.stop());

  it('flags a bureau with no case in the month (零执法) and ranks it below a bureau with activity, explaining each score', async () => {
    const ee = await card('EE-320706');
    expect(ee).toMatchObject({ casesEntered: 0, zeroEnforcement: true, suggestionsReceived: 0, score: 100, scoreRule: CURRENT_RULE });
    const mr = await card('MR-320706');
    expect(mr).toMatchObject({ casesEntered: 1, zeroEnforcement: false, suggestionsReceived: 3, suggestionsReplied: 1, suggestionsRectified: 1, score: 94 });
    expect(mr.scoreTerms).toEqual([
      { measure: 'suggestionsReceived', count: 3, points: 2, deducted: 6 },
      { measure: 'suggestionsOverdue', count: 0, points: 5, deducted: 0 },
      { measure: 'suggestionsNotRectified', count: 0, points: 3, deducted: 0 },
      // From kuiwen-2022-monthly-v2 the justice bureau's opinions count too (none here).
      { measure: 'opinionsReceived', count: 0, points: 2, deducted: 0 },
      { measure: 'opinionsOverdue', count: 0, points: 5, deducted: 0 },
      { measure: 'opinionsNotRectified', count: 0, points: 3, deducted: 0 },
      { measure: 'caseFileReviewsFailed', count: 0, points: 5, deducted: 0 },
    ]);

    const ranked = await ranking();
    expect(ranked.map((r: any) => [r.rank, r.scorecard.agencyCode, r.scorecard.score, r.zeroEnforcement])).toEqual([
      [1, 'MR-320706', 94, false],
      [2, 'EE-320706', 100, true],
    ]);
    expect(ranked[0].explanation).toBe(`1 case(s) entered. Score 100 − 2 × 3 suggestionsReceived = 94 (rule ${CURRENT_RULE})`);
    expect(ranked[1].explanation).toMatch(new RegExp(`^零执法: no case entered in \\d{4}-\\d{2}; listed after every bureau with activity\\. Score 100 = 100 \\(rule ${CURRENT_RULE}\\)$`));
  });

  it("freezes a month when it closes: a late case and a later reply do not change its figures", async () => {
    const before = await card('MR-320706');
    expect(before.suggestionsFrozenAt).toBeNull();
    expect(before.casesEnteredFrozenAt).toBeNull();
    const rankedBefore = await ranking();

    // Past the month's end: the freeze watches of justice and the procuratorate store the month on
    // their own, before anyone reads it.
    await hub.advanceClock(monthRange(month)!.end.getTime() - Date.now() + DAY);
    for (const owner of ['justice', 'procuratorate']) {
      const db = await hub.ownerDatabase(owner);
      try {
        const frozen = await eventually(async () => {
          const { rows } = await db.query(`SELECT agency_code, rule_version FROM scorecard_frozen WHERE month = $1 ORDER BY agency_code`, [month]);
          return rows.some((r) => r.agency_code === 'MR-320706') && rows.some((r) => r.agency_code === 'EE-320706') ? rows : undefined;
        }, 10_000, `${owner}'s freeze of ${month}`);
        expect(frozen.every((r) => r.rule_version === CURRENT_RULE)).toBe(true);
      } finally {
        await db.end();
      }
    }

    // A late case: the bureau recorded it within the month, its index event arrives only now (a
    // relay held up), and the index takes it.
    const caseId = randomUUID();
    const recordedAt = new Date(monthRange(month)!.end.getTime() - 3_600_000).toISOString();
    const response = await fetch(`${hub.subgraphUrls.justice}/internal/case-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await hub.keys.asOwner('market-regulation', 'justice') },
      body: JSON.stringify({ events: [{
        eventId: randomUUID(), caseId, caseType: 'MarketRegulationCase', version: 1, agencyCode: 'MR-320706', caseNumber: `late-${caseId}`,
        actType: 'ADMINISTRATIVE_PENALTY', cause: '迟到的案件', offenceCode: null, amountInvolved: 1000, fineAmount: 500, decidedAt: null,
        region: '320706', recordedAt, party: null, figures: {},
      }] }),
    });
    expect(response.status).toBe(200);
    const indexed = await ok(hub, `query($id: ID!) { case(id: $id) { id recordedAt } }`, { id: caseId }, callers.procurator);
    expect(indexed.case).toEqual({ id: caseId, recordedAt });
    // A reply given now, after the month closed.
    await ok(hub, `mutation($id: ID!, $input: SuggestionReplyInput!) { replyToSuggestion(id: $id, input: $input) { status } }`,
      { id: openSuggestion, input: { reply: '经研究，暂不整改', rectified: false } }, callers.marketOfficer);

    const after = await card('MR-320706');
    expect(after).toEqual({ ...before, suggestionsFrozenAt: expect.any(String), casesEnteredFrozenAt: expect.any(String) });
    expect(await card('EE-320706')).toMatchObject({ casesEntered: 0, zeroEnforcement: true });
    expect(await ranking()).toEqual(rankedBefore);
    // The reply counts in the month it was given.
    const next = monthOf(new Date(monthRange(month)!.end.getTime() + DAY));
    expect(await card('MR-320706', next)).toMatchObject({ suggestionsReceived: 0, suggestionsReplied: 1, suggestionsRectified: 0, suggestionsFrozenAt: null });
  });

  it("counts the justice bureau's supervision opinions in the score through federation, and the ranking names the deductions", async () => {
    // The hub is a day into the month after `month` (the test before moved it there).
    const next = monthOf(new Date(monthRange(month)!.end.getTime() + DAY));
    const start = monthRange(next)!.start.getTime();
    const opinion = async (dueAt: number) => (await ok(hub, `mutation($input: SupervisionOpinionInput!) { issueSupervisionOpinion(input: $input) { id } }`,
      { input: { agencyCode: 'MR-320706', ground: 'ABUSED_DISCRETION', facts: '同类违法行为罚款数额明显不一致', requirement: '规范行使行政处罚裁量权',
        rectificationDueAt: new Date(dueAt).toISOString() } }, callers.justice)).issueSupervisionOpinion.id as string;
    // One opinion left unanswered past its deadline, one answered and verified as insufficiently rectified.
    await opinion(start + 5 * DAY);
    const answered = await opinion(start + 20 * DAY);
    await ok(hub, `mutation($id: ID!, $input: SupervisionOpinionReplyInput!) { replyToSupervisionOpinion(id: $id, input: $input) { status } }`,
      { id: answered, input: { reply: '已部分整改', rectified: true } }, callers.marketOfficer);
    await ok(hub, `mutation($id: ID!) { verifySupervisionOpinion(id: $id, outcome: INSUFFICIENT, note: "裁量基准仍未公开") { status } }`, { id: answered }, callers.justice);
    await hub.advanceClock(5 * DAY);

    const mr = await card('MR-320706', next);
    // The reply to the open suggestion (the test before) counts this month: 3 points.
    expect(mr).toMatchObject({ suggestionsReplied: 1, suggestionsRectified: 0, scoreRule: CURRENT_RULE, score: 100 - 3 - 2 * 2 - 5 - 3 });
    expect(mr.scoreTerms.filter((t: any) => t.measure.startsWith('opinions'))).toEqual([
      { measure: 'opinionsReceived', count: 2, points: 2, deducted: 4 },
      { measure: 'opinionsOverdue', count: 1, points: 5, deducted: 5 },
      { measure: 'opinionsNotRectified', count: 1, points: 3, deducted: 3 },
    ]);
    const figures = await ok(hub, `query($code: ID!, $m: String!) { agency(code: $code) { scorecard(month: $m) {
      opinionsReceived opinionsReplied opinionsOverdue opinionsNotRectified } } }`, { code: 'MR-320706', m: next }, callers.procurator);
    expect(figures.agency.scorecard).toEqual({ opinionsReceived: 2, opinionsReplied: 1, opinionsOverdue: 1, opinionsNotRectified: 1 });

    const ranked = await ranking(next);
    const entry = ranked.find((r: any) => r.scorecard.agencyCode === 'MR-320706');
    expect(entry.scorecard.score).toBe(85);
    expect(entry.explanation).toContain(
      `Score 100 − 3 × 1 suggestionsNotRectified − 2 × 2 opinionsReceived − 5 × 1 opinionsOverdue − 3 × 1 opinionsNotRectified = 85 (rule ${CURRENT_RULE})`);
  });

  it('scores a month before the opinions counted by the rule in force then (kuiwen-2022-monthly), which does not weigh them', async () => {
    const october = await card('MR-320706', '2026-10');
    expect(october.scoreRule).toBe('kuiwen-2022-monthly');
    expect(october.scoreTerms.map((t: any) => t.measure)).toEqual(['suggestionsReceived', 'suggestionsOverdue', 'suggestionsNotRectified']);
  });
});
