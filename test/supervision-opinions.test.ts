// 行政执法监督意见书 (issue 11, the justice bureau's own supervision): issued by the justice bureau to
// a bureau of its region with a rectification deadline, answered by that bureau, verified by the
// justice bureau; the bureau and the procuratorate of the region hear of it (双向通报). Bad input
// is refused all at once and writes nothing; other bureaus and regions neither read nor answer it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, seedBureaus, waitForIndexed, type Caller } from './support/fixtures';

const ISSUE = `mutation($input: SupervisionOpinionInput!) { issueSupervisionOpinion(input: $input) {
  id status ground region agency { code } case { id } facts requirement rectificationDueAt overdue } }`;
const REPLY = `mutation($id: ID!, $input: SupervisionOpinionReplyInput!) { replyToSupervisionOpinion(id: $id, input: $input) { id status reply rectified repliedAt } }`;
const VERIFY = `mutation($id: ID!, $outcome: RectificationOutcome!, $note: String) { verifySupervisionOpinion(id: $id, outcome: $outcome, note: $note) { id status outcome verificationNote verifiedAt } }`;
const OPINION = `query($id: ID!) { supervisionOpinion(id: $id) { id status overdue } }`;
const LIST = `query($overdue: Boolean) { supervisionOpinions(overdue: $overdue, first: 50) { edges { node { id status overdue } } } }`;
const INBOX = `{ inbox(first: 50) { edges { node { kind subjectType subjectId supervisionOpinion { id } } } } }`;
const DAY = 86_400_000;
const nanyangJustice: Caller = { role: 'justice_supervisor', org: 'JUS-411302', region: '411302' };

async function ok(hub: TestHub, query: string, variables: Record<string, unknown> | undefined, caller: Caller): Promise<any> {
  const { data, errors } = await hub.graphql(query, variables, caller);
  expect(errors).toBeUndefined();
  return data;
}

describe('supervision opinions (行政执法监督意见书)', () => {
  let hub: TestHub;
  let caseId: string;
  const inboxOf = async (caller: Caller) => (await ok(hub, INBOX, undefined, caller)).inbox.edges.map((e: any) => e.node) as
    { kind: string; subjectType: string; subjectId: string; supervisionOpinion: { id: string } | null }[];
  const listed = async (caller: Caller, overdue?: boolean) =>
    (await ok(hub, LIST, { overdue }, caller)).supervisionOpinions.edges.map((e: any) => e.node.id) as string[];
  const input = (overrides: Record<string, unknown> = {}) => ({
    agencyCode: 'MR-320706', ground: 'UNTRANSFERRED_CRIME', caseId,
    facts: '销售伪劣产品货值金额达到刑事立案追诉标准，未移送公安机关',
    requirement: '依法将案件移送公安机关，并书面回复整改情况',
    rectificationDueAt: new Date(Date.now() + 15 * DAY).toISOString(),
    ...overrides,
  });

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    caseId = await recordMarketCase(hub);
    await waitForIndexed(hub, caseId);
  }, 120_000);
  afterAll(() => hub?.stop());

  it.each([
    ['agency_officer', callers.marketOfficer],
    ['psb_officer', callers.psb],
    ['procurator', callers.procurator],
    ['platform_admin', callers.admin],
  ] as const)('is not issued by a %s (the gateway withholds the mutation: no justice:supervise)', async (_, caller) => {
    const refused = await hub.graphql(ISSUE, { input: input() }, caller);
    expect(refused.data?.issueSupervisionOpinion ?? null).toBeNull();
    expect(refused.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('refuses bad input naming every broken rule at once, and writes nothing', async () => {
    const before = await listed(callers.justice);
    const refused = await hub.graphql(ISSUE, { input: input({ agencyCode: 'MR-999999', facts: '  ', caseId: '00000000-0000-4000-8000-000000000000', rectificationDueAt: new Date(Date.now() - DAY).toISOString() }) }, callers.justice);
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((refused.errors?.[0].extensions?.violations as { field: string; rule: string }[]).map((v) => `${v.field}:${v.rule}`).sort()).toEqual([
      'input.agencyCode:exists', 'input.caseId:exists', 'input.facts:required', 'input.rectificationDueAt:future',
    ].sort());
    expect(await listed(callers.justice)).toEqual(before);
  });

  it('refuses a bureau outside the justice bureau\'s region, and a case of another bureau', async () => {
    const foreign = await hub.graphql(ISSUE, { input: input({ agencyCode: 'MR-411302', caseId: null }) }, callers.justice);
    expect(foreign.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.agencyCode', rule: 'jurisdiction' });
    const otherBureau = await hub.graphql(ISSUE, { input: input({ agencyCode: 'EE-320706' }) }, callers.justice);
    expect(otherBureau.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.caseId', rule: 'ofAgency' });
  });

  it('goes issued → replied → verified, with the bureau, the justice bureau and the procuratorate notified', async () => {
    const { issueSupervisionOpinion: issued } = await ok(hub, ISSUE, { input: input() }, callers.justice);
    expect(issued).toMatchObject({ status: 'ISSUED', ground: 'UNTRANSFERRED_CRIME', region: '320706', agency: { code: 'MR-320706' }, case: { id: caseId }, overdue: false });

    // The addressed bureau and the procuratorate of the region hear of it; the opinion is readable from the notice.
    for (const caller of [callers.marketOfficer, callers.procurator]) {
      expect(await inboxOf(caller)).toContainEqual({ kind: 'SUPERVISION_OPINION_ISSUED', subjectType: 'SUPERVISION_OPINION', subjectId: issued.id, supervisionOpinion: { id: issued.id } });
    }
    // Another bureau of the region, and another region's procuratorate and justice bureau, do not read it.
    for (const caller of [callers.ecoOfficer, callers.nanyangProcurator, nanyangJustice]) {
      expect((await hub.graphql(OPINION, { id: issued.id }, caller)).data?.supervisionOpinion ?? null).toBeNull();
      expect((await inboxOf(caller)).map((n) => n.subjectId)).not.toContain(issued.id);
    }
    expect(await listed(callers.nanyangProcurator)).not.toContain(issued.id);
    expect(await listed(callers.marketOfficer)).toContain(issued.id);
    expect(await listed(callers.ecoOfficer)).not.toContain(issued.id);

    // Only the addressed bureau replies.
    const foreignReply = await hub.graphql(REPLY, { id: issued.id, input: { reply: '已整改', rectified: true } }, callers.ecoOfficer);
    expect(foreignReply.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const emptyReply = await hub.graphql(REPLY, { id: issued.id, input: { reply: '', rectified: true } }, callers.marketOfficer);
    expect(emptyReply.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reply', rule: 'required' });
    const { replyToSupervisionOpinion: replied } = await ok(hub, REPLY, { id: issued.id, input: { reply: '已将案件移送海州区公安分局', rectified: true } }, callers.marketOfficer);
    expect(replied).toMatchObject({ status: 'REPLIED', rectified: true });
    expect((await inboxOf(callers.justice)).map((n) => `${n.kind}:${n.subjectId}`)).toContain(`SUPERVISION_OPINION_REPLIED:${issued.id}`);
    const again = await hub.graphql(REPLY, { id: issued.id, input: { reply: '再次回复', rectified: true } }, callers.marketOfficer);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'transition' });

    // Verified insufficient: the justice bureau must say why; the bureau and the procuratorate hear the outcome.
    const unexplained = await hub.graphql(VERIFY, { id: issued.id, outcome: 'INSUFFICIENT' }, callers.justice);
    expect(unexplained.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note', rule: 'required' });
    expect((await hub.graphql(VERIFY, { id: issued.id, outcome: 'RECTIFIED' }, callers.procurator)).errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    const { verifySupervisionOpinion: verified } = await ok(hub, VERIFY, { id: issued.id, outcome: 'INSUFFICIENT', note: '仅移送部分涉案人员' }, callers.justice);
    expect(verified).toMatchObject({ status: 'CLOSED', outcome: 'INSUFFICIENT', verificationNote: '仅移送部分涉案人员' });
    for (const caller of [callers.marketOfficer, callers.procurator]) {
      expect((await inboxOf(caller)).map((n) => `${n.kind}:${n.subjectId}`)).toContain(`SUPERVISION_OPINION_VERIFIED:${issued.id}`);
    }
  });

  it('is overdue once its rectification deadline passes without a reply, and listed as such', async () => {
    const { issueSupervisionOpinion: issued } = await ok(hub, ISSUE, { input: input({ caseId: null, ground: 'UNENFORCED_DECISION', rectificationDueAt: new Date(Date.now() + 2 * DAY).toISOString() }) }, callers.justice);
    expect(await listed(callers.justice, true)).not.toContain(issued.id);
    await hub.advanceClock(3 * DAY);
    expect((await ok(hub, OPINION, { id: issued.id }, callers.justice)).supervisionOpinion).toMatchObject({ status: 'ISSUED', overdue: true });
    expect(await listed(callers.justice, true)).toContain(issued.id);
    expect(await listed(callers.justice, false)).not.toContain(issued.id);
  });
});
