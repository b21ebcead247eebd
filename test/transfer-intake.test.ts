// Public-security intake (受理) end to end, through the gateway: the five attachments of
// 国务院令第310号 第六条, 补正 (notice within 24 hours of acceptance, completion within 3 days of
// receipt; the filing period waits and runs again from the completion), and the per-case
// extension of the filing period with the approval its level names (公安部 2016 受理规定 第八条).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub';
import { answers } from './support/answers';
import { callers, recordMarketCase, seedBureaus, type Caller } from './support/fixtures';
import { dueAt, filingDecisionDueAt } from '../kit/deadlines';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const ATTACHMENTS = [
  { kind: 'TRANSFER_LETTER', title: '涉嫌犯罪案件移送书 海市监移〔2026〕3号' },
  { kind: 'INVESTIGATION_REPORT', title: '关于张伟销售伪劣产品案的调查报告' },
  { kind: 'SEIZED_ITEMS_LIST', title: '涉案物品清单（劣质电线 1200 卷）' },
  { kind: 'INSPECTION_REPORT', title: '江苏省产品质量监督检验研究院检验报告' },
  { kind: 'OTHER_MATERIALS', absentReason: '无其他材料' },
];
const TRANSFER_FIELDS = `id status acceptedAt decisionDueAt overdue attachments { kind name title absentReason } missingAttachments
  materialsRequest { requestedAt missing note receivedAt dueAt completedAt overdue }
  filingExtension { level approvedBy approvalRequired reason grantedAt citation }`;
const TRANSFER = `mutation($caseId: ID!, $attachments: [TransferAttachmentInput!], $materials: [String!]) {
  transferCase(caseId: $caseId, input: { summary: "涉嫌销售伪劣产品罪，销售金额已达追诉标准", attachments: $attachments, materials: $materials }) { ${TRANSFER_FIELDS} } }`;
const ACCEPT = `mutation($id: ID!) { acceptTransfer(id: $id) { ${TRANSFER_FIELDS} } }`;
const REQUEST = `mutation($id: ID!, $missing: [TransferAttachmentKind!]!, $note: String) {
  requestTransferMaterials(id: $id, missing: $missing, note: $note) { ${TRANSFER_FIELDS} } }`;
const COMPLETE = `mutation($id: ID!, $attachments: [TransferAttachmentInput!]!) { completeTransferMaterials(id: $id, attachments: $attachments) { ${TRANSFER_FIELDS} } }`;
const EXTEND = `mutation($id: ID!, $level: String!, $approvedBy: String, $reason: String!) {
  extendFilingPeriod(id: $id, level: $level, approvedBy: $approvedBy, reason: $reason) { ${TRANSFER_FIELDS} } }`;
const DECIDE = `mutation($id: ID!) { decideTransfer(id: $id, decision: NOT_FILE, reason: "补正期满仍无检验报告，现有证据不足") { id status } }`;
const VIEW = `query($id: ID!) { transfer(id: $id) { ${TRANSFER_FIELDS} } }`;
const OVERDUE = `{ overdue { transfers { id overdue } } }`;

/** A second public-security unit of the same county: covers the region, but did not accept the transfer. */
const otherPsb: Caller = { role: 'psb_officer', org: 'PSB-320706-XJ', region: '320706' };

describe('public-security intake (受理)', () => {
  let hub: TestHub;

  const { ok, violations, inboxHas } = answers(() => hub);
  /** A case transferred with its five attachments and accepted by PSB-320706. */
  const accepted = async () => {
    const caseId = await recordMarketCase(hub);
    const { transferCase } = await ok(TRANSFER, { caseId, attachments: ATTACHMENTS }, callers.marketOfficer);
    return (await ok(ACCEPT, { id: transferCase.id }, callers.psb)).acceptTransfer;
  };

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  });
  afterAll(() => hub?.stop());

  describe('the five attachments of 第六条 on the transfer', () => {
    it('are kept as declared and seen by the bureau, public security and the procuratorate alike', async () => {
      const caseId = await recordMarketCase(hub);
      const { transferCase } = await ok(TRANSFER, { caseId, attachments: ATTACHMENTS }, callers.marketOfficer);
      expect(transferCase.attachments.map((a: any) => [a.kind, a.name])).toEqual([
        ['TRANSFER_LETTER', '涉嫌犯罪案件移送书'], ['INVESTIGATION_REPORT', '涉嫌犯罪案件情况的调查报告'], ['SEIZED_ITEMS_LIST', '涉案物品清单'],
        ['INSPECTION_REPORT', '有关检验报告或者鉴定结论'], ['OTHER_MATERIALS', '其他有关涉嫌犯罪的材料'],
      ]);
      expect(transferCase.attachments[4]).toMatchObject({ title: null, absentReason: '无其他材料' });
      expect(transferCase.missingAttachments).toEqual([]);
      for (const caller of [callers.psb, callers.procurator]) {
        expect((await ok(VIEW, { id: transferCase.id }, caller)).transfer.attachments).toEqual(transferCase.attachments);
      }
    });

    it('refuses a transfer missing some, naming every missing one and every bad item at once; nothing is written', async () => {
      const caseId = await recordMarketCase(hub);
      const result = await hub.graphql(TRANSFER, { caseId, attachments: [
        { kind: 'TRANSFER_LETTER', absentReason: '稍后补送' },
        { kind: 'SEIZED_ITEMS_LIST', absentReason: '未查扣涉案物品' },
        { kind: 'OTHER_MATERIALS', title: '询问笔录', absentReason: '无' },
      ] }, callers.marketOfficer);
      expect(violations(result)).toEqual([
        ['input.attachments.0.absentReason', 'notAbsentable'],
        ['input.attachments.2', 'titleOrAbsentReason'],
        ['input.attachments.INVESTIGATION_REPORT', 'requiredAttachment'],
        ['input.attachments.INSPECTION_REPORT', 'requiredAttachment'],
      ]);
      // Nothing was written: the same case transfers once the attachments are right.
      const { transferCase } = await ok(TRANSFER, { caseId, attachments: ATTACHMENTS }, callers.marketOfficer);
      expect(transferCase.status).toBe('SUBMITTED');
    });

    it('shows all five as missing on a transfer sent with the free list only, for the accepting unit to ask for', async () => {
      const caseId = await recordMarketCase(hub);
      const { transferCase } = await ok(TRANSFER, { caseId, materials: ['调查报告', '涉案物品清单'] }, callers.marketOfficer);
      expect(transferCase).toMatchObject({ attachments: [], missingAttachments: ATTACHMENTS.map((a) => a.kind) });
    });
  });

  describe('补正: the request to complete the materials', () => {
    let transfer: any;
    beforeAll(async () => { transfer = await accepted(); });

    it.each([
      ['the bureau that transferred it', callers.marketOfficer, 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['the procurator of the region', callers.procurator, 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['public security of another region', callers.nanyangPsb, 'FORBIDDEN'],
      ['another public-security unit of the county, not the accepting one', otherPsb, 'FORBIDDEN'],
    ])('is refused to %s', async (_, caller, code) => {
      const result = await hub.graphql(REQUEST, { id: transfer.id, missing: ['INSPECTION_REPORT'] }, caller);
      expect(result.data?.requestTransferMaterials ?? null).toBeNull();
      expect(result.errors?.[0].extensions?.code).toBe(code);
      expect((await ok(VIEW, { id: transfer.id }, callers.psb)).transfer.status).toBe('ACCEPTED');
    });

    it('walks ACCEPTED → MATERIALS_REQUESTED → ACCEPTED: the bureau is told what is missing, has 3 days from receipt, and the filing period runs again from the completion', async () => {
      // Bad input, all at once: nothing named, a note too long.
      expect(violations(await hub.graphql(REQUEST, { id: transfer.id, missing: [], note: '补'.repeat(2001) }, callers.psb)))
        .toEqual([['missing', 'required'], ['note', 'maxLength']]);

      const { requestTransferMaterials: asked } = await ok(REQUEST, { id: transfer.id, missing: ['INSPECTION_REPORT', 'SEIZED_ITEMS_LIST'], note: '检验报告未加盖检验机构印章' }, callers.psb);
      const receivedAt = new Date(asked.materialsRequest.receivedAt);
      expect(asked).toMatchObject({ status: 'MATERIALS_REQUESTED', overdue: false, materialsRequest: {
        missing: ['SEIZED_ITEMS_LIST', 'INSPECTION_REPORT'], note: '检验报告未加盖检验机构印章', completedAt: null, overdue: false,
        dueAt: dueAt('materialsCompletion', { receivedAt }).toISOString(),
      } });
      // Within 24 hours of acceptance (materialsNotice).
      expect(receivedAt.getTime()).toBeLessThanOrEqual(dueAt('materialsNotice', { acceptedAt: new Date(transfer.acceptedAt) }).getTime());
      const notice = await inboxHas(callers.marketOfficer, 'TRANSFER_MATERIALS_REQUESTED', transfer.id);
      expect(notice.title).toContain('有关检验报告或者鉴定结论');
      // The bureau sees the request on its transfer; it is asked once at a time.
      expect((await ok(VIEW, { id: transfer.id }, callers.marketOfficer)).transfer.materialsRequest.dueAt).toBe(asked.materialsRequest.dueAt);
      expect(violations(await hub.graphql(REQUEST, { id: transfer.id, missing: ['OTHER_MATERIALS'] }, callers.psb))).toEqual([['id', 'transition']]);

      // Only the bureau completes, and it must answer every kind asked for.
      expect((await hub.graphql(COMPLETE, { id: transfer.id, attachments: [] }, callers.ecoOfficer)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(violations(await hub.graphql(COMPLETE, { id: transfer.id, attachments: [{ kind: 'INSPECTION_REPORT', absentReason: '' }] }, callers.marketOfficer)))
        .toEqual([['attachments.0.title', 'required'], ['attachments.SEIZED_ITEMS_LIST', 'requiredAttachment']]);

      // While the materials are outstanding the transfer waits on the bureau: past the completion's due date it is overdue, for both sides.
      await hub.advanceClock(new Date(asked.materialsRequest.dueAt).getTime() - receivedAt.getTime() + HOUR);
      const late = (await ok(VIEW, { id: transfer.id }, callers.marketOfficer)).transfer;
      expect(late).toMatchObject({ status: 'MATERIALS_REQUESTED', overdue: true, materialsRequest: { overdue: true } });
      for (const caller of [callers.marketOfficer, callers.psb]) {
        expect((await ok(OVERDUE, undefined, caller)).overdue.transfers).toContainEqual({ id: transfer.id, overdue: true });
      }

      const { completeTransferMaterials: done } = await ok(COMPLETE, { id: transfer.id, attachments: [
        { kind: 'INSPECTION_REPORT', title: '检验报告（加盖印章）' }, { kind: 'SEIZED_ITEMS_LIST', absentReason: '涉案电线已由当事人销售完毕，未查扣' },
      ] }, callers.marketOfficer);
      const completedAt = new Date(done.materialsRequest.completedAt);
      expect(done).toMatchObject({ status: 'ACCEPTED', overdue: false, missingAttachments: [], materialsRequest: { overdue: false },
        decisionDueAt: dueAt('filingDecision', { acceptedAt: completedAt }).toISOString() });
      expect(done.attachments.find((a: any) => a.kind === 'INSPECTION_REPORT').title).toBe('检验报告（加盖印章）');
      expect(done.attachments.find((a: any) => a.kind === 'SEIZED_ITEMS_LIST').absentReason).toBe('涉案电线已由当事人销售完毕，未查扣');
      await inboxHas(callers.psb, 'TRANSFER_MATERIALS_COMPLETED', transfer.id);
      expect((await ok(OVERDUE, undefined, callers.psb)).overdue.transfers.map((t: any) => t.id)).not.toContain(transfer.id);
    });

    it('is refused more than 24 hours after acceptance, and public security may decide on what it has while materials are outstanding', async () => {
      const late = await accepted();
      const asked = await accepted();
      await ok(REQUEST, { id: asked.id, missing: ['INSPECTION_REPORT'] }, callers.psb);
      await hub.advanceClock(dueAt('materialsNotice', { acceptedAt: new Date(late.acceptedAt) }).getTime() - new Date(late.acceptedAt).getTime() + HOUR);
      expect(violations(await hub.graphql(REQUEST, { id: late.id, missing: ['INSPECTION_REPORT'] }, callers.psb))).toEqual([['id', 'deadline']]);
      expect((await ok(DECIDE, { id: asked.id }, callers.psb)).decideTransfer.status).toBe('NOT_FILED');
    });
  });

  describe('立案审查期限的延长: a longer filing period for one case, with approval', () => {
    it.each([
      ['the bureau that transferred it', callers.marketOfficer, 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['the procurator of the region', callers.procurator, 'UNAUTHORIZED_FIELD_OR_TYPE'],
      ['another public-security unit of the county', otherPsb, 'FORBIDDEN'],
    ])('is refused to %s', async (_, caller, code) => {
      const transfer = await accepted();
      const result = await hub.graphql(EXTEND, { id: transfer.id, level: 'leadsToCheck', reason: '线索需要查证' }, caller);
      expect(result.errors?.[0].extensions?.code).toBe(code);
      expect((await ok(VIEW, { id: transfer.id }, callers.psb)).transfer).toMatchObject({ filingExtension: null, decisionDueAt: transfer.decisionDueAt });
    });

    it('grants 7 days, then 30 with the approver named; decisionDueAt follows; shorter or late extensions are refused', async () => {
      const transfer = await accepted();
      const acceptedAt = new Date(transfer.acceptedAt);
      expect(transfer.decisionDueAt).toBe(dueAt('filingDecision', { acceptedAt }).toISOString());
      // Every broken rule at once: an unknown level, no reason.
      expect(violations(await hub.graphql(EXTEND, { id: transfer.id, level: 'forever', reason: ' ' }, callers.psb)))
        .toEqual([['level', 'oneOf'], ['reason', 'required']]);
      // 重大疑难复杂 needs a county-level head's approval: the approver must be named.
      expect(violations(await hub.graphql(EXTEND, { id: transfer.id, level: 'majorComplex', reason: '案情重大复杂' }, callers.psb)))
        .toEqual([['approvedBy', 'requiredApproval']]);

      const { extendFilingPeriod: seven } = await ok(EXTEND, { id: transfer.id, level: 'leadsToCheck', reason: '销售台账需向下游核实' }, callers.psb);
      expect(seven).toMatchObject({ status: 'ACCEPTED', decisionDueAt: filingDecisionDueAt(acceptedAt, 'leadsToCheck').toISOString(),
        filingExtension: { level: 'leadsToCheck', approvedBy: null, approvalRequired: null, reason: '销售台账需向下游核实' } });
      await inboxHas(callers.marketOfficer, 'FILING_PERIOD_EXTENDED', transfer.id);
      // The bureau sees the extension on its transfer.
      expect((await ok(VIEW, { id: transfer.id }, callers.marketOfficer)).transfer.filingExtension.level).toBe('leadsToCheck');

      const { extendFilingPeriod: thirty } = await ok(EXTEND, { id: transfer.id, level: 'majorComplex', approvedBy: '海州分局局长 李明', reason: '涉案下游商户二十余家' }, callers.psb);
      expect(thirty).toMatchObject({ decisionDueAt: filingDecisionDueAt(acceptedAt, 'majorComplex').toISOString(),
        filingExtension: { level: 'majorComplex', approvedBy: '海州分局局长 李明' } });
      expect(thirty.filingExtension.approvalRequired).toContain('县级以上公安机关负责人');
      expect(violations(await hub.graphql(EXTEND, { id: transfer.id, level: 'leadsToCheck', reason: '缩短' }, callers.psb))).toEqual([['level', 'longer']]);

      // A day past the original 3 days the case is not overdue under its extension; past the 30 days it is, and no extension helps.
      await hub.advanceClock(dueAt('filingDecision', { acceptedAt }).getTime() - acceptedAt.getTime() + DAY);
      expect((await ok(VIEW, { id: transfer.id }, callers.psb)).transfer.overdue).toBe(false);
      await hub.advanceClock(new Date(thirty.decisionDueAt).getTime() - acceptedAt.getTime());
      expect((await ok(VIEW, { id: transfer.id }, callers.psb)).transfer.overdue).toBe(true);
      expect((await ok(OVERDUE, undefined, callers.psb)).overdue.transfers).toContainEqual({ id: transfer.id, overdue: true });
      expect(violations(await hub.graphql(EXTEND, { id: transfer.id, level: 'economicSpecial', approvedBy: '连云港市公安局局长', reason: '情况特殊' }, callers.psb)))
        .toEqual([['id', 'deadline']]);
    });
  });
});
