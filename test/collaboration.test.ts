// Collaboration matters between the owners (issue 11): 案件咨询 answered in 7 days (中办发〔2011〕8号),
// 提前介入 accepted or declined with reasons, 线索 answered with feedback, 交办 reported back and urged
// (督办) once overdue. Each unit hears of what concerns it in its inbox; only the two units and the
// supervisors of the region read a matter; bad input is refused all at once and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, seedBureaus, type Caller } from './support/fixtures';

const FIELDS = 'id kind requesterUnit addresseeUnit region case { id } subject status overdue answer answerDueAt requestedAt urgeCount';
const REQUEST = `mutation($input: CollaborationRequestInput!) { requestCollaboration(input: $input) { ${FIELDS} } }`;
const ANSWER = `mutation($id: ID!, $input: CollaborationAnswerInput!) { answerCollaboration(id: $id, input: $input) { ${FIELDS} } }`;
const URGE = `mutation($id: ID!, $note: String) { urgeCollaboration(id: $id, note: $note) { ${FIELDS} } }`;
const MATTER = `query($id: ID!) { collaborationMatter(id: $id) { ${FIELDS} } }`;
const LIST = `query($overdue: Boolean, $kind: CollaborationKind) { collaborationMatters(overdue: $overdue, kind: $kind, first: 100) { edges { node { id } } } }`;
const OVERDUE = `{ overdue { collaborationMatters { id overdue } } }`;
const INBOX = `{ inbox(first: 100) { edges { node { kind subjectType subjectId collaborationMatter { id } } } } }`;
const DAY = 86_400_000;
const nanyangJustice: Caller = { role: 'justice_supervisor', org: 'JUS-411302', region: '411302' };
const auditor: Caller = { role: 'auditor', org: 'AUDIT' };

async function ok(hub: TestHub, query: string, variables: Record<string, unknown> | undefined, caller: Caller): Promise<any> {
  const { data, errors } = await hub.graphql(query, variables, caller);
  expect(errors).toBeUndefined();
  return data;
}

describe('collaboration matters (案件咨询, 提前介入, 线索, 交办/督办)', () => {
  let hub: TestHub;
  let caseId: string;
  const request = async (caller: Caller, input: Record<string, unknown>) => (await ok(hub, REQUEST, { input }, caller)).requestCollaboration;
  const consultation = (overrides: Record<string, unknown> = {}) => ({
    kind: 'CONSULTATION', addresseeUnit: 'PSB-320706', caseId, subject: '销售伪劣产品案，货值金额计算方式是否达到刑事追诉标准，请予答复', ...overrides,
  });
  const inboxOf = async (caller: Caller) => (await ok(hub, INBOX, undefined, caller)).inbox.edges.map((e: any) => e.node) as
    { kind: string; subjectType: string; subjectId: string; collaborationMatter: { id: string } | null }[];
  const listed = async (caller: Caller, overdue?: boolean) =>
    (await ok(hub, LIST, { overdue }, caller)).collaborationMatters.edges.map((e: any) => e.node.id) as string[];

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    caseId = await recordMarketCase(hub);
  }, 120_000);
  afterAll(() => hub?.stop());

  // Who may open which kind, to whom: the scope from policy.json, then the kind's addressees and the reach.
  it.each([
    ['agency_officer asks public security (案件咨询)', 'OPEN', callers.marketOfficer, { kind: 'CONSULTATION', addresseeUnit: 'PSB-320706' }],
    ['agency_officer asks the procuratorate (案件咨询)', 'OPEN', callers.marketOfficer, { kind: 'CONSULTATION', addresseeUnit: 'PROC-320706' }],
    ['agency_officer asks a bureau (案件咨询 goes to public security or the procuratorate)', 'receives', callers.marketOfficer, { kind: 'CONSULTATION', addresseeUnit: 'EE-320706' }],
    ['psb_officer hands a clue to the procuratorate', 'OPEN', callers.psb, { kind: 'CLUE', addresseeUnit: 'PROC-320706', caseId: null }],
    ['agency_officer assigns (交办 is a supervisor\'s)', 'FORBIDDEN', callers.marketOfficer, { kind: 'ASSIGNMENT', addresseeUnit: 'EE-320706', caseId: null }],
    ['justice_supervisor assigns to a bureau of its region', 'OPEN', callers.justice, { kind: 'ASSIGNMENT', addresseeUnit: 'MR-320706' }],
    ['procurator assigns to a bureau of its region', 'OPEN', callers.procurator, { kind: 'ASSIGNMENT', addresseeUnit: 'EE-320706', caseId: null }],
    ['justice_supervisor assigns to a bureau of another region', 'jurisdiction', nanyangJustice, { kind: 'ASSIGNMENT', addresseeUnit: 'MR-320706', caseId: null }],
    ['justice_supervisor assigns to public security (交办 goes to a bureau)', 'receives', callers.justice, { kind: 'ASSIGNMENT', addresseeUnit: 'PSB-320706', caseId: null }],
    ['platform_admin asks anything', 'UNAUTHORIZED_FIELD_OR_TYPE', callers.admin, { kind: 'CONSULTATION', addresseeUnit: 'PSB-320706', caseId: null }],
    ['auditor asks anything', 'UNAUTHORIZED_FIELD_OR_TYPE', auditor, { kind: 'CLUE', addresseeUnit: 'PSB-320706', caseId: null }],
  ] as const)('%s → %s', async (_, outcome, caller, overrides) => {
    const due = overrides.kind === 'ASSIGNMENT' ? { answerDueAt: new Date(Date.now() + 10 * DAY).toISOString() } : {};
    const { data, errors } = await hub.graphql(REQUEST, { input: consultation({ ...overrides, ...due }) }, caller);
    if (outcome === 'OPEN') {
      expect(errors).toBeUndefined();
      expect(data.requestCollaboration).toMatchObject({ status: 'OPEN', requesterUnit: caller.org, addresseeUnit: overrides.addresseeUnit, region: '320706' });
    } else if (outcome === 'FORBIDDEN' || outcome === 'UNAUTHORIZED_FIELD_OR_TYPE') {
      expect(data?.requestCollaboration ?? null).toBeNull();
      expect(errors?.[0].extensions?.code).toBe(outcome);
    } else {
      expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.addresseeUnit', rule: outcome });
    }
  });

  // Who may answer a consultation addressed to PSB-320706: that unit only; the region's supervisors read it, do not answer.
  it.each([
    ['the addressed unit (psb_officer of PSB-320706)', 'ANSWERED', callers.psb],
    ['the requesting bureau', 'FORBIDDEN', callers.marketOfficer],
    ['the procuratorate of the region (reads it as supervisor)', 'FORBIDDEN', callers.procurator],
    ['the justice bureau of the region (reads it as supervisor)', 'FORBIDDEN', callers.justice],
    ['public security of another region', 'NOT_FOUND', callers.nanyangPsb],
    ['a platform_admin', 'UNAUTHORIZED_FIELD_OR_TYPE', callers.admin],
  ] as const)('answering: %s → %s', async (_, outcome, caller) => {
    const asked = await request(callers.marketOfficer, consultation({ caseId: null }));
    const { data, errors } = await hub.graphql(ANSWER, { id: asked.id, input: { answer: '经研究，货值金额应按标价计算，已达追诉标准' } }, caller);
    if (outcome === 'ANSWERED') expect(data.answerCollaboration).toMatchObject({ id: asked.id, status: 'ANSWERED' });
    else expect(errors?.[0].extensions?.code).toBe(outcome);
  });

  it('refuses bad input naming every broken rule at once, and writes nothing', async () => {
    const before = await listed(callers.marketOfficer);
    const refused = await hub.graphql(REQUEST, { input: consultation({
      addresseeUnit: 'PSB-999999', subject: '   ', caseId: '00000000-0000-4000-8000-000000000000', answerDueAt: new Date(Date.now() + 3 * DAY).toISOString(),
    }) }, callers.marketOfficer);
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((refused.errors?.[0].extensions?.violations as { field: string; rule: string }[]).map((v) => `${v.field}:${v.rule}`).sort()).toEqual([
      'input.addresseeUnit:exists', 'input.answerDueAt:byLaw', 'input.caseId:exists', 'input.subject:required',
    ]);
    // A case the requester cannot read (another bureau's) is no case to it; a unit does not address itself.
    const foreignCase = await hub.graphql(REQUEST, { input: consultation({ kind: 'CLUE', addresseeUnit: 'EE-320706' }) }, callers.ecoOfficer);
    expect((foreignCase.errors?.[0].extensions?.violations as { field: string; rule: string }[]).map((v) => `${v.field}:${v.rule}`)).toEqual(['input.addresseeUnit:notSelf', 'input.caseId:exists']);
    const undated = await hub.graphql(REQUEST, { input: consultation({ kind: 'ASSIGNMENT', addresseeUnit: 'MR-320706' }) }, callers.justice);
    expect(undated.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.answerDueAt', rule: 'required' });
    expect(await listed(callers.marketOfficer)).toEqual(before);
  });

  it('a consultation answered in time: public security is notified, answers, the bureau hears the answer; the subject\'s release is audited', async () => {
    const asked = await request(callers.marketOfficer, consultation());
    expect(asked).toMatchObject({ kind: 'CONSULTATION', status: 'OPEN', case: { id: caseId }, overdue: false });
    // 7 days from receipt, ending at 24:00 Beijing time (rolled past rest days): never less than 7 days away.
    expect(new Date(asked.answerDueAt).getTime() - new Date(asked.requestedAt).getTime()).toBeGreaterThanOrEqual(7 * DAY);
    expect(await inboxOf(callers.psb)).toContainEqual({ kind: 'COLLABORATION_REQUESTED', subjectType: 'COLLABORATION_MATTER', subjectId: asked.id, collaborationMatter: { id: asked.id } });

    const empty = await hub.graphql(ANSWER, { id: asked.id, input: { answer: ' ' } }, callers.psb);
    expect(empty.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.answer', rule: 'required' });
    const { answerCollaboration: answered } = await ok(hub, ANSWER, { id: asked.id, input: { answer: '经研究，已达追诉标准，请依法移送' } }, callers.psb);
    expect(answered).toMatchObject({ status: 'ANSWERED', answer: '经研究，已达追诉标准，请依法移送', overdue: false });
    expect((await inboxOf(callers.marketOfficer)).map((n) => `${n.kind}:${n.subjectId}`)).toContain(`COLLABORATION_ANSWERED:${asked.id}`);
    const twice = await hub.graphql(ANSWER, { id: asked.id, input: { answer: '再次答复' } }, callers.psb);
    expect(twice.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'transition' });

    const LOG = `query($filter: AuditFilter) { auditLog(filter: $filter, first: 50) { edges { node { org coordinate entityId decision } } } }`;
    const entries = await eventually(async () => {
      const found = (await ok(hub, LOG, { filter: { entityId: asked.id } }, auditor)).auditLog.edges.map((e: any) => e.node);
      return found.some((e: any) => e.coordinate === 'CollaborationMatter.answer') ? found : undefined;
    });
    expect(entries).toContainEqual({ org: 'PSB-320706', coordinate: 'CollaborationMatter.subject', entityId: asked.id, decision: 'FULL' });
  });

  it('提前介入 is accepted or declined, with reasons', async () => {
    const asked = await request(callers.marketOfficer, consultation({ kind: 'EARLY_INTERVENTION', subject: '当事人可能转移涉案物品，商请提前介入' }));
    expect(asked.answerDueAt).toBeNull();
    const unsaid = await hub.graphql(ANSWER, { id: asked.id, input: { answer: '同意' } }, callers.psb);
    expect(unsaid.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.outcome', rule: 'required' });
    const wrong = await hub.graphql(ANSWER, { id: asked.id, input: { answer: '已答复', outcome: 'ANSWERED' } }, callers.psb);
    expect(wrong.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.outcome', rule: 'oneOf' });
    const { answerCollaboration: declined } = await ok(hub, ANSWER, { id: asked.id, input: { answer: '尚无证据表明涉嫌犯罪，暂不介入', outcome: 'DECLINED' } }, callers.psb);
    expect(declined).toMatchObject({ status: 'DECLINED', answer: '尚无证据表明涉嫌犯罪，暂不介入' });
  });

  it('a clue handed to a bureau comes back with feedback (线索接受反馈)', async () => {
    const clue = await request(callers.psb, { kind: 'CLUE', addresseeUnit: 'MR-320706', subject: '群众举报某超市销售假冒白酒，线索移交市场监管局核查' });
    expect(await inboxOf(callers.marketOfficer)).toContainEqual({ kind: 'COLLABORATION_REQUESTED', subjectType: 'COLLABORATION_MATTER', subjectId: clue.id, collaborationMatter: { id: clue.id } });
    const { answerCollaboration: fed } = await ok(hub, ANSWER, { id: clue.id, input: { answer: '已立案查处，罚款二万元' } }, callers.marketOfficer);
    expect(fed).toMatchObject({ kind: 'CLUE', status: 'ANSWERED', answer: '已立案查处，罚款二万元' });
    expect((await inboxOf(callers.psb)).map((n) => `${n.kind}:${n.subjectId}`)).toContain(`COLLABORATION_ANSWERED:${clue.id}`);
  });

  it('another unit or region sees nothing; the supervisors of the region read the region\'s matters', async () => {
    const asked = await request(callers.marketOfficer, consultation());
    for (const caller of [callers.ecoOfficer, callers.nanyangPsb, callers.nanyangProcurator, nanyangJustice, callers.nanyangMarketOfficer]) {
      expect((await hub.graphql(MATTER, { id: asked.id }, caller)).data?.collaborationMatter ?? null).toBeNull();
      expect(await listed(caller)).not.toContain(asked.id);
      expect((await inboxOf(caller)).map((n) => n.subjectId)).not.toContain(asked.id);
    }
    for (const caller of [callers.marketOfficer, callers.psb, callers.procurator, callers.justice]) {
      expect((await ok(hub, MATTER, { id: asked.id }, caller)).collaborationMatter).toMatchObject({ id: asked.id });
      expect(await listed(caller)).toContain(asked.id);
    }
    // Keyset pages (kit/cursor.ts): newest first, the next page after the cursor, none listed twice.
    const PAGE = `query($after: String) { collaborationMatters(first: 2, after: $after) { edges { node { id requestedAt } } pageInfo { hasNextPage endCursor } } }`;
    const one = (await ok(hub, PAGE, {}, callers.marketOfficer)).collaborationMatters;
    const two = (await ok(hub, PAGE, { after: one.pageInfo.endCursor }, callers.marketOfficer)).collaborationMatters;
    expect(one.pageInfo.hasNextPage).toBe(true);
    const times = [...one.edges, ...two.edges].map((e: any) => new Date(e.node.requestedAt).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set([...one.edges, ...two.edges].map((e: any) => e.node.id)).size).toBe(4);
    // The public holds no scope for it: the gateway withholds it.
    const anonymous = await hub.graphql(MATTER, { id: asked.id }, { role: 'public' });
    expect(anonymous.data?.collaborationMatter ?? null).toBeNull();
    expect(['UNAUTHORIZED_FIELD_OR_TYPE', 'UNAUTHENTICATED']).toContain(anonymous.errors?.[0].extensions?.code);
  });

  it('overdue once its due date passes unanswered: listed as overdue, urged (督办) by the requester, then reported back', async () => {
    const asked = await request(callers.marketOfficer, consultation({ addresseeUnit: 'PROC-320706' }));
    const assigned = await request(callers.justice, { kind: 'ASSIGNMENT', addresseeUnit: 'MR-320706', subject: '核查群众反映的执法不规范问题并报告', answerDueAt: new Date(Date.now() + 5 * DAY).toISOString() });
    expect(await inboxOf(callers.marketOfficer)).toContainEqual({ kind: 'COLLABORATION_REQUESTED', subjectType: 'COLLABORATION_MATTER', subjectId: assigned.id, collaborationMatter: { id: assigned.id } });
    const early = await hub.graphql(URGE, { id: assigned.id }, callers.justice);
    expect(early.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', rule: 'overdue' });
    expect(await listed(callers.marketOfficer, true)).not.toContain(asked.id);

    await hub.advanceClock(12 * DAY);
    expect((await ok(hub, MATTER, { id: asked.id }, callers.marketOfficer)).collaborationMatter).toMatchObject({ status: 'OPEN', overdue: true });
    expect(await listed(callers.marketOfficer, true)).toContain(asked.id);
    expect(await listed(callers.marketOfficer, false)).not.toContain(asked.id);
    for (const caller of [callers.marketOfficer, callers.procurator]) {
      expect((await ok(hub, OVERDUE, undefined, caller)).overdue.collaborationMatters).toContainEqual({ id: asked.id, overdue: true });
    }
    expect((await ok(hub, OVERDUE, undefined, callers.justice)).overdue.collaborationMatters).toContainEqual({ id: assigned.id, overdue: true });
    expect((await ok(hub, OVERDUE, undefined, callers.nanyangProcurator)).overdue.collaborationMatters.map((m: any) => m.id)).not.toContain(asked.id);
    // The platform's watch tells both units once a matter is overdue (the addressed unit reminded, the requester told).
    const noticed = (caller: Caller, id: string) => eventually(async () =>
      ((await inboxOf(caller)).some((n) => n.kind === 'COLLABORATION_OVERDUE' && n.subjectId === id) ? true : undefined), 10_000, `overdue notice of ${id} to ${caller.org}`);
    await noticed(callers.procurator, asked.id);
    await noticed(callers.marketOfficer, asked.id);
    await noticed(callers.justice, assigned.id);
    expect((await inboxOf(callers.marketOfficer)).filter((n) => n.kind === 'COLLABORATION_OVERDUE' && n.subjectId === assigned.id)).toHaveLength(1);

    // 督办: only the assigner urges; the bureau is reminded; its report back closes the matter.
    expect((await hub.graphql(URGE, { id: assigned.id }, callers.procurator)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const { urgeCollaboration: urged } = await ok(hub, URGE, { id: assigned.id, note: '请于三日内报告' }, callers.justice);
    expect(urged).toMatchObject({ status: 'OPEN', urgeCount: 1 });
    expect((await inboxOf(callers.marketOfficer)).map((n) => `${n.kind}:${n.subjectId}`)).toContain(`COLLABORATION_URGED:${assigned.id}`);
    const { answerCollaboration: reported } = await ok(hub, ANSWER, { id: assigned.id, input: { answer: '已核查，相关执法人员已整改' } }, callers.marketOfficer);
    expect(reported).toMatchObject({ status: 'ANSWERED', overdue: false, urgeCount: 1 });
    expect((await inboxOf(callers.justice)).map((n) => `${n.kind}:${n.subjectId}`)).toContain(`COLLABORATION_ANSWERED:${assigned.id}`);
    expect((await ok(hub, OVERDUE, undefined, callers.justice)).overdue.collaborationMatters.map((m: any) => m.id)).not.toContain(assigned.id);
  });
});
