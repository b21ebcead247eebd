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
});
