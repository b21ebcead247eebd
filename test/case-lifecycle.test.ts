// Cases have a lifecycle: the owning bureau changes its case (decision, amounts found, payment,
// enforcement), each change a new version kept in the case's history and reported to the index.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, seedBureaus } from './support/fixtures';

const UPDATE = `mutation($id: ID!, $input: MarketRegulationCaseUpdateInput!) { updateMarketRegulationCase(id: $id, input: $input) {
  id version actType decidedAt conductAt fineAmount illegalGain economicLoss paidAmount paidAt enforcementStatus courtApplicationAt penaltyKinds
} }`;
const HISTORY = `query($id: ID!) { case(id: $id) { id fineAmount decidedAt ... on MarketRegulationCase { version
  history { version reason correction changedFields actType decidedAt fineAmount illegalGain penaltyKinds paidAmount enforcementStatus }
} } }`;

describe('a case through its lifecycle, as its bureau changes it', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  });
  afterAll(() => hub?.stop());

  let caseId: string;

  it('records the penalty decided later on the same case: a new version, in the history and in the index', async () => {
    // Recorded while under investigation: no decision yet, no fine.
    caseId = await recordMarketCase(hub, { decidedAt: null, fineAmount: null, salesAmount: 20000, unsoldGoodsValue: 0, conductAt: '2026-03-02T02:00:00Z' });
    const { data, errors } = await hub.graphql(UPDATE, { id: caseId, input: {
      reason: '依法作出行政处罚决定', expectedVersion: 1, decidedAt: '2026-09-20T02:00:00Z', fineAmount: 40000, illegalGain: 8000, economicLoss: 0,
    } }, callers.marketOfficer);
    expect(errors).toBeUndefined();
    expect(data.updateMarketRegulationCase).toMatchObject({
      version: 2, decidedAt: '2026-09-20T02:00:00.000Z', conductAt: '2026-03-02T02:00:00.000Z', fineAmount: 40000, illegalGain: 8000, economicLoss: 0, penaltyKinds: ['FINE'],
    });
    // The index hears version 2: the procurator reads the decision there.
    const indexed = await eventually(async () => {
      const { data } = await hub.graphql(HISTORY, { id: caseId }, callers.procurator);
      return data?.case?.fineAmount === 40000 ? data.case : undefined;
    }, 10_000, 'version 2 in the index');
    expect(indexed.decidedAt).toBe('2026-09-20T02:00:00.000Z');
    expect(indexed.history.map((h: any) => [h.version, h.reason, h.fineAmount, h.decidedAt])).toEqual([
      [1, '录入', null, null],
      [2, '依法作出行政处罚决定', 40000, '2026-09-20T02:00:00.000Z'],
    ]);
    expect(indexed.history[1].changedFields.sort()).toEqual(['decidedAt', 'economicLoss', 'fineAmount', 'illegalGain', 'penaltyKinds']);
  });

  it('records payment and enforcement, and keeps what a correction corrected', async () => {
    const paid = await hub.graphql(UPDATE, { id: caseId, input: { reason: '当事人缴纳部分罚款', paidAmount: 10000, paidAt: '2026-10-01T02:00:00Z', enforcementStatus: 'PARTLY_PAID' } }, callers.marketOfficer);
    expect(paid.errors).toBeUndefined();
    expect(paid.data.updateMarketRegulationCase).toMatchObject({ version: 3, paidAmount: 10000, enforcementStatus: 'PARTLY_PAID' });
    const court = await hub.graphql(UPDATE, { id: caseId, input: {
      reason: '逾期不履行，申请人民法院强制执行', enforcementStatus: 'APPLIED_TO_COURT', courtApplicationAt: '2026-11-20T02:00:00Z',
    } }, callers.marketOfficer);
    expect(court.errors).toBeUndefined();
    expect(court.data.updateMarketRegulationCase).toMatchObject({ version: 4, enforcementStatus: 'APPLIED_TO_COURT', courtApplicationAt: '2026-11-20T02:00:00.000Z' });

    const corrected = await hub.graphql(UPDATE, { id: caseId, input: { reason: '更正录入错误: 违法所得为 9000 元', correction: true, illegalGain: 9000 } }, callers.marketOfficer);
    expect(corrected.errors).toBeUndefined();
    const { data } = await hub.graphql(HISTORY, { id: caseId }, callers.marketOfficer);
    const history = data.case.history;
    expect(history.map((h: any) => h.version)).toEqual([1, 2, 3, 4, 5]);
    expect(history[4]).toMatchObject({ correction: true, changedFields: ['illegalGain'], illegalGain: 9000 });
    // The corrected version keeps what it said.
    expect(history[1]).toMatchObject({ correction: false, illegalGain: 8000 });
    expect(history[3]).toMatchObject({ enforcementStatus: 'APPLIED_TO_COURT', paidAmount: 10000 });
  });

  it('reports every broken rule of a change at once and writes nothing', async () => {
    const { data, errors } = await hub.graphql(UPDATE, { id: caseId, input: {
      reason: ' ', paidAmount: 90000, conductAt: '2026-10-01T02:00:00Z', decidedAt: '2999-01-01T00:00:00Z',
    } }, callers.marketOfficer);
    expect(data?.updateMarketRegulationCase ?? null).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const broken = errors![0].extensions!.violations.map((v: any) => `${v.field}/${v.rule}`).sort();
    // The conduct after the decision (the decision on record: the new one is refused), the payment above the fine.
    expect(broken).toEqual(['input.conductAt/beforeDecision', 'input.decidedAt/notInFuture', 'input.paidAmount/notAboveFine', 'input.reason/required'].sort());
    const stale = await hub.graphql(UPDATE, { id: caseId, input: { reason: '再次变更', expectedVersion: 2, fineAmount: 1 } }, callers.marketOfficer);
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.expectedVersion', rule: 'stale' });
    const after = await hub.graphql(HISTORY, { id: caseId }, callers.marketOfficer);
    expect(after.data.case.version).toBe(5);
  });

  it.each([
    ['another bureau of the same region', callers.ecoOfficer, ['NOT_FOUND', 'FORBIDDEN']],
    ['a bureau of another region', callers.nanyangMarketOfficer, ['NOT_FOUND']],
    ['a procurator', callers.procurator, ['UNAUTHORIZED_FIELD_OR_TYPE', 'FORBIDDEN']],
  ])('refuses the change to %s', async (_label, caller, codes) => {
    const { data, errors } = await hub.graphql(UPDATE, { id: caseId, input: { reason: '越权变更', fineAmount: 1 } }, caller);
    expect(data?.updateMarketRegulationCase ?? null).toBeNull();
    expect(codes).toContain(errors?.[0]?.extensions?.code);
    const after = await hub.graphql(HISTORY, { id: caseId }, callers.marketOfficer);
    expect(after.data.case.version).toBe(5);
  });
});
