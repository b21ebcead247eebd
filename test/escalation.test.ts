// Supervision at work, through the gateway: overdue transfers and suggestions against the hub's
// clock, escalation of suggestions to the justice bureau and its result back (seed 001), and the
// units' inboxes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, seedBureaus, type Caller } from './support/fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Each unit asks for what its role may read: public security has no suggestions.
const OVERDUE_TRANSFERS = `{ overdue { unit transfers { id overdue decisionDueAt } } }`;
const OVERDUE_SUGGESTIONS = `{ overdue { unit suggestions { id overdue replyDueAt } } }`;
const INBOX = `query($unreadOnly: Boolean, $first: Int) { inbox(unreadOnly: $unreadOnly, first: $first) {
  unreadCount edges { node { id kind title subjectType subjectId read readAt region } } } }`;
const SUGGESTION = `query($id: ID!) { suggestion(id: $id) { id status overdue replyDueAt
  escalation { reason status result resultAt escalatedAt matter { id status } } } }`;
const ISSUE = `mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { id issuedAt replyDueAt overdue } }`;
const REPLY = `mutation($id: ID!, $input: SuggestionReplyInput!) { replyToSuggestion(id: $id, input: $input) { id status rectified } }`;
const RECORD_RESULT = `mutation($id: ID!, $result: String!) { recordSupervisionResult(id: $id, result: $result) { id status result resultAt } }`;

async function ok(hub: TestHub, query: string, variables: Record<string, unknown> | undefined, caller: Caller): Promise<any> {
  const { data, errors } = await hub.graphql(query, variables, caller);
  expect(errors).toBeUndefined();
  return data;
}

describe('supervision at work: deadlines, escalation, inbox', () => {
  let hub: TestHub;
  let transferId: string;

  const inboxOf = async (caller: Caller, unreadOnly = false) =>
    (await ok(hub, INBOX, { unreadOnly, first: 100 }, caller)).inbox as { unreadCount: number; edges: { node: any }[] };
  const entry = (caller: Caller, kind: string, subjectId: string) => eventually(async () => {
    const found = (await inboxOf(caller)).edges.map((e) => e.node).find((n) => n.kind === kind && n.subjectId === subjectId);
    return found ?? undefined;
  }, 10_000, `${kind} for ${subjectId} in the inbox of ${caller.org}`);
  const overdueOf = async (caller: Caller, query = OVERDUE_TRANSFERS) => (await ok(hub, query, undefined, caller)).overdue;

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  });
  afterAll(() => hub?.stop());

  it('publishes the statutory periods with their citations, to anyone', async () => {
    const { deadlineRules } = await ok(hub, `{ deadlineRules { key amount unit counting citation effectiveFrom effectiveTo } }`, undefined, { role: 'public' });
    expect(deadlineRules).toContainEqual(expect.objectContaining({ key: 'filingDecision', amount: 3, unit: 'days', counting: 'calendar', effectiveTo: null }));
    expect(deadlineRules).toContainEqual(expect.objectContaining({ key: 'suggestionReply', amount: 2, unit: 'months' }));
    expect(deadlineRules.every((r: any) => r.citation.length > 10)).toBe(true);
  });

  it('shows a filing decision left past its deadline as overdue to public security, the procuratorate and the bureau', async () => {
    const caseId = await recordMarketCase(hub);
    const { transferCase } = await ok(hub, `mutation($id: ID!) { transferCase(caseId: $id, input: { summary: "涉嫌销售伪劣产品罪", materials: ["移送书", "调查报告"] }) { id } }`,
      { id: caseId }, callers.marketOfficer);
    transferId = transferCase.id;
    const { acceptTransfer } = await ok(hub, `mutation($id: ID!) { acceptTransfer(id: $id) { acceptedAt decisionDueAt overdue } }`, { id: transferId }, callers.psb);
    expect(acceptTransfer.overdue).toBe(false);
    expect((await overdueOf(callers.psb)).transfers.map((t: any) => t.id)).not.toContain(transferId);

    // Past the filing-decision deadline (3 days, rolled past rest days) by an hour.
    await hub.advanceClock(Date.parse(acceptTransfer.decisionDueAt) - Date.parse(acceptTransfer.acceptedAt) + HOUR);
    for (const caller of [callers.psb, callers.procurator, callers.marketOfficer]) {
      const overdue = await overdueOf(caller);
      expect(overdue.unit).toBe(caller.org);
      expect(overdue.transfers).toContainEqual(expect.objectContaining({ id: transferId, overdue: true }));
    }
    // Another region's public security and another bureau see nothing of it.
    for (const caller of [callers.nanyangPsb, callers.ecoOfficer]) {
      expect((await overdueOf(caller)).transfers.map((t: any) => t.id)).not.toContain(transferId);
    }
    const { transfer } = await ok(hub, `query($id: ID!) { transfer(id: $id) { overdue } }`, { id: transferId }, callers.procurator);
    expect(transfer.overdue).toBe(true);

    // Once decided, it is no longer overdue, and the bureau hears of the decision.
    await ok(hub, `mutation($id: ID!) { decideTransfer(id: $id, decision: FILE, reason: "符合立案追诉标准") { status } }`, { id: transferId }, callers.psb);
    expect((await overdueOf(callers.psb)).transfers.map((t: any) => t.id)).not.toContain(transferId);
    await entry(callers.marketOfficer, 'TRANSFER_DECIDED', transferId);
  });

  it('copies a suggestion unanswered past its due date to the justice bureau, and copies the result back', async () => {
    const { issueSuggestion: s } = await ok(hub, ISSUE, { input: { agencyCode: 'MR-320706', kind: 'CORRECTION', content: '建议依法移送涉嫌犯罪案件' } }, callers.procurator);
    expect(s.overdue).toBe(false);
    await entry(callers.marketOfficer, 'SUGGESTION_ISSUED', s.id);
    // The reply period runs from receipt: the bureau signs for it (签收).
    expect(s.replyDueAt).toBeNull();
    const { acknowledgeSuggestion: received } = await ok(hub, `mutation($id: ID!) { acknowledgeSuggestion(id: $id) { receivedAt replyDueAt } }`, { id: s.id }, callers.marketOfficer);

    // Two months (rolled past rest days) and a day later, the watch escalates within seconds.
    await hub.advanceClock(Date.parse(received.replyDueAt) - Date.parse(received.receivedAt) + DAY);
    for (const caller of [callers.procurator, callers.marketOfficer]) {
      expect((await overdueOf(caller, OVERDUE_SUGGESTIONS)).suggestions).toContainEqual(expect.objectContaining({ id: s.id, overdue: true }));
    }
    expect((await overdueOf(callers.nanyangProcurator, OVERDUE_SUGGESTIONS)).suggestions.map((x: any) => x.id)).not.toContain(s.id);
    // Public security reads only the suggestions addressed to its own unit: none of a bureau's.
    expect((await overdueOf(callers.psb, OVERDUE_SUGGESTIONS)).suggestions.map((x: any) => x.id)).not.toContain(s.id);

    const escalated = await eventually(async () => {
      const { suggestion } = await ok(hub, SUGGESTION, { id: s.id }, callers.procurator);
      return suggestion.escalation?.matter ? suggestion : undefined;
    }, 10_000, 'the escalation');
    expect(escalated.escalation).toMatchObject({ reason: 'OVERDUE', status: 'OPEN', result: null });
    const matterId = escalated.escalation.matter.id;

    // The justice bureau of the region is told, and sees the matter with the suggestion copied.
    const notice = await entry(callers.justice, 'SUGGESTION_ESCALATED', matterId);
    expect(notice).toMatchObject({ subjectType: 'JUSTICE_SUPERVISION_MATTER', read: false, region: '320706' });
    const { justiceSupervisionMatters } = await ok(hub, `{ justiceSupervisionMatters(status: OPEN) { edges { node {
      id reason status content procuratorateCode agency { code } suggestion { id status } } } } }`, undefined, callers.justice);
    expect(justiceSupervisionMatters.edges.map((e: any) => e.node)).toContainEqual({
      id: matterId, reason: 'OVERDUE', status: 'OPEN', content: '建议依法移送涉嫌犯罪案件', procuratorateCode: 'PROC-320706',
      agency: { code: 'MR-320706' }, suggestion: { id: s.id, status: 'ISSUED' },
    });

    // Only the justice bureau records a result, once.
    const bureau = await hub.graphql(RECORD_RESULT, { id: matterId, result: 'x' }, callers.marketOfficer);
    expect(bureau.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    const { recordSupervisionResult } = await ok(hub, RECORD_RESULT, { id: matterId, result: '已约谈该局负责人，责令限期回复并整改' }, callers.justice);
    expect(recordSupervisionResult).toMatchObject({ id: matterId, status: 'CLOSED', result: '已约谈该局负责人，责令限期回复并整改' });
    const again = await hub.graphql(RECORD_RESULT, { id: matterId, result: '再次' }, callers.justice);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', rule: 'transition' });

    // The result comes back onto the procuratorate's suggestion, and into its inbox.
    const back = await eventually(async () => {
      const { suggestion } = await ok(hub, SUGGESTION, { id: s.id }, callers.procurator);
      return suggestion.escalation.status === 'CLOSED' ? suggestion.escalation : undefined;
    }, 10_000, 'the result on the suggestion');
    expect(back).toMatchObject({ reason: 'OVERDUE', status: 'CLOSED', result: '已约谈该局负责人，责令限期回复并整改', resultAt: recordSupervisionResult.resultAt });
    await entry(callers.procurator, 'ESCALATION_RESULT', s.id);
  });

  it('copies a suggestion answered without rectification at once', async () => {
    const { issueSuggestion: s } = await ok(hub, ISSUE, { input: { agencyCode: 'MR-320706', kind: 'SOCIAL_GOVERNANCE', content: '建议建立涉案物品登记制度' } }, callers.procurator);
    await ok(hub, REPLY, { id: s.id, input: { reply: '经研究，暂不具备条件', rectified: false } }, callers.marketOfficer);
    const escalated = await eventually(async () => {
      const { suggestion } = await ok(hub, SUGGESTION, { id: s.id }, callers.procurator);
      // The matter resolves once the justice bureau has received the copy.
      return suggestion.escalation?.matter ? suggestion : undefined;
    }, 10_000, 'the escalation');
    expect(escalated).toMatchObject({ status: 'REPLIED', overdue: false, escalation: { reason: 'NOT_RECTIFIED', status: 'OPEN' } });
    const matter = await eventually(async () => {
      const { justiceSupervisionMatter } = await ok(hub, `query($id: ID!) { justiceSupervisionMatter(id: $id) { reason reply status } }`,
        { id: escalated.escalation.matter.id }, callers.justice);
      return justiceSupervisionMatter ?? undefined;
    }, 10_000, 'the justice matter');
    expect(matter).toEqual({ reason: 'NOT_RECTIFIED', reply: '经研究，暂不具备条件', status: 'OPEN' });
    await entry(callers.procurator, 'SUGGESTION_REPLIED', s.id);
    // Another region's justice bureau does not see it.
    const far = await ok(hub, `query($id: ID!) { justiceSupervisionMatter(id: $id) { id } }`, { id: escalated.escalation.matter.id },
      { role: 'justice_supervisor', org: 'JUS-411302', region: '411302' });
    expect(far.justiceSupervisionMatter).toBeNull();
  });

  it('keeps an inbox per unit with read state', async () => {
    // The transfer of the first test reached public security and the procuratorate of the region.
    const psbEntry = await entry(callers.psb, 'TRANSFER_SUBMITTED', transferId);
    await entry(callers.procurator, 'TRANSFER_SUBMITTED', transferId);
    expect((await inboxOf(callers.nanyangPsb)).edges.map((e) => e.node.subjectId)).not.toContain(transferId);
    // A city-level unit covers its counties.
    await entry({ role: 'psb_officer', org: 'PSB-320700', region: '320700' }, 'TRANSFER_SUBMITTED', transferId);

    const before = await inboxOf(callers.psb);
    expect(before.unreadCount).toBeGreaterThan(0);
    const { markInboxRead } = await ok(hub, `mutation($ids: [ID!]!) { markInboxRead(ids: $ids) { id read readAt transfer { id status } } }`,
      { ids: [psbEntry.id] }, callers.psb);
    expect(markInboxRead).toEqual([{ id: psbEntry.id, read: true, readAt: expect.any(String), transfer: { id: transferId, status: 'FILED' } }]);
    const after = await inboxOf(callers.psb);
    expect(after.unreadCount).toBe(before.unreadCount - 1);
    expect((await inboxOf(callers.psb, true)).edges.map((e) => e.node.id)).not.toContain(psbEntry.id);
    // Read state is per unit: the city unit still has it unread.
    const city = await inboxOf({ role: 'psb_officer', org: 'PSB-320700', region: '320700' }, true);
    expect(city.edges.map((e) => e.node.id)).toContain(psbEntry.id);

    // Nobody marks another unit's entries, and nothing is written when one id is wrong.
    const bureauEntry = await entry(callers.marketOfficer, 'TRANSFER_DECIDED', transferId);
    const foreign = await hub.graphql(`mutation($ids: [ID!]!) { markInboxRead(ids: $ids) { id } }`, { ids: [bureauEntry.id] }, callers.psb);
    expect(foreign.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids.0', rule: 'inInbox' });
    expect((await inboxOf(callers.marketOfficer)).edges.find((e) => e.node.id === bureauEntry.id)?.node.read).toBe(false);

    const anonymous = await hub.graphql(INBOX, {}, { role: 'public' });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });
});
