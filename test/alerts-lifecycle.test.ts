// Alerts a procurator can trust, end to end: raised once for a decided case over a threshold with no
// transfer; a transfer does not settle it, a filing does; a refusal re-opens it as 有案不立; the
// penalty the agency imposes after a refusal (310号令 第十条) is a new version of the same case and
// raises no 以罚代刑 alert; a procurator dismisses one only with a reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, seedBureaus } from './support/fixtures';

const ALERTS = `query { alerts(first: 100) { edges { node { id kind signal status ruleCode ruleVersion resolvedAt dismissedAt dismissalReason figures { name value threshold } case { id } } } } }`;
const UPDATE = `mutation($id: ID!, $input: MarketRegulationCaseUpdateInput!) { updateMarketRegulationCase(id: $id, input: $input) { id version } }`;

describe('alerts a procurator can trust, through the gateway', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  });
  afterAll(() => hub?.stop());

  async function alertsOf(caseId: string): Promise<any[]> {
    const { data, errors } = await hub.graphql(ALERTS, {}, callers.procurator);
    expect(errors).toBeUndefined();
    return data.alerts.edges.map((e: any) => e.node).filter((a: any) => a.case.id === caseId);
  }
  const until = (caseId: string, test: (alerts: any[]) => boolean, what: string) =>
    eventually(async () => { const alerts = await alertsOf(caseId); return test(alerts) ? alerts : undefined; }, 15_000, what);

  /** Everything the agency's outbox sent before this has been judged: a later case's alert is there. */
  async function judgedSoFar(): Promise<void> {
    const sentinel = await recordMarketCase(hub, { salesAmount: 70000 });
    await until(sentinel, (a) => a.length === 1, 'the sentinel case judged');
  }

  async function transfer(caseId: string) {
    const { data, errors } = await hub.graphql(`mutation($id: ID!) { transferCase(caseId: $id, input: { summary: "涉嫌销售伪劣产品罪", materials: ["移送书", "调查报告"] }) { id } }`, { id: caseId }, callers.marketOfficer);
    expect(errors).toBeUndefined();
    const id = data.transferCase.id;
    const accepted = await hub.graphql(`mutation($id: ID!) { acceptTransfer(id: $id) { status } }`, { id }, callers.psb);
    expect(accepted.errors).toBeUndefined();
    return id as string;
  }
  async function decide(transferId: string, decision: 'FILE' | 'NOT_FILE') {
    const { errors } = await hub.graphql(`mutation($id: ID!, $d: TransferDecision!) { decideTransfer(id: $id, decision: $d, reason: "经审查决定") { status } }`, { id: transferId, d: decision }, callers.psb);
    expect(errors).toBeUndefined();
  }

  it('raises exactly one 以罚代刑 alert for a decided case over a threshold with no transfer, however often the case changes', async () => {
    const id = await recordMarketCase(hub, { salesAmount: 60000, unsoldGoodsValue: 0 });
    const [alert] = await until(id, (a) => a.length > 0, 'the alert');
    expect(alert).toMatchObject({ kind: 'THRESHOLD', signal: 'NOT_TRANSFERRED', status: 'OPEN', ruleCode: 'CL140' });
    const changed = await hub.graphql(UPDATE, { id, input: { reason: '当事人缴清罚款', paidAmount: 30000, paidAt: '2026-09-30T02:00:00Z', enforcementStatus: 'PAID' } }, callers.marketOfficer);
    expect(changed.errors).toBeUndefined();
    await judgedSoFar();
    expect((await alertsOf(id)).map((a) => a.id)).toEqual([alert.id]);
  });

  it('raises none for a case still under investigation (undecided): it may yet be transferred', async () => {
    const id = await recordMarketCase(hub, { salesAmount: 90000, decidedAt: null, fineAmount: null });
    await judgedSoFar();
    expect(await alertsOf(id)).toEqual([]);
  });

  it('judges by the rule in force at the conduct, not at the decision', async () => {
    // 40,000 × 3 + 40,000: a crime under the 2008 standard only; the conduct was in 2007, the decision in 2026.
    const id = await recordMarketCase(hub, { salesAmount: 40000, unsoldGoodsValue: 40000, conductAt: '2007-06-01T02:00:00Z', decidedAt: '2026-06-01T02:00:00Z' });
    await judgedSoFar();
    expect(await alertsOf(id)).toEqual([]);
  });

  it('keeps an alert open across a transfer (TRANSFERRED) and resolves it when public security files the case', async () => {
    const id = await recordMarketCase(hub, { salesAmount: 65000 });
    const [alert] = await until(id, (a) => a.length === 1, 'the alert');
    const transferId = await transfer(id);
    await until(id, (a) => a[0].status === 'TRANSFERRED', 'the alert TRANSFERRED');
    await decide(transferId, 'FILE');
    const [resolved] = await until(id, (a) => a[0].status === 'RESOLVED', 'the alert RESOLVED');
    expect(resolved).toMatchObject({ id: alert.id, signal: 'NOT_TRANSFERRED' });
    expect(resolved.resolvedAt).toBeTruthy();
  });

  it('re-opens it as 有案不立 on a refusal; the penalty imposed after it, on the same case, raises no 以罚代刑 alert', async () => {
    const id = await recordMarketCase(hub, { salesAmount: 80000 });
    const [alert] = await until(id, (a) => a.length === 1, 'the alert');
    const transferId = await transfer(id);
    await decide(transferId, 'NOT_FILE');
    const [reopened] = await until(id, (a) => a[0].signal === 'NOT_FILED', 'the alert re-opened as 有案不立');
    expect(reopened).toMatchObject({ id: alert.id, status: 'OPEN', signal: 'NOT_FILED' });
    // 310号令 第十条: the agency imposes the administrative penalty, on the same case (a new version).
    const penalty = await hub.graphql(UPDATE, { id, input: { reason: '公安机关不予立案，依法作出行政处罚', fineAmount: 50000, illegalGain: 12000 } }, callers.marketOfficer);
    expect(penalty.errors).toBeUndefined();
    expect(penalty.data.updateMarketRegulationCase.version).toBe(2);
    await judgedSoFar();
    const after = await alertsOf(id);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: alert.id, signal: 'NOT_FILED', status: 'OPEN' });
    expect(after.filter((a) => a.signal === 'NOT_TRANSFERRED')).toEqual([]);
  });

  it('a case transferred while undecided, refused, then penalised: one 有案不立 alert, no 以罚代刑 alert', async () => {
    const id = await recordMarketCase(hub, { salesAmount: 75000, decidedAt: null, fineAmount: null });
    const transferId = await transfer(id);
    await decide(transferId, 'NOT_FILE');
    const penalty = await hub.graphql(UPDATE, { id, input: { reason: '公安机关不予立案，依法作出行政处罚', decidedAt: '2026-10-10T02:00:00Z', fineAmount: 40000 } }, callers.marketOfficer);
    expect(penalty.errors).toBeUndefined();
    const alerts = await until(id, (a) => a.length === 1 && a[0].status === 'OPEN', 'one open alert');
    expect(alerts[0]).toMatchObject({ signal: 'NOT_FILED', kind: 'THRESHOLD' });
  });

  it('lets a procurator of the region dismiss an open alert only with a reason, and keeps it on record', async () => {
    const id = await recordMarketCase(hub, { salesAmount: 55000 });
    const [alert] = await until(id, (a) => a.length === 1, 'the alert');
    const DISMISS = `mutation($id: ID!, $reason: String!) { dismissAlert(id: $id, reason: $reason) { id status dismissalReason dismissedAt } }`;
    const blank = await hub.graphql(DISMISS, { id: alert.id, reason: '  ' }, callers.procurator);
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason', rule: 'required' });
    const foreign = await hub.graphql(DISMISS, { id: alert.id, reason: '经审查不构成犯罪' }, callers.nanyangProcurator);
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(foreign.errors?.[0]?.extensions?.code);
    const { data, errors } = await hub.graphql(DISMISS, { id: alert.id, reason: '销售金额经核实为退货冲抵后不足五万元' }, callers.procurator);
    expect(errors).toBeUndefined();
    expect(data.dismissAlert).toMatchObject({ status: 'DISMISSED', dismissalReason: '销售金额经核实为退货冲抵后不足五万元' });
    const again = await hub.graphql(DISMISS, { id: alert.id, reason: '再次' }, callers.procurator);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', rule: 'transition' });
  });
});
