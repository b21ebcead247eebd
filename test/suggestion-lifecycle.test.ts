// A procuratorial suggestion whole (issue 11), through the gateway: the chain from service to the
// justice bureau's result; a typical problem copied to the justice bureau at issuance (双向通报,
// seed 001); and a public-interest suggestion that moves to the litigation stage (提起公益诉讼,
// 公益诉讼解释 第二十一条) instead of going to the justice bureau.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, seedBureaus, type Caller } from './support/fixtures';

const HOUR = 3_600_000;
// What both sides read; the justice bureau's matter (supervision:read) is read by the procurator only.
const FIELDS = `id status typical overdue receivedAt replyDueAt review verification
  litigation { reason since decision decisionReason decidedAt }
  escalation { reason status result resultAt }`;
const SUGGESTION = `query($id: ID!) { suggestion(id: $id) { ${FIELDS} escalation { matter { id } } } }`;
const ISSUE = `mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { ${FIELDS} } }`;
const ACKNOWLEDGE = `mutation($id: ID!) { acknowledgeSuggestion(id: $id) { ${FIELDS} } }`;
const OBJECT = `mutation($id: ID!, $reason: String!) { objectToSuggestion(id: $id, reason: $reason) { ${FIELDS} } }`;
const REVIEW = `mutation($id: ID!, $decision: SuggestionReview!, $reason: String!) { reviewSuggestionObjection(id: $id, decision: $decision, reason: $reason) { ${FIELDS} } }`;
const REPLY = `mutation($id: ID!, $input: SuggestionReplyInput!) { replyToSuggestion(id: $id, input: $input) { ${FIELDS} } }`;
const VERIFY = `mutation($id: ID!, $outcome: RectificationVerification!) { verifySuggestionRectification(id: $id, outcome: $outcome) { ${FIELDS} } }`;
const DECIDE = `mutation($id: ID!, $decision: LitigationDecision!, $reason: String!) { decidePublicInterestLitigation(id: $id, decision: $decision, reason: $reason) { ${FIELDS} } }`;
const RECORD_RESULT = `mutation($id: ID!, $result: String!) { recordSupervisionResult(id: $id, result: $result) { id status result resultAt } }`;
const INBOX = `{ inbox(first: 100) { edges { node { kind subjectType subjectId region } } } }`;
const TYPICAL = `query($region: String) { typicalSuggestions(region: $region) { id typical } }`;
const LIST = `query($filter: SuggestionFilter) { suggestions(filter: $filter, first: 50) { edges { node { id status litigation { reason } } } } }`;

async function ok(hub: TestHub, query: string, variables: Record<string, unknown> | undefined, caller: Caller): Promise<any> {
  const { data, errors } = await hub.graphql(query, variables, caller);
  expect(errors).toBeUndefined();
  return data;
}

describe('a procuratorial suggestion, whole', () => {
  let hub: TestHub;
  const suggestion = async (id: string) => (await ok(hub, SUGGESTION, { id }, callers.procurator)).suggestion;
  const inboxEntry = (caller: Caller, kind: string, subjectId: string) => eventually(async () =>
    (await ok(hub, INBOX, undefined, caller)).inbox.edges.map((e: any) => e.node).find((n: any) => n.kind === kind && n.subjectId === subjectId),
  10_000, `${kind} for ${subjectId} in the inbox of ${caller.org}`);

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  }, 120_000);
  afterAll(() => hub?.stop());

  // The chain step by step, with its refusals, is in test/suggestions.test.ts; this one runs it
  // against the clock (an objection held past the reply period escalates nothing) and follows the
  // notices into both inboxes.
  it('holds an objected suggestion past its period without escalating, then goes review maintains → reply → verified insufficient → escalated → result back, told in both inboxes', async () => {
    const { issueSuggestion: issued } = await ok(hub, ISSUE, { input: { agencyCode: 'MR-320706', kind: 'CORRECTION', content: '建议对该案依法移送' } }, callers.procurator);
    expect(issued).toMatchObject({ status: 'ISSUED', typical: false, receivedAt: null, replyDueAt: null, escalation: null, litigation: null });

    // 签收: the reply period runs from receipt.
    const { acknowledgeSuggestion: served } = await ok(hub, ACKNOWLEDGE, { id: issued.id }, callers.marketOfficer);
    expect(served.receivedAt).not.toBeNull();
    expect(served.replyDueAt).not.toBeNull();

    // 异议: nothing escalates while the procuratorate reviews it, even past the reply period.
    const { objectToSuggestion: objected } = await ok(hub, OBJECT, { id: issued.id, reason: '该案已移送公安机关' }, callers.marketOfficer);
    expect(objected.status).toBe('OBJECTED');
    await hub.advanceClock(Date.parse(served.replyDueAt) - Date.parse(served.receivedAt) + HOUR);
    expect(await suggestion(issued.id)).toMatchObject({ status: 'OBJECTED', overdue: false, escalation: null });

    // 复核 maintains it: back to the bureau, with a new reply period from the review.
    const { reviewSuggestionObjection: maintained } = await ok(hub, REVIEW, { id: issued.id, decision: 'MAINTAIN', reason: '经核查尚未移送' }, callers.procurator);
    expect(maintained).toMatchObject({ status: 'ISSUED', review: 'MAINTAIN', overdue: false });
    expect(Date.parse(maintained.replyDueAt)).toBeGreaterThan(Date.parse(served.replyDueAt));

    // The bureau replies that it rectified; nothing goes to the justice bureau.
    const { replyToSuggestion: replied } = await ok(hub, REPLY, { id: issued.id, input: { reply: '已整改', rectified: true, rectification: '已移送公安机关' } }, callers.marketOfficer);
    expect(replied).toMatchObject({ status: 'REPLIED', escalation: null });

    // 跟进监督: the procurator finds the rectification insufficient; the suggestion is copied to the justice bureau.
    const { verifySuggestionRectification: verified } = await ok(hub, VERIFY, { id: issued.id, outcome: 'INSUFFICIENT' }, callers.procurator);
    expect(verified).toMatchObject({ status: 'REPLIED', verification: 'INSUFFICIENT', escalation: { reason: 'NOT_RECTIFIED', status: 'OPEN', result: null }, litigation: null });
    const matterId = (await eventually(async () => (await suggestion(issued.id)).escalation?.matter?.id as string | undefined, 10_000, 'the justice matter')) as string;
    await inboxEntry(callers.justice, 'SUGGESTION_ESCALATED', matterId);

    // The justice bureau records its result; the procuratorate sees it on the suggestion and in its inbox.
    const { recordSupervisionResult } = await ok(hub, RECORD_RESULT, { id: matterId, result: '已责令该局补充移送材料' }, callers.justice);
    const back = await eventually(async () => {
      const now = await suggestion(issued.id);
      return now.escalation.status === 'CLOSED' ? now.escalation : undefined;
    }, 10_000, 'the result on the suggestion');
    expect(back).toMatchObject({ reason: 'NOT_RECTIFIED', status: 'CLOSED', result: '已责令该局补充移送材料', resultAt: recordSupervisionResult.resultAt });
    await inboxEntry(callers.procurator, 'ESCALATION_RESULT', issued.id);
  });

  it('copies a typical problem to the justice bureau of the region at issuance, before any escalation (双向通报)', async () => {
    const { issueSuggestion: typical } = await ok(hub, ISSUE, { input: { agencyCode: 'EE-320706', kind: 'SOCIAL_GOVERNANCE', content: '多家企业超标排放未处罚', typical: true } }, callers.procurator);
    const { issueSuggestion: ordinary } = await ok(hub, ISSUE, { input: { agencyCode: 'EE-320706', kind: 'SOCIAL_GOVERNANCE', content: '个别案卷不规范' } }, callers.procurator);
    expect(typical).toMatchObject({ typical: true, escalation: null });

    const notice = await inboxEntry(callers.justice, 'SUGGESTION_TYPICAL', typical.id);
    expect(notice).toMatchObject({ subjectType: 'PROCURATORIAL_SUGGESTION', region: '320706' });
    // The justice bureau lists the typical problems of its region; the ordinary one is not among them.
    const listed = (await ok(hub, TYPICAL, { region: '320706' }, callers.justice)).typicalSuggestions.map((s: any) => s.id);
    expect(listed).toContain(typical.id);
    expect(listed).not.toContain(ordinary.id);
    // Another region's justice bureau neither hears of it nor lists it.
    const far: Caller = { role: 'justice_supervisor', org: 'JUS-411302', region: '411302' };
    expect((await ok(hub, TYPICAL, {}, far)).typicalSuggestions.map((s: any) => s.id)).not.toContain(typical.id);
    expect((await ok(hub, INBOX, undefined, far)).inbox.edges.map((e: any) => e.node.subjectId)).not.toContain(typical.id);
    // A bureau has no such list.
    const bureau = await hub.graphql(TYPICAL, {}, callers.ecoOfficer);
    expect(bureau.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    const bad = await hub.graphql(TYPICAL, { region: '32' }, callers.justice);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'region', rule: 'regionCode' });
  });

  it('moves a public-interest suggestion left unanswered or not rectified to the litigation stage, not to the justice bureau', async () => {
    const issue = async (content: string) => (await ok(hub, ISSUE, { input: { agencyCode: 'EE-320706', kind: 'PUBLIC_INTEREST', content, harmOngoing: true } }, callers.procurator)).issueSuggestion;
    const silent = await issue('督促依法查处非法倾倒危险废物');
    const refused = await issue('督促依法履行生态环境监管职责');
    const { acknowledgeSuggestion: served } = await ok(hub, ACKNOWLEDGE, { id: silent.id }, callers.ecoOfficer);

    // Answered without rectifying: the litigation stage at once (NOT_RECTIFIED), no copy to the justice bureau.
    const { replyToSuggestion: notRectified } = await ok(hub, REPLY, { id: refused.id, input: { reply: '经研究不予整改', rectified: false } }, callers.ecoOfficer);
    expect(notRectified).toMatchObject({ status: 'LITIGATION', escalation: null, litigation: { reason: 'NOT_RECTIFIED', decision: null } });

    // Unanswered past the urgent period (15 days from receipt): the watch moves it (OVERDUE).
    await hub.advanceClock(Date.parse(served.replyDueAt) - Date.parse(served.receivedAt) + HOUR);
    const moved = await eventually(async () => {
      const now = await suggestion(silent.id);
      return now.status === 'LITIGATION' ? now : undefined;
    }, 10_000, 'the litigation stage');
    expect(moved).toMatchObject({ overdue: false, litigation: { reason: 'OVERDUE', decision: null }, escalation: null });
    await inboxEntry(callers.procurator, 'SUGGESTION_LITIGATION', silent.id);
    // The escalation watch, which takes overdue ISSUED suggestions, never copied either to the justice bureau.
    expect((await suggestion(silent.id)).escalation).toBeNull();
    expect((await suggestion(refused.id)).escalation).toBeNull();

    // The list shows the stage and filters by it.
    const { suggestions } = await ok(hub, LIST, { filter: { status: ['LITIGATION'] } }, callers.procurator);
    expect(suggestions.edges.map((e: any) => e.node)).toEqual(expect.arrayContaining([
      { id: silent.id, status: 'LITIGATION', litigation: { reason: 'OVERDUE' } },
      { id: refused.id, status: 'LITIGATION', litigation: { reason: 'NOT_RECTIFIED' } },
    ]));

    // The procuratorate decides; once. Neither the bureau nor the justice bureau decides.
    for (const caller of [callers.ecoOfficer, callers.justice]) {
      const refusedCall = await hub.graphql(DECIDE, { id: silent.id, decision: 'SUE', reason: 'x' }, caller);
      expect(refusedCall.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    }
    const blank = await hub.graphql(DECIDE, { id: silent.id, decision: 'SUE', reason: ' ' }, callers.procurator);
    expect(blank.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const { decidePublicInterestLitigation: sued } = await ok(hub, DECIDE, { id: silent.id, decision: 'SUE', reason: '行政机关逾期未履行职责，损害持续' }, callers.procurator);
    expect(sued).toMatchObject({ status: 'SUED', litigation: { reason: 'OVERDUE', decision: 'SUE', decisionReason: '行政机关逾期未履行职责，损害持续', decidedAt: expect.any(String) } });
    const again = await hub.graphql(DECIDE, { id: silent.id, decision: 'CLOSE', reason: '再次' }, callers.procurator);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', rule: 'transition' });
    const { decidePublicInterestLitigation: closed } = await ok(hub, DECIDE, { id: refused.id, decision: 'CLOSE', reason: '公共利益已得到有效保护' }, callers.procurator);
    expect(closed).toMatchObject({ status: 'LITIGATION_CLOSED', litigation: { decision: 'CLOSE' } });
    // Only a suggestion at the litigation stage takes a decision.
    const { issueSuggestion: ordinary } = await ok(hub, ISSUE, { input: { agencyCode: 'MR-320706', kind: 'CORRECTION', content: '建议规范执法' } }, callers.procurator);
    const early = await hub.graphql(DECIDE, { id: ordinary.id, decision: 'SUE', reason: '不适用' }, callers.procurator);
    expect(early.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', rule: 'transition' });
  });

  it('moves a public-interest suggestion whose rectification is verified not done to the litigation stage', async () => {
    const { issueSuggestion: s } = await ok(hub, ISSUE, { input: { agencyCode: 'EE-320706', kind: 'PUBLIC_INTEREST', content: '督促修复受损林地' } }, callers.procurator);
    await ok(hub, REPLY, { id: s.id, input: { reply: '已整改', rectified: true, rectification: '已补种' } }, callers.ecoOfficer);
    const { verifySuggestionRectification: verified } = await ok(hub, VERIFY, { id: s.id, outcome: 'NOT_DONE' }, callers.procurator);
    expect(verified).toMatchObject({ status: 'LITIGATION', verification: 'NOT_DONE', escalation: null, litigation: { reason: 'NOT_RECTIFIED' } });
    await inboxEntry(callers.procurator, 'SUGGESTION_LITIGATION', s.id);
  });
});
