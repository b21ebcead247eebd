// 立案监督 end to end, through the gateway (刑事诉讼法 第113条; 国务院令第310号 第九条; 刑诉规则 2019
// 第五百五十九条、第五百六十一条): a refusal, its reconsideration upheld, the bureau asks the
// procuratorate, the procurator asks public security to explain (7 days from receipt), orders
// filing (15 days from receipt), and public security files: at each step the state, the
// deadlines, the inbox notices, and what each role sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, seedBureaus, type Caller } from './support/fixtures';
import { randomUUID } from 'node:crypto';
import { dueAt } from '../kit/deadlines';
import { IDENTITY_HEADER } from '../kit/identity';

const DAY = 86_400_000;

const MATTER_FIELDS = `id status refusalStage refusedAt refusalReason requestDueAt requestedAt requestReason procuratorateCode agencyCode acceptingUnit
  explanationRequestedAt explanationReceivedAt explanationDueAt explanationOverdue explanation explainedAt explanationArrivedAt agencyAnswerDueAt
  decision decisionReason orderReceivedAt filingDueAt correctionDue correctionNoticedAt filedAt transfer { id status }`;
const REQUEST_FIELDS = `id status procuratorateCode explanationReceivedAt explanationDueAt explanation explainedAt orderReceivedAt filingDueAt
  correctionNoticedAt filedAt dueAt overdue transfer { id status }`;

const QUEUE = `query($status: FilingSupervisionStatus, $first: Int, $after: String) { filingSupervisions(status: $status, first: $first, after: $after) {
  edges { cursor node { ${MATTER_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const MATTER = `query($id: ID!) { filingSupervision(id: $id) { ${MATTER_FIELDS} } }`;
const PS_LIST = `query($open: Boolean) { filingSupervisionRequests(open: $open, first: 100) { edges { node { ${REQUEST_FIELDS} } } } }`;
const TRANSFER_VIEW = `query($id: ID!) { transfer(id: $id) { id status filingSupervision { ${REQUEST_FIELDS} } } }`;
const CASE_VIEW = `query($id: ID!) { case(id: $id) { id transfer { status } filingSupervision { id status } } }`;
const INBOX = `{ inbox(first: 100) { edges { node { id kind title subjectType subjectId } } } }`;

const TRANSFER = `mutation($caseId: ID!) { transferCase(caseId: $caseId, input: { summary: "涉嫌销售伪劣产品罪，销售金额已达追诉标准", materials: ["调查报告", "涉案物品清单"] }) { id } }`;
const ACCEPT = `mutation($id: ID!) { acceptTransfer(id: $id) { id } }`;
const DECIDE = `mutation($id: ID!, $reason: String) { decideTransfer(id: $id, decision: NOT_FILE, reason: $reason) { id status decidedAt } }`;
const RECONSIDER_REQUEST = `mutation($id: ID!) { requestReconsideration(id: $id, reason: "销售金额已达追诉标准，应当立案") { id status } }`;
const RECONSIDER = `mutation($id: ID!) { decideReconsideration(id: $id, decision: NOT_FILE, reason: "维持原决定：证据不足") { id status reconsideredAt } }`;
const REQUEST = `mutation($transferId: ID!, $reason: String!) { requestFilingSupervision(transferId: $transferId, reason: $reason) { ${MATTER_FIELDS} } }`;
const REQUIRE = `mutation($id: ID!) { requireFilingExplanation(id: $id, reason: "请说明不立案理由") { ${MATTER_FIELDS} } }`;
const EXPLAIN = `mutation($id: ID!) { explainNonFiling(id: $id, explanation: "现有证据不能证明销售金额达到五万元") { ${REQUEST_FIELDS} } }`;
const DECIDE_MATTER = `mutation($id: ID!, $decision: FilingSupervisionDecision!) { decideFilingSupervision(id: $id, decision: $decision, reason: "检验报告与销售台账足以证明销售金额") { ${MATTER_FIELDS} } }`;
const CORRECTION = `mutation($id: ID!) { issueFilingCorrectionNotice(id: $id) { ${MATTER_FIELDS} } }`;
const FILE = `mutation($id: ID!) { fileOnOrder(id: $id) { ${REQUEST_FIELDS} } }`;

async function ok(hub: TestHub, query: string, variables: Record<string, unknown> | undefined, caller: Caller): Promise<any> {
  const { data, errors } = await hub.graphql(query, variables, caller);
  expect(errors).toBeUndefined();
  return data;
}

describe('filing supervision (立案监督), the whole chain', () => {
  let hub: TestHub;
  /** The matter the walk below ends with, for the role tables after it. */
  let walked: { matterId: string; transferId: string };

  const inboxOf = async (caller: Caller) => (await ok(hub, INBOX, undefined, caller)).inbox.edges.map((e: any) => e.node) as any[];
  const notice = (caller: Caller, kind: string, transferId: string) => eventually(async () =>
    (await inboxOf(caller)).find((n) => n.kind === kind && n.subjectId === transferId && n.subjectType === 'CASE_TRANSFER'), 10_000,
  `${kind} for ${transferId} in the inbox of ${caller.org}`);
  const noNotice = async (caller: Caller, transferId: string) =>
    expect((await inboxOf(caller)).filter((n) => n.subjectId === transferId)).toEqual([]);
  const matterOf = (transferId: string, status: string, caller: Caller = callers.procurator) => eventually(async () => {
    const { filingSupervisions } = await ok(hub, QUEUE, { status, first: 100 }, caller);
    return filingSupervisions.edges.map((e: any) => e.node).find((m: any) => m.transfer.id === transferId);
  }, 10_000, `a ${status} matter on ${transferId}`);
  const matter = async (id: string, caller: Caller = callers.procurator) => (await ok(hub, MATTER, { id }, caller)).filingSupervision;
  const psView = (transferId: string, until: (r: any) => boolean, caller: Caller = callers.psb) => eventually(async () => {
    const r = (await ok(hub, TRANSFER_VIEW, { id: transferId }, caller)).transfer?.filingSupervision;
    return r && until(r) ? r : undefined;
  }, 10_000, `public security's view of ${transferId}`);
  const expectRule = (result: { data?: any; errors?: readonly any[] }, rule: string, field = 'id') => {
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field, rule });
  };

  /** A case transferred, accepted and refused by PSB-320706. */
  const refused = async () => {
    const caseId = await recordMarketCase(hub);
    const { transferCase } = await ok(hub, TRANSFER, { caseId }, callers.marketOfficer);
    await ok(hub, ACCEPT, { id: transferCase.id }, callers.psb);
    const { decideTransfer } = await ok(hub, DECIDE, { id: transferCase.id, reason: '情节显著轻微，不认为是犯罪' }, callers.psb);
    return { caseId, transferId: transferCase.id as string, decidedAt: new Date(decideTransfer.decidedAt) };
  };

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  });
  afterAll(() => hub?.stop());

  it('walks refusal → reconsideration upheld → the bureau asks → 说明理由 → 通知立案 → FILED', async () => {
    // ── 不予立案: copied to the procuratorate's inbox at once (抄送), and a matter awaits review.
    const { caseId, transferId, decidedAt } = await refused();
    await notice(callers.procurator, 'TRANSFER_DECIDED', transferId);
    await notice(callers.marketOfficer, 'TRANSFER_DECIDED', transferId);
    const first = await matterOf(transferId, 'REFUSED');
    expect(first).toMatchObject({ status: 'REFUSED', refusalStage: 'DECISION', refusalReason: '情节显著轻微，不认为是犯罪', agencyCode: 'MR-320706', acceptingUnit: 'PSB-320706', procuratorateCode: null });
    // The bureau may ask directly within the 3 days it has for reconsideration (第九条), from its receipt of the refusal.
    expect(first.requestDueAt).toBe(dueAt('reconsiderationRequest', { receivedAt: decidedAt }).toISOString());

    // ── 复议 upheld: copied again; the matter now runs from the reconsideration decision.
    await ok(hub, RECONSIDER_REQUEST, { id: transferId }, callers.marketOfficer);
    const { decideReconsideration } = await ok(hub, RECONSIDER, { id: transferId }, callers.psb);
    const reconsideredAt = new Date(decideReconsideration.reconsideredAt);
    await notice(callers.procurator, 'RECONSIDERATION_DECIDED', transferId);
    const upheld = await eventually(async () => {
      const m = await matter(first.id);
      return m.refusalStage === 'RECONSIDERATION' ? m : undefined;
    });
    expect(upheld).toMatchObject({ id: first.id, status: 'REFUSED', refusalReason: '维持原决定：证据不足' });
    expect(upheld.requestDueAt).toBe(dueAt('supervisionRequest', { receivedAt: reconsideredAt }).toISOString());

    // Nothing to decide yet: a decision on a matter nobody explained is a bad transition.
    expectRule(await hub.graphql(DECIDE_MATTER, { id: first.id, decision: 'ORDER_FILING' }, callers.procurator), 'transition');

    // ── 提请立案监督 by the bureau; only the transferring bureau may ask.
    const stranger = await hub.graphql(REQUEST, { transferId, reason: '应当立案' }, callers.ecoOfficer);
    expect(stranger.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const { requestFilingSupervision: requested } = await ok(hub, REQUEST, { transferId, reason: '销售金额六万二千元，已达追诉标准' }, callers.marketOfficer);
    expect(requested).toMatchObject({ status: 'REQUESTED', requestReason: '销售金额六万二千元，已达追诉标准' });
    await notice(callers.procurator, 'FILING_SUPERVISION_REQUESTED', transferId);
    expectRule(await hub.graphql(REQUEST, { transferId, reason: '再次提请' }, callers.marketOfficer), 'transition');

    // ── 要求说明不立案理由: the procurator takes the matter up; public security receives it and owes an explanation in 7 days from receipt.
    const { requireFilingExplanation: asked } = await ok(hub, REQUIRE, { id: first.id }, callers.procurator);
    expect(asked).toMatchObject({ status: 'EXPLANATION_REQUESTED', procuratorateCode: 'PROC-320706' });
    await notice(callers.psb, 'FILING_EXPLANATION_REQUESTED', transferId);
    await notice(callers.marketOfficer, 'FILING_EXPLANATION_REQUESTED', transferId);
    const owed = await psView(transferId, (r) => r.status === 'EXPLANATION_REQUESTED');
    expect(owed).toMatchObject({ id: first.id, procuratorateCode: 'PROC-320706', overdue: false, transfer: { id: transferId, status: 'RECONSIDERATION_UPHELD' } });
    expect(owed.explanationDueAt).toBe(dueAt('filingExplanation', { receivedAt: new Date(owed.explanationReceivedAt) }).toISOString());
    expect(owed.dueAt).toBe(owed.explanationDueAt);
    // The procuratorate learns of the receipt and shows the same due date.
    const tracked = await eventually(async () => { const m = await matter(first.id); return m.explanationDueAt ? m : undefined; });
    expect(tracked).toMatchObject({ explanationReceivedAt: owed.explanationReceivedAt, explanationDueAt: owed.explanationDueAt, explanationOverdue: false });
    // Public security's own list holds it among those still owing an answer.
    const open = (await ok(hub, PS_LIST, { open: true }, callers.psb)).filingSupervisionRequests.edges.map((e: any) => e.node.id);
    expect(open).toContain(first.id);

    // A day past its due date, the explanation is overdue on both sides.
    await hub.advanceClock(Date.parse(owed.explanationDueAt) - Date.parse(owed.explanationReceivedAt) + DAY);
    expect((await ok(hub, TRANSFER_VIEW, { id: transferId }, callers.psb)).transfer.filingSupervision).toMatchObject({ overdue: true });
    expect(await matter(first.id)).toMatchObject({ explanationOverdue: true });
    const overdueOf = async (caller: Caller) => (await ok(hub, `{ overdue { filingSupervisionRequests { id overdue } } }`, undefined, caller)).overdue.filingSupervisionRequests;
    expect(await overdueOf(callers.psb)).toContainEqual({ id: first.id, overdue: true });
    expect(await overdueOf(callers.nanyangPsb)).toEqual([]);

    // ── 说明理由: the refusing unit only; late, but taken and shown.
    const far = await hub.graphql(EXPLAIN, { id: first.id }, callers.nanyangPsb);
    expect(far.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const { explainNonFiling: explained } = await ok(hub, EXPLAIN, { id: first.id }, callers.psb);
    expect(explained).toMatchObject({ status: 'EXPLAINED', explanation: '现有证据不能证明销售金额达到五万元', dueAt: null, overdue: false });
    expect((await overdueOf(callers.psb)).map((r: any) => r.id)).not.toContain(first.id);
    expectRule(await hub.graphql(EXPLAIN, { id: first.id }, callers.psb), 'transition');
    await notice(callers.procurator, 'FILING_EXPLAINED', transferId);
    const review = await matterOf(transferId, 'EXPLAINED');
    expect(review).toMatchObject({ explanation: '现有证据不能证明销售金额达到五万元', explanationOverdue: false });
    // If the reasons stand, the bureau is to be told within 10 days of the explanation's arrival.
    expect(review.agencyAnswerDueAt).toBe(dueAt('explanationToAgency', { receivedAt: new Date(review.explanationArrivedAt) }).toISOString());

    // ── 通知立案: only the procuratorate that took the matter up; public security files within 15 days of receipt.
    const other = await hub.graphql(DECIDE_MATTER, { id: first.id, decision: 'ORDER_FILING' }, callers.nanyangProcurator);
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const { decideFilingSupervision: ordered } = await ok(hub, DECIDE_MATTER, { id: first.id, decision: 'ORDER_FILING' }, callers.procurator);
    expect(ordered).toMatchObject({ status: 'FILING_ORDERED', decision: 'ORDER_FILING', correctionDue: false });
    await notice(callers.psb, 'FILING_ORDERED', transferId);
    await notice(callers.marketOfficer, 'FILING_ORDERED', transferId);
    const order = await psView(transferId, (r) => r.status === 'FILING_ORDERED');
    expect(order.filingDueAt).toBe(dueAt('filingOrder', { receivedAt: new Date(order.orderReceivedAt) }).toISOString());
    expect(order).toMatchObject({ dueAt: order.filingDueAt, overdue: false });
    const orderTracked = await eventually(async () => { const m = await matter(first.id); return m.filingDueAt ? m : undefined; });
    expect(orderTracked).toMatchObject({ orderReceivedAt: order.orderReceivedAt, filingDueAt: order.filingDueAt, correctionDue: false });
    // Not overdue yet: no correction notice.
    expectRule(await hub.graphql(CORRECTION, { id: first.id }, callers.procurator), 'notOverdue');

    // ── 依通知立案: the transfer becomes FILED; the procuratorate and the bureau are told; the matter closes as FILED.
    const { fileOnOrder: filed } = await ok(hub, FILE, { id: first.id }, callers.psb);
    expect(filed).toMatchObject({ status: 'FILED', dueAt: null, transfer: { id: transferId, status: 'FILED' } });
    expectRule(await hub.graphql(FILE, { id: first.id }, callers.psb), 'transition');
    await notice(callers.procurator, 'FILED_ON_ORDER', transferId);
    await notice(callers.marketOfficer, 'FILED_ON_ORDER', transferId);
    const done = await matterOf(transferId, 'FILED');
    expect(done.filedAt).toBeTruthy();
    expect((await ok(hub, CASE_VIEW, { id: caseId }, callers.marketOfficer)).case).toMatchObject({ transfer: { status: 'FILED' }, filingSupervision: { id: first.id, status: 'FILED' } });

    walked = { matterId: first.id, transferId };
  });

  // Who sees the matter at its end: the procurator, the justice bureau, the bureau and the refusing unit; nobody of another region or another bureau, nor the public.
  it.each([
    ['procurator of the region', true, callers.procurator],
    ['justice bureau of the region', true, callers.justice],
    ['the transferring bureau', true, callers.marketOfficer],
    ['the refusing public-security unit', true, callers.psb],
    ['another bureau of the region', false, callers.ecoOfficer],
    ['public security of another region', false, callers.nanyangPsb],
    ['procurator of another region', false, callers.nanyangProcurator],
    ['a bureau of another region', false, callers.nanyangMarketOfficer],
  ] as [string, boolean, Caller][])('%s — sees the matter: %s', async (_, sees, caller) => {
    const { matterId, transferId } = walked;
    expect((await matter(matterId, caller))?.status ?? null).toBe(sees ? 'FILED' : null);
    const queue = (await ok(hub, QUEUE, { first: 100 }, caller)).filingSupervisions.edges.map((e: any) => e.node.id);
    expect(queue.includes(matterId)).toBe(sees);
    if (!sees) await noNotice(caller, transferId);
  });

  it.each([
    ['the refusing public-security unit', true, callers.psb],
    ['the transferring bureau', true, callers.marketOfficer],
    ['public security of another region', false, callers.nanyangPsb],
  ] as [string, boolean, Caller][])('%s — sees public security\'s record of it on the transfer: %s', async (_, sees, caller) => {
    const { matterId, transferId } = walked;
    const seen = await hub.graphql(TRANSFER_VIEW, { id: transferId }, caller);
    expect(seen.data?.transfer?.filingSupervision?.id ?? null).toBe(sees ? matterId : null);
    const list = (await ok(hub, PS_LIST, { open: false }, caller)).filingSupervisionRequests.edges.map((e: any) => e.node.id);
    expect(list.includes(matterId)).toBe(sees);
  });

  it('answers the public nothing', async () => {
    const anonymous = await hub.graphql(MATTER, { id: walked.matterId }, { role: 'public' });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('asked after its window, the request is refused with the rule deadline', async () => {
    const { transferId } = await refused();
    const m = await matterOf(transferId, 'REFUSED');
    await hub.advanceClock(Date.parse(m.requestDueAt) - Date.parse(m.refusedAt) + DAY);
    const late = await hub.graphql(REQUEST, { transferId, reason: '应当立案' }, callers.marketOfficer);
    expectRule(late, 'deadline', 'transferId');
    expect(late.errors?.[0].message).toMatch(/3 days/);
    expect((await matterOf(transferId, 'REFUSED')).requestedAt).toBeNull();
    // A transfer never refused cannot be the subject of a request.
    const caseId = await recordMarketCase(hub);
    const { transferCase } = await ok(hub, TRANSFER, { caseId }, callers.marketOfficer);
    expectRule(await hub.graphql(REQUEST, { transferId: transferCase.id, reason: '应当立案' }, callers.marketOfficer), 'refused', 'transferId');
  });

  it('finds the reasons sound: the bureau and public security are told, nothing more is owed', async () => {
    const { transferId } = await refused();
    const m = await matterOf(transferId, 'REFUSED');
    await ok(hub, REQUIRE, { id: m.id }, callers.procurator);
    await psView(transferId, (r) => r.status === 'EXPLANATION_REQUESTED');
    await ok(hub, EXPLAIN, { id: m.id }, callers.psb);
    await matterOf(transferId, 'EXPLAINED');
    const { decideFilingSupervision } = await ok(hub, DECIDE_MATTER, { id: m.id, decision: 'REASONS_SOUND' }, callers.procurator);
    expect(decideFilingSupervision).toMatchObject({ status: 'REASONS_ACCEPTED', decision: 'REASONS_SOUND' });
    await notice(callers.marketOfficer, 'FILING_REASONS_ACCEPTED', transferId);
    await notice(callers.psb, 'FILING_REASONS_ACCEPTED', transferId);
    expect(await psView(transferId, (r) => r.status === 'REASONS_ACCEPTED')).toMatchObject({ dueAt: null, overdue: false });
    // Nothing to file on: the refusal stands.
    expectRule(await hub.graphql(FILE, { id: m.id }, callers.psb), 'transition');
  });

  it('marks an order not followed in 15 days for a 纠正违法通知书; public security may still file', async () => {
    const { transferId } = await refused();
    const m = await matterOf(transferId, 'REFUSED');
    await ok(hub, REQUIRE, { id: m.id }, callers.procurator);
    await psView(transferId, (r) => r.status === 'EXPLANATION_REQUESTED');
    await ok(hub, EXPLAIN, { id: m.id }, callers.psb);
    await matterOf(transferId, 'EXPLAINED');
    await ok(hub, DECIDE_MATTER, { id: m.id, decision: 'ORDER_FILING' }, callers.procurator);
    const order = await eventually(async () => { const o = await matter(m.id); return o.filingDueAt ? o : undefined; });
    await hub.advanceClock(Date.parse(order.filingDueAt) - Date.parse(order.orderReceivedAt) + DAY);
    expect(await matter(m.id)).toMatchObject({ status: 'FILING_ORDERED', correctionDue: true });
    expect((await psView(transferId, (r) => r.status === 'FILING_ORDERED')).overdue).toBe(true);
    const stranger = await hub.graphql(CORRECTION, { id: m.id }, callers.nanyangProcurator);
    expect(stranger.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const { issueFilingCorrectionNotice } = await ok(hub, CORRECTION, { id: m.id }, callers.procurator);
    expect(issueFilingCorrectionNotice).toMatchObject({ status: 'CORRECTION_NOTICED', correctionDue: false });
    expect(issueFilingCorrectionNotice.correctionNoticedAt).toBeTruthy();
    await notice(callers.psb, 'FILING_CORRECTION_NOTICE', transferId);
    expect(await psView(transferId, (r) => r.status === 'CORRECTION_NOTICED')).toMatchObject({ overdue: true });
    expectRule(await hub.graphql(CORRECTION, { id: m.id }, callers.procurator), 'transition');
    const { fileOnOrder } = await ok(hub, FILE, { id: m.id }, callers.psb);
    expect(fileOnOrder).toMatchObject({ status: 'FILED', transfer: { status: 'FILED' } });
    await matterOf(transferId, 'FILED');
  });

  it('pages the queue by cursor, newest refusal first', async () => {
    const a = await refused();
    await matterOf(a.transferId, 'REFUSED');
    const b = await refused();
    await matterOf(b.transferId, 'REFUSED');
    const page1 = (await ok(hub, QUEUE, { status: 'REFUSED', first: 1 }, callers.procurator)).filingSupervisions;
    expect(page1.edges).toHaveLength(1);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await ok(hub, QUEUE, { status: 'REFUSED', first: 100, after: page1.pageInfo.endCursor }, callers.procurator)).filingSupervisions;
    const order = [...page1.edges, ...page2.edges].map((e: any) => e.node.transfer.id);
    expect(order.indexOf(b.transferId)).toBeLessThan(order.indexOf(a.transferId));
    expect(new Set(order).size).toBe(order.length);
    expectRule(await hub.graphql(QUEUE, { first: 1, after: 'not-a-cursor' }, callers.procurator), 'cursor', 'after');
  });
  it('applies a notice only in the state it answers: an order to file before any explanation changes nothing and tells nobody', async () => {
    const { transferId } = await refused();
    const m = await matterOf(transferId, 'REFUSED');
    await ok(hub, REQUIRE, { id: m.id }, callers.procurator);
    await psView(transferId, (r) => r.status === 'EXPLANATION_REQUESTED');
    // The procuratorate's own key, as its relay sends: FILING_ORDERED while public security still owes the explanation.
    const response = await fetch(`${hub.subgraphUrls['public-security']}/internal/filing-notices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await hub.keys.asOwner('procuratorate', 'public-security') },
      body: JSON.stringify({ events: [{ eventId: randomUUID(), kind: 'FILING_ORDERED', matterId: m.id, transferId, procuratorateCode: 'PROC-320706',
        region: '320706', sentAt: new Date().toISOString(), text: '通知立案' }] }),
    });
    expect(response.status).toBe(200);
    expect((await ok(hub, TRANSFER_VIEW, { id: transferId }, callers.psb)).transfer.filingSupervision).toMatchObject({ status: 'EXPLANATION_REQUESTED', filingDueAt: null });
    expect((await inboxOf(callers.psb)).filter((n) => n.kind === 'FILING_ORDERED' && n.subjectId === transferId)).toEqual([]);
    // Another owner may not send it at all.
    const forged = await fetch(`${hub.subgraphUrls['public-security']}/internal/filing-notices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await hub.keys.asOwner('justice', 'public-security') },
      body: JSON.stringify({ events: [] }),
    });
    expect(forged.status).toBe(403);
  });

  // Last: it moves the hub's clock by months.
  it('reminds the procuratorate and the unit of a filed case without investigation progress for 3 months (立而不侦)', async () => {
    const FILED = `mutation($id: ID!) { decideTransfer(id: $id, decision: FILE) { id status filedAt investigationReminderDueAt uninvestigated } }`;
    const VIEW = `query($id: ID!) { transfer(id: $id) { id filedAt investigationReminderDueAt investigationRemindedAt uninvestigated } }`;
    const INVESTIGATE = `mutation($id: ID!) { recordInvestigation(transferId: $id, input: { summary: "已调取销售台账", measures: ["调取证据"] }) { id investigationReminderDueAt uninvestigated } }`;
    const filedCase = async () => {
      const caseId = await recordMarketCase(hub);
      const { transferCase } = await ok(hub, TRANSFER, { caseId }, callers.marketOfficer);
      await ok(hub, ACCEPT, { id: transferCase.id }, callers.psb);
      return (await ok(hub, FILED, { id: transferCase.id }, callers.psb)).decideTransfer;
    };
    const idle = await filedCase();
    expect(idle).toMatchObject({ status: 'FILED', uninvestigated: false });
    expect(idle.investigationReminderDueAt).toBe(dueAt('investigationReminder', { filedAt: new Date(idle.filedAt) }).toISOString());
    const worked = await filedCase();

    // Two months on, the second case records progress: its period starts again from then.
    await hub.advanceClock(60 * DAY);
    const { recordInvestigation } = await ok(hub, INVESTIGATE, { id: worked.id }, callers.psb);
    expect(Date.parse(recordInvestigation.investigationReminderDueAt)).toBeGreaterThan(Date.parse(worked.investigationReminderDueAt));

    // A day past three months from the first filing (rolled past rest days): the idle case draws a reminder, once; the other does not.
    await hub.advanceClock(Date.parse(idle.investigationReminderDueAt) - Date.parse(idle.filedAt) + DAY - 60 * DAY);
    await notice(callers.procurator, 'INVESTIGATION_REMINDER', idle.id);
    await notice(callers.psb, 'INVESTIGATION_REMINDER', idle.id);
    const idleNow = (await ok(hub, VIEW, { id: idle.id }, callers.procurator)).transfer;
    expect(idleNow).toMatchObject({ uninvestigated: true });
    expect(idleNow.investigationRemindedAt).toBeTruthy();
    expect((await ok(hub, VIEW, { id: worked.id }, callers.procurator)).transfer).toMatchObject({ uninvestigated: false, investigationRemindedAt: null });
    expect((await inboxOf(callers.procurator)).filter((n) => n.kind === 'INVESTIGATION_REMINDER' && n.subjectId === worked.id)).toEqual([]);
    await noNotice(callers.nanyangProcurator, idle.id);
    expect((await inboxOf(callers.procurator)).filter((n) => n.kind === 'INVESTIGATION_REMINDER' && n.subjectId === idle.id)).toHaveLength(1);
  });
});
