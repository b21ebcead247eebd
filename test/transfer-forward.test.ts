// 转送, 退回 and the re-transfer of a case with new evidence, end to end through the gateway, as each
// role sees them: a case for another public-security unit is forwarded within 24 hours of
// acceptance and waits for that unit, whose filing period runs from its own acceptance; a case for
// another authority ends at public security (FORWARDED); a case that is no criminal matter is
// returned with written reasons (RETURNED); after a refusal or a return the bureau transfers the case
// again naming its new evidence, and the index, EnforcementCase.transfer and the procuratorate's
// alerts follow the new transfer (公安部 2016 受理规定; 国务院令第310号 第八条、第九条).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { answers } from './support/answers';
import { callers, recordMarketCase, seedBureaus, type Caller } from './support/fixtures';
import { dueAt } from '../kit/deadlines';

const HOUR = 3_600_000;

const FIELDS = `id status acceptedAt decisionDueAt agencyCode newEvidence
  forward { forwardedAt forwardedFrom competentUnit competentAuthority reason } returned { returnedAt reason }
  previousTransfer { id status } nextTransfer { id status }`;
const TRANSFER = `mutation($caseId: ID!) { transferCase(caseId: $caseId, input: { summary: "涉嫌销售伪劣产品罪，销售金额已达追诉标准" }) { ${FIELDS} } }`;
const ACCEPT = `mutation($id: ID!) { acceptTransfer(id: $id) { ${FIELDS} } }`;
const FORWARD = `mutation($id: ID!, $input: TransferForwardInput!) { forwardTransfer(id: $id, input: $input) { ${FIELDS} } }`;
const RETURN = `mutation($id: ID!, $reason: String!) { returnTransfer(id: $id, reason: $reason) { ${FIELDS} } }`;
const DECIDE = `mutation($id: ID!) { decideTransfer(id: $id, decision: NOT_FILE, reason: "销售金额证据不足，不予立案") { ${FIELDS} } }`;
const RETRANSFER = `mutation($id: ID!, $newEvidence: String!, $summary: String!) {
  retransferCase(id: $id, newEvidence: $newEvidence, input: { summary: $summary }) { ${FIELDS} } }`;
const VIEW = `query($id: ID!) { transfer(id: $id) { ${FIELDS} } }`;
const CASE = `query($id: ID!) { case(id: $id) { id transfer { id status previousTransfer { id } } transfers { id status } } }`;
const INDEX = `query($filter: CaseFilter) { cases(filter: $filter, first: 100) { edges { node { id } } } }`;
const ALERTS = `query($status: AlertStatus) { alerts(status: $status, first: 100) { edges { node { status signal case { id } } } } }`;

/** A second public-security unit of the same county: the competent one in these forwards. */
const competentPsb: Caller = { role: 'psb_officer', org: 'PSB-320706-JZ', region: '320706' };

describe('转送, 退回 and 重新移送', () => {
  let hub: TestHub;

  const { ok, violations, inboxHas } = answers(() => hub);
  const status = async (id: string) => (await ok(VIEW, { id }, callers.psb)).transfer.status;
  /** A case transferred by MR-320706 and accepted by PSB-320706. */
  const accepted = async () => {
    const caseId = await recordMarketCase(hub);
    const { transferCase } = await ok(TRANSFER, { caseId }, callers.marketOfficer);
    return { caseId, ...(await ok(ACCEPT, { id: transferCase.id }, callers.psb)).acceptTransfer };
  };
  const indexed = (caseId: string, transferStatus: string) => eventually(async () => {
    const ids = (await ok(INDEX, { filter: { transferStatus: [transferStatus] } }, callers.procurator)).cases.edges.map((e: any) => e.node.id);
    return ids.includes(caseId) ? true : undefined;
  }, 10_000, `case ${caseId} listed as ${transferStatus} in the index`);

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  });
  afterAll(() => hub?.stop());

  describe('转送 to the competent public-security unit', () => {
    it.each([
      ['the bureau that transferred it', callers.marketOfficer, 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['the procurator of the region', callers.procurator, 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['public security of another region', callers.nanyangPsb, 'FORBIDDEN'],
      ['another public-security unit of the county, not the accepting one', competentPsb, 'FORBIDDEN'],
    ])('is refused to %s', async (_, caller, code) => {
      const transfer = await accepted();
      const result = await hub.graphql(FORWARD, { id: transfer.id, input: { competentUnit: 'PSB-320706-JZ', reason: '犯罪地在新浦区' } }, caller);
      expect(result.data?.forwardTransfer ?? null).toBeNull();
      expect(result.errors?.[0].extensions?.code).toBe(code);
      expect(await status(transfer.id)).toBe('ACCEPTED');
    });

    it('sends the transfer to the unit named, which alone accepts it; its filing period runs from its own acceptance; bureau, unit and procuratorate are told', async () => {
      const transfer = await accepted();
      // Every broken rule at once: neither a unit nor an authority, no reason.
      expect(violations(await hub.graphql(FORWARD, { id: transfer.id, input: { reason: ' ' } }, callers.psb)))
        .toEqual([['input', 'oneOf'], ['input.reason', 'required']]);
      expect(violations(await hub.graphql(FORWARD, { id: transfer.id, input: { competentUnit: 'PSB-320706', competentAuthority: '连云港市监察委员会', reason: '不属本单位管辖' } }, callers.psb)))
        .toEqual([['input', 'oneOf'], ['input.competentUnit', 'otherUnit']]);
      expect(await status(transfer.id)).toBe('ACCEPTED');

      const { forwardTransfer: sent } = await ok(FORWARD, { id: transfer.id, input: { competentUnit: 'PSB-320706-JZ', reason: '涉案金额较大，属经侦大队管辖' } }, callers.psb);
      expect(sent).toMatchObject({ status: 'SUBMITTED', acceptedAt: null, forward: {
        forwardedFrom: 'PSB-320706', competentUnit: 'PSB-320706-JZ', competentAuthority: null, reason: '涉案金额较大，属经侦大队管辖' } });
      expect(new Date(sent.forward.forwardedAt).getTime()).toBeLessThanOrEqual(dueAt('forwardToCompetent', { acceptedAt: new Date(transfer.acceptedAt) }).getTime());
      for (const caller of [competentPsb, callers.marketOfficer, callers.procurator]) await inboxHas(caller, 'TRANSFER_FORWARDED', transfer.id);
      // The bureau sees where its case went.
      expect((await ok(VIEW, { id: transfer.id }, callers.marketOfficer)).transfer.forward.competentUnit).toBe('PSB-320706-JZ');

      // The forwarding unit no longer accepts nor decides; the unit named does.
      expect((await hub.graphql(ACCEPT, { id: transfer.id }, callers.psb)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      await hub.advanceClock(2 * HOUR);
      const { acceptTransfer: taken } = await ok(ACCEPT, { id: transfer.id }, competentPsb);
      const acceptedAt = new Date(taken.acceptedAt);
      expect(acceptedAt.getTime()).toBeGreaterThan(new Date(transfer.acceptedAt).getTime());
      expect(taken).toMatchObject({ status: 'ACCEPTED', decisionDueAt: dueAt('filingDecision', { acceptedAt }).toISOString() });
      expect((await hub.graphql(DECIDE, { id: transfer.id }, callers.psb)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect((await ok(DECIDE, { id: transfer.id }, competentPsb)).decideTransfer.status).toBe('NOT_FILED');
    });

    it('is refused once 24 hours from acceptance have passed, naming the deadline', async () => {
      const transfer = await accepted();
      const due = dueAt('forwardToCompetent', { acceptedAt: new Date(transfer.acceptedAt) });
      await hub.advanceClock(due.getTime() - new Date(transfer.acceptedAt).getTime() + HOUR);
      const result = await hub.graphql(FORWARD, { id: transfer.id, input: { competentUnit: 'PSB-320706-JZ', reason: '犯罪地在新浦区' } }, callers.psb);
      expect(violations(result)).toEqual([['id', 'deadline']]);
      expect(result.errors![0].message).toContain('forwardToCompetent');
      expect(result.errors![0].message).toContain(due.toISOString());
      expect(await status(transfer.id)).toBe('ACCEPTED');
    });
  });

  describe('转送 to another authority', () => {
    it('ends the transfer at public security (FORWARDED), naming the authority; the bureau and the procuratorate are told; nothing more is decided here', async () => {
      const transfer = await accepted();
      const { forwardTransfer: sent } = await ok(FORWARD, { id: transfer.id, input: { competentAuthority: '连云港市海州区监察委员会', reason: '涉嫌职务犯罪，属监察机关管辖' } }, callers.psb);
      expect(sent).toMatchObject({ status: 'FORWARDED', forward: { competentUnit: null, competentAuthority: '连云港市海州区监察委员会', forwardedFrom: 'PSB-320706' } });
      for (const caller of [callers.marketOfficer, callers.procurator]) await inboxHas(caller, 'TRANSFER_FORWARDED', transfer.id);
      expect(violations(await hub.graphql(DECIDE, { id: transfer.id }, callers.psb))).toEqual([['id', 'transition']]);
      // A forwarded case is not re-transferred to public security: it is the other authority's.
      expect(violations(await hub.graphql(RETRANSFER, { id: transfer.id, newEvidence: '新证据', summary: '再次移送' }, callers.marketOfficer))).toEqual([['id', 'transition']]);
      await indexed(transfer.caseId, 'FORWARDED');
    });
  });

  describe('退回', () => {
    it.each([
      ['the bureau that transferred it', callers.marketOfficer, 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['another public-security unit of the county', competentPsb, 'FORBIDDEN'],
    ])('is refused to %s', async (_, caller, code) => {
      const transfer = await accepted();
      expect((await hub.graphql(RETURN, { id: transfer.id, reason: '不构成犯罪' }, caller)).errors?.[0].extensions?.code).toBe(code);
      expect(await status(transfer.id)).toBe('ACCEPTED');
    });

    it('returns the file with written reasons (RETURNED); the bureau and the procuratorate are told; the index lists the case as RETURNED', async () => {
      const transfer = await accepted();
      expect(violations(await hub.graphql(RETURN, { id: transfer.id, reason: '  ' }, callers.psb))).toEqual([['reason', 'required']]);
      const { returnTransfer: back } = await ok(RETURN, { id: transfer.id, reason: '现有证据不能证明销售金额达到追诉标准，退回依法作行政处理' }, callers.psb);
      expect(back).toMatchObject({ status: 'RETURNED', returned: { reason: '现有证据不能证明销售金额达到追诉标准，退回依法作行政处理' } });
      const notice = await inboxHas(callers.marketOfficer, 'TRANSFER_RETURNED', transfer.id);
      expect(notice.title).toContain('退回');
      await inboxHas(callers.procurator, 'TRANSFER_RETURNED', transfer.id);
      expect((await ok(VIEW, { id: transfer.id }, callers.marketOfficer)).transfer.returned.reason).toContain('退回依法作行政处理');
      await indexed(transfer.caseId, 'RETURNED');
      expect(violations(await hub.graphql(RETURN, { id: transfer.id, reason: '再次退回' }, callers.psb))).toEqual([['id', 'transition']]);
    });
  });

  describe('重新移送 with new evidence', () => {
    it.each([
      ['another bureau of the county', callers.ecoOfficer, 'FORBIDDEN'],
      ['public security', callers.psb, 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['the procurator of the region', callers.procurator, 'UNAUTHORIZED_FIELD_OR_TYPE'],
    ])('is refused to %s', async (_, caller, code) => {
      const transfer = await accepted();
      await ok(DECIDE, { id: transfer.id }, callers.psb);
      const result = await hub.graphql(RETRANSFER, { id: transfer.id, newEvidence: '补充调取的销售台账', summary: '重新移送' }, caller);
      expect(result.errors?.[0].extensions?.code).toBe(code);
      expect((await ok(CASE, { id: transfer.caseId }, callers.marketOfficer)).case.transfers).toHaveLength(1);
    });

    it('after a refusal: a second transfer of the case, linked to the first; transfer is the latest, transfers the history; the index follows the new transfer though its version restarts at 1', async () => {
      const first = await accepted();
      const { decideTransfer: refused } = await ok(DECIDE, { id: first.id }, callers.psb);
      expect(refused.status).toBe('NOT_FILED');
      await indexed(first.caseId, 'NOT_FILED');

      // The case is not transferred afresh, nor again without new evidence; every broken rule at once.
      expect(violations(await hub.graphql(TRANSFER, { caseId: first.caseId }, callers.marketOfficer))).toEqual([['caseId', 'transition']]);
      expect(violations(await hub.graphql(RETRANSFER, { id: first.id, newEvidence: ' ', summary: '' }, callers.marketOfficer)))
        .toEqual([['newEvidence', 'required'], ['input.summary', 'required']]);

      const { retransferCase: second } = await ok(RETRANSFER, {
        id: first.id, newEvidence: '新调取的下游商户进货单据 23 份，证明销售金额 18.6 万元', summary: '涉嫌销售伪劣产品罪，新证据证明销售金额已达追诉标准',
      }, callers.marketOfficer);
      expect(second).toMatchObject({ status: 'SUBMITTED', previousTransfer: { id: first.id, status: 'NOT_FILED' }, nextTransfer: null,
        newEvidence: '新调取的下游商户进货单据 23 份，证明销售金额 18.6 万元' });
      expect(second.id).not.toBe(first.id);
      await inboxHas(callers.psb, 'TRANSFER_SUBMITTED', second.id);
      await inboxHas(callers.procurator, 'TRANSFER_SUBMITTED', second.id);

      // Each role that reads the case sees the latest transfer first, the earlier one after it.
      for (const caller of [callers.marketOfficer, callers.psb, callers.procurator]) {
        expect((await ok(CASE, { id: first.caseId }, caller)).case).toMatchObject({
          transfer: { id: second.id, status: 'SUBMITTED', previousTransfer: { id: first.id } },
          transfers: [{ id: second.id, status: 'SUBMITTED' }, { id: first.id, status: 'NOT_FILED' }],
        });
      }
      expect((await ok(VIEW, { id: first.id }, callers.marketOfficer)).transfer.nextTransfer).toEqual({ id: second.id, status: 'SUBMITTED' });

      // The earlier transfer is closed for good; the case has one open transfer.
      const REQUEST_RECONSIDERATION = `mutation($id: ID!) { requestReconsideration(id: $id, reason: "请求复议") { id } }`;
      expect(violations(await hub.graphql(REQUEST_RECONSIDERATION, { id: first.id }, callers.marketOfficer))).toEqual([['id', 'transition']]);
      expect(violations(await hub.graphql(RETRANSFER, { id: first.id, newEvidence: '又一份证据', summary: '第三次移送' }, callers.marketOfficer))).toEqual([['id', 'transition']]);
      expect(violations(await hub.graphql(RETRANSFER, { id: second.id, newEvidence: '又一份证据', summary: '第三次移送' }, callers.marketOfficer))).toEqual([['id', 'transition']]);

      // The index lists the case under its new transfer's state, though that transfer's versions start again at 1.
      await indexed(first.caseId, 'SUBMITTED');
      const notFiled = (await ok(INDEX, { filter: { transferStatus: ['NOT_FILED'] } }, callers.procurator)).cases.edges.map((e: any) => e.node.id);
      expect(notFiled).not.toContain(first.caseId);

      // The new transfer runs its own course: accepted and filed, the case is FILED in the index.
      const { acceptTransfer: taken } = await ok(ACCEPT, { id: second.id }, callers.psb);
      expect(taken.decisionDueAt).toBe(dueAt('filingDecision', { acceptedAt: new Date(taken.acceptedAt) }).toISOString());
      await ok(`mutation($id: ID!) { decideTransfer(id: $id, decision: FILE) { id } }`, { id: second.id }, callers.psb);
      await indexed(first.caseId, 'FILED');
    });

    it('of two re-transfers of one refused transfer sent at once, exactly one is made: one open transfer per case', async () => {
      const first = await accepted();
      await ok(DECIDE, { id: first.id }, callers.psb);
      const results = await Promise.all(['银行流水', '证人证言'].map((newEvidence) =>
        hub.graphql(RETRANSFER, { id: first.id, newEvidence, summary: `补充${newEvidence}后重新移送` }, callers.marketOfficer)));
      const made = results.filter((r) => r.data?.retransferCase);
      expect(made).toHaveLength(1);
      expect(results.find((r) => !r.data?.retransferCase)!.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const { case: found } = await ok(CASE, { id: first.caseId }, callers.marketOfficer);
      expect(found.transfers.map((t: any) => t.id)).toEqual([made[0].data.retransferCase.id, first.id]);
    });

    it('after a return (which re-opens the procuratorate\'s alert as 有案不立), and the alert waits on the new transfer and is resolved by its filing', async () => {
      // A case over the 刑法 第一百四十条 threshold (sales ≥ 50,000): one alert, resolved only by a filing.
      const caseId = await recordMarketCase(hub, { salesAmount: 180000, amountInvolved: 180000 });
      const alertOf = (want: string) => eventually(async () => {
        const found = (await ok(ALERTS, { status: want }, callers.procurator)).alerts.edges.map((e: any) => e.node).filter((a: any) => a.case?.id === caseId);
        return found.length ? found : undefined;
      }, 10_000, `a ${want} alert on case ${caseId}`);
      expect(await alertOf('OPEN')).toHaveLength(1);
      const { transferCase } = await ok(TRANSFER, { caseId }, callers.marketOfficer);
      expect(await alertOf('TRANSFERRED')).toHaveLength(1);
      await ok(ACCEPT, { id: transferCase.id }, callers.psb);
      await ok(RETURN, { id: transferCase.id, reason: '不属于刑事案件，退回' }, callers.psb);
      // 退回 is a refusal to take the case as a crime: the alert re-opens as 有案不立.
      expect(await alertOf('OPEN')).toMatchObject([{ signal: 'NOT_FILED' }]);

      const { retransferCase: again } = await ok(RETRANSFER, { id: transferCase.id, newEvidence: '司法鉴定意见书: 劣质电线不合格', summary: '补充鉴定意见后重新移送' }, callers.marketOfficer);
      expect(again.previousTransfer).toEqual({ id: transferCase.id, status: 'RETURNED' });
      expect(await alertOf('TRANSFERRED')).toHaveLength(1);
      await ok(ACCEPT, { id: again.id }, callers.psb);
      await ok(`mutation($id: ID!) { decideTransfer(id: $id, decision: FILE) { id } }`, { id: again.id }, callers.psb);
      expect(await alertOf('RESOLVED')).toHaveLength(1);
      await indexed(caseId, 'FILED');
    });
  });
});
