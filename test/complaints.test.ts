// 投诉举报 (issue 11, seed 003 三(三) 投诉举报制度; 四 平台受理各类行政执法举报、投诉): the justice bureau
// receives a complaint from the public about a bureau of its region, makes it a 行政执法监督意见书 or
// dismisses it with reasons, and answers the complainant by the date it set (the seed sets no
// period). The complainant is personal data: in full to the justice bureau with a stated reason,
// masked to the procuratorate, never to the bureau complained about.
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { startHub, type TestHub } from './support/hub';
import { callers, seedBureaus, type Caller } from './support/fixtures';
import type { Identity } from '../kit/identity';
import { complainantDecision, mayReadComplaint, type ComplaintPlace } from '../subgraphs/justice/resources/complaint';

const DAY = 86_400_000;
const RECORD = `mutation($input: ComplaintInput!) { recordComplaint(input: $input) { id status anonymous region agency { code } answerDueAt overdue } }`;
const HANDLE = `mutation($id: ID!, $op: ID!, $answer: String!) { handleComplaint(id: $id, supervisionOpinionId: $op, answer: $answer) { id status supervisionOpinionId supervisionOpinion { id agency { code } } answer overdue } }`;
const DISMISS = `mutation($id: ID!, $reasons: String!, $answer: String!) { dismissComplaint(id: $id, reasons: $reasons, answer: $answer) { id status dismissalReasons answer } }`;
const ISSUE = `mutation($input: SupervisionOpinionInput!) { issueSupervisionOpinion(input: $input) { id } }`;
const ONE = `query($id: ID!) { complaint(id: $id) { id facts status complainant { name phone } } }`;
const LIST = `query($filter: ComplaintFilter, $first: Int, $after: String) { complaints(filter: $filter, first: $first, after: $after) {
  edges { node { id status overdue agency { code } } } pageInfo { hasNextPage endCursor } } }`;
const withReason = (caller: Caller): Caller => ({ ...caller, reason: '核查投诉人身份以便答复' });
const nanyangJustice: Caller = { role: 'justice_supervisor', org: 'JUS-411302', region: '411302' };

// The row rule, role by role (no hub): a complaint about MR-320706 received by JUS-320706.
const PLACE: ComplaintPlace = { agencyCode: 'MR-320706', receivingUnit: 'JUS-320706', region: '320706', anonymous: false };
const as = (caller: Caller, reason?: string) => ({ sub: 'u', ...caller, reason } as unknown as Identity);

describe('who reads a complaint and its complainant (row rule, no hub)', () => {
  test.each([
    // caller, reads the complaint, complainant named (with a reason), complainant when anonymous (with a reason)
    ['justice bureau of the region', callers.justice, true, 'full', 'full'],
    ['procurator of the region', callers.procurator, true, 'masked', 'denied'],
    ['the bureau complained about', callers.marketOfficer, true, 'denied', 'denied'],
    ['another bureau of the region', callers.ecoOfficer, false, 'denied', 'denied'],
    ['public security of the region', callers.psb, false, 'denied', 'denied'],
    ['justice bureau of another region', { role: 'justice_supervisor', org: 'JUS-411302', region: '411302' }, false, 'denied', 'denied'],
    ['procurator of another region', callers.nanyangProcurator, false, 'denied', 'denied'],
    ['platform admin', callers.admin, false, 'denied', 'denied'],
  ] as const)('%s', (_, caller, reads, named, anonymous) => {
    const identity = as(caller as Caller, '核查');
    expect(mayReadComplaint(identity, PLACE)).toBe(reads);
    expect(complainantDecision(identity, PLACE)).toBe(named);
    expect(complainantDecision(identity, { ...PLACE, anonymous: true })).toBe(anonymous);
  });

  it('gives the justice bureau the complainant masked when it states no reason', () => {
    expect(complainantDecision(as(callers.justice), PLACE)).toBe('masked');
  });
});

describe('投诉举报 (complaints and reports from the public)', () => {
  let hub: TestHub;
  const ok = async (query: string, variables: Record<string, unknown>, caller: Caller): Promise<any> => {
    const { data, errors } = await hub.graphql(query, variables, caller);
    expect(errors).toBeUndefined();
    return data;
  };
  const input = (overrides: Record<string, unknown> = {}) => ({
    agencyCode: 'MR-320706', anonymous: false, complainantName: '李秀英', complainantPhone: '13912345678',
    facts: '市场监管局对同一销售伪劣电线行为只罚款未移送', answerDueAt: new Date(Date.now() + 15 * DAY).toISOString(), ...overrides,
  });
  const listed = async (caller: Caller, filter: Record<string, unknown> = {}) =>
    (await ok(LIST, { filter, first: 50 }, caller)).complaints.edges.map((e: any) => e.node);

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  }, 120_000);
  afterAll(() => hub?.stop());

  it.each([
    ['agency_officer', callers.marketOfficer],
    ['psb_officer', callers.psb],
    ['procurator', callers.procurator],
    ['platform_admin', callers.admin],
  ] as const)('is not recorded by a %s (no complaint:handle)', async (_, caller) => {
    const refused = await hub.graphql(RECORD, { input: input() }, caller);
    expect(refused.data?.recordComplaint ?? null).toBeNull();
    expect(refused.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('is not recorded by the justice bureau of another region (the bureau lies outside its jurisdiction)', async () => {
    const refused = await hub.graphql(RECORD, { input: input() }, nanyangJustice);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.agencyCode', rule: 'jurisdiction' });
  });

  it('refuses bad input naming every broken rule at once, and writes nothing', async () => {
    const refused = await hub.graphql(RECORD, { input: input({
      agencyCode: 'MR-999999', complainantName: null, complainantPhone: '12345', facts: ' ',
      caseId: '00000000-0000-4000-8000-000000000000', answerDueAt: new Date(Date.now() - DAY).toISOString(),
    }) }, callers.justice);
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((refused.errors![0].extensions!.violations as any[]).map((v) => `${v.field}:${v.rule}`).sort()).toEqual([
      'input.agencyCode:exists', 'input.answerDueAt:future', 'input.caseId:exists', 'input.complainantName:required',
      'input.complainantPhone:phone', 'input.facts:required',
    ]);
    expect(await listed(callers.justice)).toEqual([]);
  });

  it('shows the complainant in full to the justice bureau, masked to the procurator, never to the bureau complained about', async () => {
    const { recordComplaint: c } = await ok(RECORD, { input: input() }, callers.justice);
    expect(c).toMatchObject({ status: 'RECEIVED', anonymous: false, region: '320706', agency: { code: 'MR-320706' }, overdue: false });
    const seen = async (caller: Caller) => (await ok(ONE, { id: c.id }, caller)).complaint;
    expect((await seen(withReason(callers.justice))).complainant).toEqual({ name: '李秀英', phone: '13912345678' });
    expect((await seen(callers.justice)).complainant).toEqual({ name: '李**', phone: '139****5678' });
    expect((await seen(withReason(callers.procurator))).complainant).toEqual({ name: '李**', phone: '139****5678' });
    // The bureau complained about reads what it is accused of, not who said it.
    const bureau = await hub.graphql(ONE, { id: c.id }, withReason(callers.marketOfficer));
    expect(bureau.data?.complaint).toMatchObject({ id: c.id, facts: input().facts, complainant: null });
    // Another bureau does not see the complaint at all.
    expect((await hub.graphql(ONE, { id: c.id }, callers.ecoOfficer)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await listed(callers.ecoOfficer)).map((n: any) => n.id)).not.toContain(c.id);

    // Anonymous: the procurator gets nothing of the complainant either.
    const { recordComplaint: anon } = await ok(RECORD, { input: input({ anonymous: true, complainantName: null }) }, callers.justice);
    expect((await ok(ONE, { id: anon.id }, withReason(callers.justice))).complaint.complainant).toEqual({ name: null, phone: '13912345678' });
    expect((await ok(ONE, { id: anon.id }, withReason(callers.procurator))).complaint.complainant).toBeNull();
    await ok(DISMISS, { id: anon.id, reasons: '重复投诉', answer: '已电话告知' }, callers.justice);
  });

  it('becomes a supervision opinion to the same bureau, or is dismissed with reasons; a closed one is not closed again', async () => {
    const { recordComplaint: c } = await ok(RECORD, { input: input({ facts: '执法人员未出示证件即检查' }) }, callers.justice);
    const { issueSupervisionOpinion: other } = await ok(ISSUE, { input: { agencyCode: 'EE-320706', ground: 'OTHER', facts: '另案', requirement: '整改', rectificationDueAt: new Date(Date.now() + 10 * DAY).toISOString() } }, callers.justice);
    const wrong = await hub.graphql(HANDLE, { id: c.id, op: other.id, answer: '已立案监督' }, callers.justice);
    expect(wrong.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'supervisionOpinionId', rule: 'ofAgency' });

    const { issueSupervisionOpinion: opinion } = await ok(ISSUE, { input: { agencyCode: 'MR-320706', ground: 'ABUSED_DISCRETION', facts: '执法人员未出示证件即检查', requirement: '规范检查程序', rectificationDueAt: new Date(Date.now() + 10 * DAY).toISOString() } }, callers.justice);
    const { handleComplaint: handled } = await ok(HANDLE, { id: c.id, op: opinion.id, answer: '已向该局发出行政执法监督意见书' }, callers.justice);
    expect(handled).toMatchObject({ status: 'HANDLED', supervisionOpinionId: opinion.id, supervisionOpinion: { id: opinion.id, agency: { code: 'MR-320706' } }, answer: '已向该局发出行政执法监督意见书', overdue: false });

    const again = await hub.graphql(DISMISS, { id: c.id, reasons: '不属实', answer: '经查不属实' }, callers.justice);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'transition' });
    const noReasons = await hub.graphql(DISMISS, { id: c.id, reasons: ' ', answer: ' ' }, callers.justice);
    expect((noReasons.errors![0].extensions!.violations as any[]).map((v) => v.field).sort()).toEqual(['answer', 'reasons']);
    // The procurator reads the complaint but does not close it.
    const byProcurator = await hub.graphql(DISMISS, { id: c.id, reasons: '不属实', answer: '经查不属实' }, callers.procurator);
    expect(byProcurator.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('is overdue once its answer date passes while still RECEIVED, and lists by status, bureau and overdue, page by page', async () => {
    const { recordComplaint: open } = await ok(RECORD, { input: input({ agencyCode: 'EE-320706', answerDueAt: new Date(Date.now() + 5 * DAY).toISOString() }) }, callers.justice);
    const { recordComplaint: dismissed } = await ok(RECORD, { input: input({ agencyCode: 'EE-320706', answerDueAt: new Date(Date.now() + 5 * DAY).toISOString() }) }, callers.justice);
    await ok(DISMISS, { id: dismissed.id, reasons: '不属于行政执法监督范围', answer: '已告知向有关部门反映' }, callers.justice);
    expect(await listed(callers.justice, { overdue: true })).toEqual([]);

    await hub.advanceClock(6 * DAY);
    const overdue = await listed(callers.procurator, { overdue: true });
    expect(overdue.map((n: any) => n.id)).toEqual([open.id]);
    expect(overdue[0]).toMatchObject({ status: 'RECEIVED', overdue: true, agency: { code: 'EE-320706' } });
    expect((await listed(callers.justice, { agencyCode: 'EE-320706', status: 'DISMISSED' })).map((n: any) => n.id)).toEqual([dismissed.id]);
    expect((await listed(callers.justice, { overdue: false })).map((n: any) => n.id)).not.toContain(open.id);

    // Keyset pages: two at a time, newest first, nothing repeated or lost.
    const all = (await listed(callers.justice)).map((n: any) => n.id);
    const paged: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await ok(LIST, { first: 2, after }, callers.justice)).complaints;
      paged.push(...page.edges.map((e: any) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged).toEqual(all);
    expect(all.length).toBeGreaterThanOrEqual(4);
  });
});
