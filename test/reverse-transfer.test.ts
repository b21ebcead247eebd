// 反向移送 end to end, through the gateway: public security sends a case it did not file back to the
// bureau for an administrative penalty (国务院令第310号 第十三条, 行政处罚法 第二十七条), and so does the
// procuratorate after 不起诉, with its 检察意见 (刑事诉讼法 第一百七十七条第三款). The bureau is told,
// acknowledges receipt and records the penalty on the same case, which raises no new 以罚代刑 alert;
// the return (who, when, why) shows to the bureau, public security and the procuratorate of the region.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { answers } from './support/answers';
import { callers, recordMarketCase, seedBureaus, type Caller } from './support/fixtures';

const RETURN_FIELDS = 'id sender senderUnit agencyCode ground status reason materials opinion returnedAt acknowledgedAt';
const TRANSFER = `mutation($caseId: ID!) { transferCase(caseId: $caseId, input: { summary: "涉嫌销售伪劣产品罪", materials: ["移送书", "调查报告"] }) { id } }`;
const ACCEPT = `mutation($id: ID!) { acceptTransfer(id: $id) { id } }`;
const DECIDE = `mutation($id: ID!, $d: TransferDecision!) { decideTransfer(id: $id, decision: $d, reason: "销售金额未达追诉标准，不构成犯罪") { id status } }`;
const RETURN_TRANSFER = `mutation($id: ID!, $input: CaseReturnInput!) { returnTransferForPenalty(transferId: $id, input: $input) { ${RETURN_FIELDS} } }`;
const ACK_TRANSFER = `mutation($id: ID!) { acknowledgeTransferReturn(id: $id) { ${RETURN_FIELDS} } }`;
const RETURN_CASE = `mutation($caseId: ID!, $input: CaseReturnInput!) { returnCaseAfterNonProsecution(caseId: $caseId, input: $input) { ${RETURN_FIELDS} } }`;
const ACK_OPINION = `mutation($id: ID!) { acknowledgeProcuratorialOpinion(id: $id) { ${RETURN_FIELDS} } }`;
const TRANSFER_VIEW = `query($id: ID!) { transfer(id: $id) { id returnForPenalty { ${RETURN_FIELDS} } } }`;
const CASE_VIEW = `query($id: ID!) { case(id: $id) { id returnAfterNonProsecution { ${RETURN_FIELDS} } } }`;
const UPDATE = `mutation($id: ID!, $input: MarketRegulationCaseUpdateInput!) { updateMarketRegulationCase(id: $id, input: $input) { id version } }`;
const ALERTS = `query { alerts(first: 100) { edges { node { id kind signal status case { id } } } } }`;

const PSB_RETURN = { reason: '经审查，涉案销售金额未达立案追诉标准，不需要追究刑事责任，但应当依法给予行政处罚', materials: ['不予立案通知书', '案卷材料一宗'], opinion: '建议依法没收违法所得并处罚款' };
const OPINION = { reason: '犯罪情节轻微，依照刑法规定不需要判处刑罚，决定不起诉', materials: ['不起诉决定书', '检察意见书', '案卷材料一宗'], opinion: '建议对被不起诉人依法给予罚款的行政处罚并没收违法所得' };

/** A second public-security unit of the same county: covers the region, but did not accept the transfer. */
const otherPsb: Caller = { role: 'psb_officer', org: 'PSB-320706-XJ', region: '320706' };

describe('反向移送: a case sent back to the bureau for an administrative penalty', () => {
  let hub: TestHub;

  const { ok, violations, inboxHas } = answers(() => hub);
  async function alertsOf(caseId: string): Promise<any[]> {
    return (await ok(ALERTS, {}, callers.procurator)).alerts.edges.map((e: any) => e.node).filter((a: any) => a.case.id === caseId);
  }
  const until = (caseId: string, test: (alerts: any[]) => boolean, what: string) =>
    eventually(async () => { const alerts = await alertsOf(caseId); return test(alerts) ? alerts : undefined; }, 15_000, what);
  /** Everything the agency's outbox sent before this has been judged: a later case's alert is there. */
  async function judgedSoFar(): Promise<void> {
    const sentinel = await recordMarketCase(hub, { salesAmount: 70000 });
    await until(sentinel, (a) => a.length === 1, 'the sentinel case judged');
  }
  /** A case of MR-320706 transferred and accepted by PSB-320706, then decided. */
  async function decided(decision: 'FILE' | 'NOT_FILE', overrides: Record<string, unknown> = {}) {
    const caseId = await recordMarketCase(hub, overrides);
    const { transferCase } = await ok(TRANSFER, { caseId }, callers.marketOfficer);
    await ok(ACCEPT, { id: transferCase.id }, callers.psb);
    await ok(DECIDE, { id: transferCase.id, d: decision }, callers.psb);
    return { caseId, transferId: transferCase.id as string };
  }
  /** 310号令 第十条 / 第十三条: the bureau imposes the administrative penalty on the same case (a new version). */
  async function penalise(caseId: string) {
    const { updateMarketRegulationCase } = await ok(UPDATE, { id: caseId, input: { reason: '依移送意见作出行政处罚', fineAmount: 50000, illegalGain: 12000 } }, callers.marketOfficer);
    expect(updateMarketRegulationCase.version).toBe(2);
  }

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  });
  afterAll(() => hub?.stop());

  describe('by public security, after not filing (国务院令第310号 第十三条)', () => {
    it('sends the case back with its reasons and materials; the bureau is told, acknowledges, and its penalty on the same case raises no 以罚代刑 alert', async () => {
      const { caseId, transferId } = await decided('NOT_FILE', { salesAmount: 80000 });
      const [alert] = await until(caseId, (a) => a.length === 1 && a[0].signal === 'NOT_FILED', 'the alert re-opened as 有案不立');

      const { returnTransferForPenalty: sent } = await ok(RETURN_TRANSFER, { id: transferId, input: PSB_RETURN }, callers.psb);
      expect(sent).toMatchObject({
        sender: 'PUBLIC_SECURITY', senderUnit: 'PSB-320706', agencyCode: 'MR-320706', ground: 'NOT_FILED', status: 'RETURNED', acknowledgedAt: null, ...PSB_RETURN,
      });
      // The bureau is told at once; the procuratorate of the region is copied (抄送).
      expect((await inboxHas(callers.marketOfficer, 'CASE_RETURNED', sent.id)).title).toContain('公安机关移送行政处罚 (不予立案)');
      await inboxHas(callers.procurator, 'CASE_RETURNED', sent.id);
      // Who, when, why: the same to the bureau, public security and the procurator of the region.
      for (const caller of [callers.marketOfficer, callers.psb, callers.procurator]) {
        expect((await ok(TRANSFER_VIEW, { id: transferId }, caller)).transfer.returnForPenalty).toEqual(sent);
      }
      // Once per case.
      expect(violations(await hub.graphql(RETURN_TRANSFER, { id: transferId, input: PSB_RETURN }, callers.psb))).toEqual([['id', 'transition']]);

      const { acknowledgeTransferReturn: acknowledged } = await ok(ACK_TRANSFER, { id: sent.id }, callers.marketOfficer);
      expect(acknowledged).toMatchObject({ id: sent.id, status: 'ACKNOWLEDGED' });
      expect(Date.parse(acknowledged.acknowledgedAt)).toBeGreaterThanOrEqual(Date.parse(sent.returnedAt));
      await inboxHas(callers.psb, 'CASE_RETURN_ACKNOWLEDGED', sent.id);
      expect(violations(await hub.graphql(ACK_TRANSFER, { id: sent.id }, callers.marketOfficer))).toEqual([['id', 'transition']]);

      await penalise(caseId);
      await judgedSoFar();
      const after = await alertsOf(caseId);
      expect(after.map((a) => a.id)).toEqual([alert.id]);
      expect(after.filter((a) => a.signal === 'NOT_TRANSFERRED')).toEqual([]);
    });

    it('after a refusal upheld on reconsideration (第九条), names that ground', async () => {
      const { transferId } = await decided('NOT_FILE');
      await ok(`mutation($id: ID!) { requestReconsideration(id: $id, reason: "销售金额已达追诉标准") { id } }`, { id: transferId }, callers.marketOfficer);
      await ok(`mutation($id: ID!) { decideReconsideration(id: $id, decision: NOT_FILE, reason: "维持不予立案决定") { id } }`, { id: transferId }, callers.psb);
      const { returnTransferForPenalty: sent } = await ok(RETURN_TRANSFER, { id: transferId, input: PSB_RETURN }, callers.psb);
      expect(sent).toMatchObject({ ground: 'RECONSIDERATION_UPHELD', status: 'RETURNED', senderUnit: 'PSB-320706' });
      expect((await inboxHas(callers.marketOfficer, 'CASE_RETURNED', sent.id)).title).toContain('复议维持不予立案');
    });

    it('is refused for a transfer that was filed or is still undecided', async () => {
      const { transferId } = await decided('FILE');
      expect(violations(await hub.graphql(RETURN_TRANSFER, { id: transferId, input: PSB_RETURN }, callers.psb))).toEqual([['id', 'transition']]);
      const caseId = await recordMarketCase(hub);
      const { transferCase } = await ok(TRANSFER, { caseId }, callers.marketOfficer);
      await ok(ACCEPT, { id: transferCase.id }, callers.psb);
      expect(violations(await hub.graphql(RETURN_TRANSFER, { id: transferCase.id, input: PSB_RETURN }, callers.psb))).toEqual([['id', 'transition']]);
    });

    it('answers bad input with every violation at once, and writes nothing', async () => {
      const { transferId } = await decided('NOT_FILE');
      expect(violations(await hub.graphql(RETURN_TRANSFER, { id: transferId, input: { reason: ' ', materials: [], opinion: '意'.repeat(5001) } }, callers.psb)))
        .toEqual([['input.reason', 'required'], ['input.materials', 'required'], ['input.opinion', 'maxLength']]);
      expect(violations(await hub.graphql(RETURN_TRANSFER, { id: transferId, input: { reason: '不需要追究刑事责任', materials: ['案卷', ''] } }, callers.psb)))
        .toEqual([['input.materials.1', 'required']]);
      expect((await ok(TRANSFER_VIEW, { id: transferId }, callers.psb)).transfer.returnForPenalty).toBeNull();
    });

    describe('who may take each step', () => {
      let transferId: string;
      let returnId: string;
      beforeAll(async () => {
        ({ transferId } = await decided('NOT_FILE'));
      });

      it.each([
        ['another public-security unit of the county, not the accepting one', otherPsb, 'FORBIDDEN'],
        ['public security of another region', callers.nanyangPsb, 'FORBIDDEN'],
        ['the bureau that transferred it', callers.marketOfficer, 'UNAUTHORIZED_FIELD_OR_TYPE'],
        ['the procurator of the region', callers.procurator, 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ])('the case is sent back by the unit that refused to file it only, not by %s', async (_, caller, code) => {
        const result = await hub.graphql(RETURN_TRANSFER, { id: transferId, input: PSB_RETURN }, caller);
        expect(result.data?.returnTransferForPenalty ?? null).toBeNull();
        expect(result.errors?.[0].extensions?.code).toBe(code);
      });

      it.each([
        ['another bureau of the region', callers.ecoOfficer, 'FORBIDDEN'],
        ['a bureau of another region', callers.nanyangMarketOfficer, 'FORBIDDEN'],
        ['the unit that sent it', callers.psb, 'UNAUTHORIZED_FIELD_OR_TYPE'],
        ['the procurator of the region', callers.procurator, 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ])('receipt is acknowledged by the bureau it goes to only, not by %s', async (_, caller, code) => {
        returnId ??= (await ok(RETURN_TRANSFER, { id: transferId, input: PSB_RETURN }, callers.psb)).returnTransferForPenalty.id;
        const result = await hub.graphql(ACK_TRANSFER, { id: returnId }, caller);
        expect(result.data?.acknowledgeTransferReturn ?? null).toBeNull();
        expect(result.errors?.[0].extensions?.code).toBe(code);
        expect((await ok(TRANSFER_VIEW, { id: transferId }, callers.psb)).transfer.returnForPenalty.status).toBe('RETURNED');
      });
    });
  });

  describe('by the procuratorate, after 不起诉 (检察意见, 刑事诉讼法 第一百七十七条第三款)', () => {
    it('sends a filed case back with its 检察意见; the bureau is told, acknowledges, and its penalty on the same case raises no 以罚代刑 alert', async () => {
      const { caseId } = await decided('FILE', { salesAmount: 80000 });
      // The filing has reached the procuratorate: the case's alert is resolved.
      const [alert] = await until(caseId, (a) => a.length === 1 && a[0].status === 'RESOLVED', 'the alert resolved by the filing');

      const { returnCaseAfterNonProsecution: sent } = await ok(RETURN_CASE, { caseId, input: OPINION }, callers.procurator);
      expect(sent).toMatchObject({
        sender: 'PROCURATORATE', senderUnit: 'PROC-320706', agencyCode: 'MR-320706', ground: 'NON_PROSECUTION', status: 'RETURNED', acknowledgedAt: null, ...OPINION,
      });
      expect((await inboxHas(callers.marketOfficer, 'CASE_RETURNED', sent.id)).title).toContain('人民检察院移送行政处罚 (不起诉)');
      await inboxHas(callers.psb, 'CASE_RETURNED', sent.id); // 抄送 public security of the region
      for (const caller of [callers.marketOfficer, callers.psb, callers.procurator]) {
        expect((await ok(CASE_VIEW, { id: caseId }, caller)).case.returnAfterNonProsecution).toEqual(sent);
      }
      expect(violations(await hub.graphql(RETURN_CASE, { caseId, input: OPINION }, callers.procurator))).toEqual([['id', 'transition']]);

      const { acknowledgeProcuratorialOpinion: acknowledged } = await ok(ACK_OPINION, { id: sent.id }, callers.marketOfficer);
      expect(acknowledged).toMatchObject({ id: sent.id, status: 'ACKNOWLEDGED' });
      await inboxHas(callers.procurator, 'CASE_RETURN_ACKNOWLEDGED', sent.id);

      await penalise(caseId);
      await judgedSoFar();
      const after = await alertsOf(caseId);
      expect(after).toEqual([expect.objectContaining({ id: alert.id, status: 'RESOLVED' })]);
    });

    it('needs a case public security filed, a 检察意见, and a procuratorate of the region', async () => {
      const refused = await decided('NOT_FILE', { salesAmount: 80000 });
      await until(refused.caseId, (a) => a.length === 1 && a[0].signal === 'NOT_FILED', 'the refusal at the procuratorate');
      expect(violations(await hub.graphql(RETURN_CASE, { caseId: refused.caseId, input: OPINION }, callers.procurator))).toEqual([['id', 'transition']]);

      const { caseId } = await decided('FILE', { salesAmount: 80000 });
      await until(caseId, (a) => a.length === 1 && a[0].status === 'RESOLVED', 'the filing at the procuratorate');
      // Bad input, all at once: no 检察意见, a blank material.
      expect(violations(await hub.graphql(RETURN_CASE, { caseId, input: { reason: OPINION.reason, materials: ['不起诉决定书', ' '] } }, callers.procurator)))
        .toEqual([['input.materials.1', 'required'], ['input.opinion', 'required']]);
      for (const [caller, code] of [[callers.nanyangProcurator, 'FORBIDDEN'], [callers.psb, 'UNAUTHORIZED_FIELD_OR_TYPE'], [callers.marketOfficer, 'UNAUTHORIZED_FIELD_OR_TYPE']] as const) {
        const result = await hub.graphql(RETURN_CASE, { caseId, input: OPINION }, caller);
        expect(result.data?.returnCaseAfterNonProsecution ?? null).toBeNull();
        expect(result.errors?.[0].extensions?.code).toBe(code);
      }
      expect((await ok(CASE_VIEW, { id: caseId }, callers.procurator)).case.returnAfterNonProsecution).toBeNull();
    });
  });
});
