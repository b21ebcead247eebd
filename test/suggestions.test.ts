// 检察建议, whole (issue 11): recipients by kind — a RETRIAL suggestion goes to a court, never to a
// bureau; a public-security unit receives and answers one; mismatches are refused with the field
// and the rule, and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dueAt } from '../kit/deadlines';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, seedBureaus, type Caller } from './support/fixtures';

const ISSUE = `mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { id kind status agency { code } recipient { kind code name } } }`;
const REPLY = `mutation($id: ID!, $input: SuggestionReplyInput!) { replyToSuggestion(id: $id, input: $input) { id status } }`;
const SUGGESTION = `query($id: ID!) { suggestion(id: $id) { id status recipient { kind code } receivedAt replyDays replyDueAt overdue escalation { reason } } }`;
const ACKNOWLEDGE = `mutation($id: ID!) { acknowledgeSuggestion(id: $id) { id receivedAt replyDueAt overdue } }`;
const SERVICE = `mutation($id: ID!, $at: DateTime!) { recordSuggestionService(id: $id, receivedAt: $at) { id receivedAt replyDueAt } }`;
const ISSUED = `mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { id issuedAt receivedAt replyDays replyDueAt overdue } }`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 24:00 Beijing time of the calendar day `days` after the day of `from` (the day itself not counted). */
const endOfDayAfter = (from: string, days: number) => {
  const beijing = new Date(Date.parse(from) + 8 * HOUR);
  const day = Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth(), beijing.getUTCDate()) + days * DAY;
  return new Date(day + DAY - 8 * HOUR - 1);
};

async function ok(hub: TestHub, query: string, variables: Record<string, unknown> | undefined, caller: Caller): Promise<any> {
  const { data, errors } = await hub.graphql(query, variables, caller);
  expect(errors).toBeUndefined();
  return data;
}

describe('suggestion recipients by kind', () => {
  let hub: TestHub;
  const suggestionsOf = async (caller: Caller) =>
    (await ok(hub, `{ agency(code: "MR-320706") { suggestions { id kind } } }`, undefined, caller)).agency.suggestions as { id: string; kind: string }[];

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  }, 120_000);
  afterAll(() => hub?.stop());

  it('refuses a RETRIAL suggestion to a bureau, and writes nothing', async () => {
    const before = await suggestionsOf(callers.procurator);
    const refused = await hub.graphql(ISSUE, { input: { agencyCode: 'MR-320706', kind: 'RETRIAL', content: '建议再审' } }, callers.procurator);
    expect(refused.data?.issueSuggestion ?? null).toBeNull();
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.recipientKind', rule: 'recipientOfKind' });
    expect(refused.errors?.[0].message).toMatch(/RETRIAL suggestion goes to a court/);
    const named = await hub.graphql(ISSUE, { input: { agencyCode: 'MR-320706', recipientKind: 'ENFORCEMENT_BUREAU', kind: 'RETRIAL', content: '建议再审' } }, callers.procurator);
    expect(named.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.recipientKind', rule: 'recipientOfKind' });
    expect(await suggestionsOf(callers.procurator)).toEqual(before);
  });

  it('sends a RETRIAL suggestion to a court, named', async () => {
    const { issueSuggestion: s } = await ok(hub, ISSUE, { input: {
      agencyCode: 'COURT-320706', recipientKind: 'COURT', recipientName: '连云港市海州区人民法院', kind: 'RETRIAL', content: '(2026)苏0706行初12号判决适用法律确有错误，建议再审',
    } }, callers.procurator);
    expect(s).toMatchObject({ kind: 'RETRIAL', status: 'ISSUED', agency: null, recipient: { kind: 'COURT', code: 'COURT-320706', name: '连云港市海州区人民法院' } });
    // A court is not in the directory: its name is required.
    const unnamed = await hub.graphql(ISSUE, { input: { agencyCode: 'COURT-320706', recipientKind: 'COURT', kind: 'RETRIAL', content: '建议再审' } }, callers.procurator);
    expect(unnamed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.recipientName', rule: 'required' });
    // A court does not take a public-interest suggestion (those go to administrative organs).
    const publicInterest = await hub.graphql(ISSUE, { input: {
      agencyCode: 'COURT-320706', recipientKind: 'COURT', recipientName: '连云港市海州区人民法院', kind: 'PUBLIC_INTEREST', content: '督促履职',
    } }, callers.procurator);
    expect(publicInterest.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.recipientKind', rule: 'recipientOfKind' });
  });

  it('refuses a bureau of the directory named as another kind of recipient', async () => {
    const refused = await hub.graphql(ISSUE, { input: { agencyCode: 'MR-320706', recipientKind: 'PUBLIC_SECURITY', kind: 'CORRECTION', content: '纠正违法' } }, callers.procurator);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.recipientKind', rule: 'recipientOfKind' });
  });

  it('sends a suggestion to a public-security unit, which reads it and answers it; another unit neither reads nor answers it', async () => {
    const { issueSuggestion: s } = await ok(hub, ISSUE, { input: {
      agencyCode: 'PSB-320706', recipientKind: 'PUBLIC_SECURITY', kind: 'CORRECTION', content: '对行政执法机关移送案件应当依法及时审查',
    } }, callers.procurator);
    expect(s).toMatchObject({ status: 'ISSUED', agency: null, recipient: { kind: 'PUBLIC_SECURITY', code: 'PSB-320706', name: null } });
    expect((await ok(hub, SUGGESTION, { id: s.id }, callers.psb)).suggestion).toMatchObject({ id: s.id, recipient: { kind: 'PUBLIC_SECURITY', code: 'PSB-320706' } });
    expect((await hub.graphql(SUGGESTION, { id: s.id }, callers.nanyangPsb)).data?.suggestion ?? null).toBeNull();
    const foreign = await hub.graphql(REPLY, { id: s.id, input: { reply: '不', rectified: false } }, callers.nanyangPsb);
    expect(foreign.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const bureau = await hub.graphql(REPLY, { id: s.id, input: { reply: '不', rectified: false } }, callers.marketOfficer);
    expect(bureau.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    // Answered without rectification: public security is not the justice bureau's to supervise, so nothing is copied there.
    expect((await ok(hub, REPLY, { id: s.id, input: { reply: '已研究，将另行处理', rectified: false } }, callers.psb)).replyToSuggestion).toEqual({ id: s.id, status: 'REPLIED' });
    expect((await ok(hub, SUGGESTION, { id: s.id }, callers.procurator)).suggestion).toMatchObject({ status: 'REPLIED', escalation: null });
  });

  describe('service and receipt (送达, 签收): the reply period runs from receipt', () => {
    it('sets no due date until the bureau signs for it, then the rule\'s period from receipt; once, by the addressed bureau only', async () => {
      const { issueSuggestion: s } = await ok(hub, ISSUED, { input: { agencyCode: 'MR-320706', kind: 'CORRECTION', content: '建议规范涉案物品管理' } }, callers.procurator);
      expect(s).toMatchObject({ receivedAt: null, replyDays: null, replyDueAt: null, overdue: false });
      const other = await hub.graphql(ACKNOWLEDGE, { id: s.id }, callers.ecoOfficer);
      expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const { acknowledgeSuggestion: received } = await ok(hub, ACKNOWLEDGE, { id: s.id }, callers.marketOfficer);
      expect(Date.parse(received.receivedAt)).toBeGreaterThanOrEqual(Date.parse(s.issuedAt));
      expect(received.replyDueAt).toBe(dueAt('suggestionReply', { receivedAt: new Date(received.receivedAt) }).toISOString());
      const again = await hub.graphql(ACKNOWLEDGE, { id: s.id }, callers.marketOfficer);
      expect(again.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', rule: 'transition' });
      expect((await ok(hub, SUGGESTION, { id: s.id }, callers.procurator)).suggestion).toMatchObject({ receivedAt: received.receivedAt, replyDueAt: received.replyDueAt });
    });

    it('takes a shorter period where the procurator sets one (情况紧急), never a longer one', async () => {
      const { issueSuggestion: s } = await ok(hub, ISSUED, { input: { agencyCode: 'MR-320706', kind: 'CORRECTION', content: '在售劣质电线仍在流通，建议立即处置', replyDays: 10 } }, callers.procurator);
      expect(s).toMatchObject({ replyDays: 10, replyDueAt: null });
      const { acknowledgeSuggestion: received } = await ok(hub, ACKNOWLEDGE, { id: s.id }, callers.marketOfficer);
      // Ten days after the day of receipt, at 24:00; a rest day as the last day rolls to the next working day.
      expect(Date.parse(received.replyDueAt)).toBeGreaterThanOrEqual(endOfDayAfter(received.receivedAt, 10).getTime());
      expect(Date.parse(received.replyDueAt)).toBeLessThan(Date.parse(dueAt('suggestionReply', { receivedAt: new Date(received.receivedAt) }).toISOString()));
      for (const [replyDays, rule] of [[90, 'shorterThanRule'], [0, 'positiveInteger']] as const) {
        const refused = await hub.graphql(ISSUED, { input: { agencyCode: 'MR-320706', kind: 'CORRECTION', content: '建议', replyDays } }, callers.procurator);
        expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.replyDays', rule });
      }
    });

    it("records a court's receipt as the procuratorate's service record (送达回证), not in the future nor before issuance", async () => {
      const { issueSuggestion: s } = await ok(hub, `mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { id issuedAt } }`, { input: {
        agencyCode: 'COURT-320706', recipientKind: 'COURT', recipientName: '连云港市海州区人民法院', kind: 'RETRIAL', content: '建议再审',
      } }, callers.procurator);
      const early = await hub.graphql(SERVICE, { id: s.id, at: new Date(Date.parse(s.issuedAt) - HOUR).toISOString() }, callers.procurator);
      expect(early.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'receivedAt', rule: 'afterIssue' });
      const future = await hub.graphql(SERVICE, { id: s.id, at: new Date(Date.parse(s.issuedAt) + 400 * DAY).toISOString() }, callers.procurator);
      expect(future.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'receivedAt', rule: 'notInFuture' });
      const far = await hub.graphql(SERVICE, { id: s.id, at: s.issuedAt }, callers.nanyangProcurator);
      expect(far.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const { recordSuggestionService: served } = await ok(hub, SERVICE, { id: s.id, at: s.issuedAt }, callers.procurator);
      expect(served.replyDueAt).toBe(dueAt('suggestionReply', { receivedAt: new Date(s.issuedAt) }).toISOString());
    });

    it('makes a signed suggestion overdue after its period, and leaves one never received without a due date', async () => {
      const { issueSuggestion: unsigned } = await ok(hub, ISSUED, { input: { agencyCode: 'EE-320706', kind: 'CORRECTION', content: '建议依法处理' } }, callers.procurator);
      const { issueSuggestion: urgent } = await ok(hub, ISSUED, { input: { agencyCode: 'EE-320706', kind: 'CORRECTION', content: '情况紧急', replyDays: 3 } }, callers.procurator);
      const { acknowledgeSuggestion: received } = await ok(hub, ACKNOWLEDGE, { id: urgent.id }, callers.ecoOfficer);
      await hub.advanceClock(Date.parse(received.replyDueAt) - Date.parse(received.receivedAt) + HOUR);
      expect((await ok(hub, SUGGESTION, { id: urgent.id }, callers.procurator)).suggestion).toMatchObject({ overdue: true });
      expect((await ok(hub, SUGGESTION, { id: unsigned.id }, callers.procurator)).suggestion).toMatchObject({ receivedAt: null, replyDueAt: null, overdue: false });
      // The watch copies the overdue one to the justice bureau (seed 001).
      await eventually(async () => (await ok(hub, SUGGESTION, { id: urgent.id }, callers.procurator)).suggestion.escalation?.reason === 'OVERDUE' || undefined,
        10_000, 'the escalation of the urgent suggestion');
    });
  });

  describe('objection, review and follow-up (异议, 复核, 跟进监督) before anything escalates', () => {
    // What the bureau and the procurator both read; the justice matter's id is the procurator's (supervision:read).
    const STEP = `id status content objection review reviewReason replyDueAt rectified verification escalation { reason status result }`;
    const OBJECT = `mutation($id: ID!, $reason: String!) { objectToSuggestion(id: $id, reason: $reason) { ${STEP} } }`;
    const REVIEW = `mutation($id: ID!, $decision: SuggestionReview!, $reason: String!, $content: String) { reviewSuggestionObjection(id: $id, decision: $decision, reason: $reason, content: $content) { ${STEP} } }`;
    const VERIFY = `mutation($id: ID!, $outcome: RectificationVerification!) { verifySuggestionRectification(id: $id, outcome: $outcome) { ${STEP} } }`;
    const READ = `query($id: ID!) { suggestion(id: $id) { ${STEP} escalation { matter { id } } } }`;

    it('served → objection → review maintains → reply → verified insufficient → escalated → result back', async () => {
      const { issueSuggestion: s } = await ok(hub, ISSUED, { input: { agencyCode: 'MR-320706', kind: 'CORRECTION', content: '建议对涉案劣质电线依法移送' } }, callers.procurator);
      await ok(hub, ACKNOWLEDGE, { id: s.id }, callers.marketOfficer);

      // The bureau objects: the suggestion waits for the review, nothing goes to the justice bureau.
      const { objectToSuggestion: objected } = await ok(hub, OBJECT, { id: s.id, reason: '涉案金额未达追诉标准，不应移送' }, callers.marketOfficer);
      expect(objected).toMatchObject({ status: 'OBJECTED', objection: '涉案金额未达追诉标准，不应移送', escalation: null });
      const byOther = await hub.graphql(REVIEW, { id: s.id, decision: 'MAINTAIN', reason: 'x' }, callers.nanyangProcurator);
      expect(byOther.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const noReplyYet = await hub.graphql(`mutation($id: ID!) { replyToSuggestion(id: $id, input: { reply: "r", rectified: true, rectification: "r" }) { id } }`, { id: s.id }, callers.marketOfficer);
      expect(noReplyYet.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'transition' });

      // The procuratorate reviews and maintains it: the reply period runs again from the review.
      const { reviewSuggestionObjection: maintained } = await ok(hub, REVIEW, { id: s.id, decision: 'MAINTAIN', reason: '销售金额已达五万元，建议维持' }, callers.procurator);
      expect(maintained).toMatchObject({ status: 'ISSUED', review: 'MAINTAIN', reviewReason: '销售金额已达五万元，建议维持', escalation: null });
      expect(maintained.replyDueAt).toBeTruthy();
      const twice = await hub.graphql(OBJECT, { id: s.id, reason: '再次异议' }, callers.marketOfficer);
      expect(twice.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', rule: 'transition' });

      // The bureau replies that it rectified; the procurator finds the rectification insufficient.
      await ok(hub, REPLY, { id: s.id, input: { reply: '已整改', rectified: true, rectification: '已补充调查' } }, callers.marketOfficer);
      expect((await ok(hub, READ, { id: s.id }, callers.procurator)).suggestion).toMatchObject({ status: 'REPLIED', rectified: true, escalation: null });
      const byBureau = await hub.graphql(VERIFY, { id: s.id, outcome: 'DONE' }, callers.marketOfficer);
      expect(byBureau.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
      const { verifySuggestionRectification: verified } = await ok(hub, VERIFY, { id: s.id, outcome: 'INSUFFICIENT' }, callers.procurator);
      expect(verified).toMatchObject({ status: 'REPLIED', verification: 'INSUFFICIENT' });

      // Copied to the justice bureau; its result comes back onto the suggestion.
      const escalated = await eventually(async () => {
        const { suggestion } = await ok(hub, READ, { id: s.id }, callers.procurator);
        return suggestion.escalation?.matter ? suggestion.escalation : undefined;
      }, 10_000, 'the escalation after verification');
      expect(escalated).toMatchObject({ reason: 'NOT_RECTIFIED', status: 'OPEN' });
      await eventually(async () => (await hub.graphql(`query($id: ID!) { justiceSupervisionMatter(id: $id) { id } }`, { id: escalated.matter.id }, callers.justice)).data?.justiceSupervisionMatter ?? undefined,
        10_000, 'the justice matter');
      await ok(hub, `mutation($id: ID!, $result: String!) { recordSupervisionResult(id: $id, result: $result) { status } }`,
        { id: escalated.matter.id, result: '已责令该局补充调查并移送' }, callers.justice);
      const back = await eventually(async () => {
        const { suggestion } = await ok(hub, READ, { id: s.id }, callers.procurator);
        return suggestion.escalation.status === 'CLOSED' ? suggestion.escalation : undefined;
      }, 10_000, 'the result on the suggestion');
      expect(back).toMatchObject({ reason: 'NOT_RECTIFIED', status: 'CLOSED', result: '已责令该局补充调查并移送' });
      const again = await hub.graphql(VERIFY, { id: s.id, outcome: 'DONE' }, callers.procurator);
      expect(again.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', rule: 'transition' });
    });

    it('withdraws on review, or amends with new content; a withdrawn suggestion takes no reply', async () => {
      const { issueSuggestion: a } = await ok(hub, ISSUED, { input: { agencyCode: 'EE-320706', kind: 'SOCIAL_GOVERNANCE', content: '建议建立台账' } }, callers.procurator);
      await ok(hub, OBJECT, { id: a.id, reason: '已有台账' }, callers.ecoOfficer);
      const missing = await hub.graphql(REVIEW, { id: a.id, decision: 'AMEND', reason: '部分采纳' }, callers.procurator);
      expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'content', rule: 'requiredWhenAmended' });
      const { reviewSuggestionObjection: amended } = await ok(hub, REVIEW, { id: a.id, decision: 'AMEND', reason: '部分采纳', content: '建议完善台账并按月更新' }, callers.procurator);
      expect(amended).toMatchObject({ status: 'ISSUED', review: 'AMEND', content: '建议完善台账并按月更新' });

      const { issueSuggestion: b } = await ok(hub, ISSUED, { input: { agencyCode: 'EE-320706', kind: 'OTHER', content: '建议' } }, callers.procurator);
      await ok(hub, OBJECT, { id: b.id, reason: '不属本局职责' }, callers.ecoOfficer);
      const { reviewSuggestionObjection: withdrawn } = await ok(hub, REVIEW, { id: b.id, decision: 'WITHDRAW', reason: '异议成立' }, callers.procurator);
      expect(withdrawn).toMatchObject({ status: 'WITHDRAWN', review: 'WITHDRAW', escalation: null });
      const reply = await hub.graphql(REPLY, { id: b.id, input: { reply: 'r', rectified: false } }, callers.ecoOfficer);
      expect(reply.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'transition' });
    });
  });
});
