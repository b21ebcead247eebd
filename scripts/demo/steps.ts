// Each step of scenarios.ts as the unit that takes it enters it through the gateway: the bureau's
// officer, public security, the procuratorate or the justice bureau of the case's region.
import type { Caller, HubClient } from '../hub/client';
import type { DemoCase } from './plan';
import type { Step } from './scenarios';
import { must, officerOf, unitsOf } from './units';

const DAY_MS = 24 * 3600_000;

/** What the loader knows of a case as its steps go: the ids the owners gave. */
export interface CaseState {
  caseId: string;
  transferId?: string;
  filingSupervisionId?: string;
  caseReturnId?: string;
  suggestionId?: string;
  opinionId?: string;
  supervisionId?: string;
}

/** 国务院令第310号 第六条: the five attachments; the inspection report absent where 补正 will ask for it. */
function attachments(c: DemoCase) {
  const missing = c.scenarios.some((s) => s.startsWith('materials'));
  return [
    { kind: 'TRANSFER_LETTER', title: '涉嫌犯罪案件移送书' },
    { kind: 'INVESTIGATION_REPORT', title: '涉嫌犯罪案件情况的调查报告' },
    { kind: 'SEIZED_ITEMS_LIST', title: '涉案物品清单' },
    missing ? { kind: 'INSPECTION_REPORT', absentReason: '检验机构尚未出具报告' } : { kind: 'INSPECTION_REPORT', title: '检验报告' },
    { kind: 'OTHER_MATERIALS', title: '询问笔录、现场检查笔录' },
  ];
}

export async function runStep(hub: HubClient, step: Step, c: DemoCase, s: CaseState, now: Date): Promise<void> {
  const officer = officerOf(c.bureau);
  const { psb, procurator, justice } = unitsOf(c.bureau.region);
  const cause = String(c.input.cause);
  const run = async (caller: Caller, mutation: string, variables: Record<string, unknown>) => {
    const name = mutation.match(/\{\s*(\w+)/)![1];
    return (await must(`${c.key} ${step}`, () => hub.graphql(mutation, variables, caller)))[name];
  };
  switch (step) {
    case 'transfer':
      s.transferId = (await run(officer, `mutation($id: ID!, $input: TransferInput!) { transferCase(caseId: $id, input: $input) { id } }`,
        { id: s.caseId, input: { summary: `涉嫌犯罪：${cause}，涉案金额${c.input.amountInvolved}元`, attachments: attachments(c) } })).id;
      return;
    case 'accept':
      await run(psb, `mutation($id: ID!) { acceptTransfer(id: $id) { id } }`, { id: s.transferId });
      return;
    case 'requestMaterials':
      await run(psb, `mutation($id: ID!) { requestTransferMaterials(id: $id, missing: [INSPECTION_REPORT], note: "请补充检验报告") { id } }`, { id: s.transferId });
      return;
    case 'completeMaterials':
      await run(officer, `mutation($id: ID!) { completeTransferMaterials(id: $id, attachments: [{ kind: INSPECTION_REPORT, title: "检验报告（加盖印章）" }]) { id } }`, { id: s.transferId });
      return;
    case 'forward':
      await run(psb, `mutation($id: ID!, $input: TransferForwardInput!) { forwardTransfer(id: $id, input: $input) { id } }`,
        { id: s.transferId, input: { competentAuthority: '国家税务总局稽查局', reason: '涉嫌逃避缴纳税款，依法由税务机关先行下达追缴通知（刑法第二百零一条第四款）' } });
      return;
    case 'return':
      await run(psb, `mutation($id: ID!) { returnTransfer(id: $id, reason: "移送材料不能证明涉案金额，请补充证据后重新移送") { id } }`, { id: s.transferId });
      return;
    case 'retransfer':
      s.transferId = (await run(officer, `mutation($id: ID!, $input: TransferInput!) { retransferCase(id: $id, newEvidence: "补充调取的银行流水及销售台账", input: $input) { id } }`,
        { id: s.transferId, input: { summary: `重新移送：${cause}`, attachments: attachments(c) } })).id;
      return;
    case 'decideFile':
      await run(psb, `mutation($id: ID!) { decideTransfer(id: $id, decision: FILE, reason: "符合立案追诉标准") { id } }`, { id: s.transferId });
      return;
    case 'decideNotFile':
      await run(psb, `mutation($id: ID!) { decideTransfer(id: $id, decision: NOT_FILE, reason: "现有证据不足以证明达到立案追诉标准") { id } }`, { id: s.transferId });
      return;
    case 'requestReconsideration':
      await run(officer, `mutation($id: ID!) { requestReconsideration(id: $id, reason: "已补充鉴定意见，涉案数额达到追诉标准") { id } }`, { id: s.transferId });
      return;
    case 'upholdRefusal':
      await run(psb, `mutation($id: ID!) { decideReconsideration(id: $id, decision: NOT_FILE, reason: "补充材料仍不足以证明犯罪事实") { id } }`, { id: s.transferId });
      return;
    case 'fileOnReconsideration':
      await run(psb, `mutation($id: ID!) { decideReconsideration(id: $id, decision: FILE, reason: "补充鉴定意见证明涉案数额达到追诉标准") { id } }`, { id: s.transferId });
      return;
    case 'handOverItems':
      // 第十二条: the bureau hands the seized items over within 3 days of the filing notice.
      await run(officer, `mutation($id: ID!, $items: [SeizedItemInput!]) { recordSeizedItemsHandover(transferId: $id, items: $items) { status } }`,
        { id: s.transferId, items: [{ description: `涉案物品（${cause}）`, quantity: 1 + (Number(c.input.amountInvolved) % 40), unit: '件' }] });
      return;
    case 'confirmItems':
      await run(psb, `mutation($id: ID!) { confirmSeizedItemsReceipt(transferId: $id, note: "物品与清单相符") { status } }`, { id: s.transferId });
      return;
    case 'investigate':
      await run(psb, `mutation($id: ID!, $input: InvestigationInput!) { recordInvestigation(transferId: $id, input: $input) { id } }`,
        { id: s.transferId, input: { summary: '已查明上下游经营情况', measures: ['调取银行流水', '询问相关证人'] } });
      return;
    case 'returnForPenalty':
      s.caseReturnId = (await run(psb, `mutation($id: ID!, $input: CaseReturnInput!) { returnTransferForPenalty(transferId: $id, input: $input) { id } }`,
        { id: s.transferId, input: { reason: '不构成犯罪，但应予行政处罚（行政处罚法第二十七条）', materials: ['不予立案通知书', '案卷材料'] } })).id;
      return;
    case 'acknowledgeReturn':
      await run(officer, `mutation($id: ID!) { acknowledgeTransferReturn(id: $id) { id } }`, { id: s.caseReturnId });
      return;
    case 'returnAfterNonProsecution':
      s.caseReturnId = (await run(procurator, `mutation($id: ID!, $input: CaseReturnInput!) { returnCaseAfterNonProsecution(caseId: $id, input: $input) { id } }`,
        { id: s.caseId, input: { reason: '犯罪情节轻微，决定不起诉', materials: ['不起诉决定书'], opinion: '建议对被不起诉人依法给予行政处罚' } })).id;
      return;
    case 'acknowledgeOpinion':
      await run(officer, `mutation($id: ID!) { acknowledgeProcuratorialOpinion(id: $id) { id } }`, { id: s.caseReturnId });
      return;
    case 'requestFilingSupervision':
      s.filingSupervisionId = (await run(officer, `mutation($id: ID!) { requestFilingSupervision(transferId: $id, reason: "复议维持不立案决定，提请检察机关立案监督") { id } }`, { id: s.transferId })).id;
      return;
    case 'requireExplanation':
      await run(procurator, `mutation($id: ID!) { requireFilingExplanation(id: $id, reason: "要求说明不立案理由") { id } }`, { id: s.filingSupervisionId });
      return;
    case 'explain':
      await run(psb, `mutation($id: ID!) { explainNonFiling(id: $id, explanation: "经审查，现有证据不能证明涉案数额达到追诉标准") { id } }`, { id: await requestOf(hub, s, psb) });
      return;
    case 'decideReasonsSound':
      await run(procurator, `mutation($id: ID!) { decideFilingSupervision(id: $id, decision: REASONS_SOUND, reason: "不立案理由成立") { id } }`, { id: s.filingSupervisionId });
      return;
    case 'orderFiling':
      await run(procurator, `mutation($id: ID!) { decideFilingSupervision(id: $id, decision: ORDER_FILING, reason: "不立案理由不能成立，通知立案") { id } }`, { id: s.filingSupervisionId });
      return;
    case 'fileOnOrder':
      await run(psb, `mutation($id: ID!) { fileOnOrder(id: $id) { id } }`, { id: await requestOf(hub, s, psb) });
      return;
    case 'correctionNotice':
      await run(procurator, `mutation($id: ID!) { issueFilingCorrectionNotice(id: $id) { id } }`, { id: s.filingSupervisionId });
      return;
    case 'dismissAlert':
      await run(procurator, `mutation($id: ID!) { dismissAlert(id: $id, reason: "经审查，涉案数额系重复计算，不构成犯罪") { id } }`, { id: await openAlertOf(hub, s, procurator) });
      return;
    case 'convertAlert':
      s.supervisionId = (await run(procurator, `mutation($id: ID!) { convertAlert(id: $id, summary: "以罚代刑线索转为移送监督") { id } }`, { id: await openAlertOf(hub, s, procurator) })).id;
      return;
    case 'openSupervision':
      s.supervisionId = (await run(procurator, `mutation($id: ID!) { openSupervision(caseId: $id, input: { kind: CASE_REVIEW, summary: "案件审查监督", notes: "调阅案卷" }) { id } }`, { id: s.caseId })).id;
      return;
    case 'closeSupervision':
      await run(procurator, `mutation($id: ID!) { closeSupervision(id: $id) { id } }`, { id: s.supervisionId });
      return;
    case 'issueSuggestion':
      s.suggestionId = (await run(procurator, `mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { id } }`,
        { input: { agencyCode: c.bureau.code, caseId: s.caseId, kind: 'CORRECTION', content: `针对“${cause}”案件办理中存在的问题，建议规范执法程序` } })).id;
      return;
    case 'acknowledgeSuggestion':
      await run(officer, `mutation($id: ID!) { acknowledgeSuggestion(id: $id) { id } }`, { id: s.suggestionId });
      return;
    case 'replySuggestion':
      await run(officer, `mutation($id: ID!) { replyToSuggestion(id: $id, input: { reply: "已组织整改", rectified: true, rectification: "修订执法程序规范并组织培训" }) { id } }`, { id: s.suggestionId });
      return;
    case 'verifyDone':
      await run(procurator, `mutation($id: ID!) { verifySuggestionRectification(id: $id, outcome: DONE) { id } }`, { id: s.suggestionId });
      return;
    case 'verifyInsufficient':
      await run(procurator, `mutation($id: ID!) { verifySuggestionRectification(id: $id, outcome: INSUFFICIENT) { id } }`, { id: s.suggestionId });
      return;
    case 'recordSupervisionResult':
      await run(justice, `mutation($id: ID!) { recordSupervisionResult(id: $id, result: "已约谈执法机关负责人，督促整改到位") { id } }`, { id: await justiceMatterOf(hub, s, justice) });
      return;
    case 'objectSuggestion':
      await run(officer, `mutation($id: ID!) { objectToSuggestion(id: $id, reason: "建议所述事实与案卷记载不符") { id } }`, { id: s.suggestionId });
      return;
    case 'withdrawSuggestion':
      await run(procurator, `mutation($id: ID!) { reviewSuggestionObjection(id: $id, decision: WITHDRAW, reason: "经复核，异议成立") { id } }`, { id: s.suggestionId });
      return;
    case 'maintainSuggestion':
      await run(procurator, `mutation($id: ID!) { reviewSuggestionObjection(id: $id, decision: MAINTAIN, reason: "经复核，异议不成立") { id } }`, { id: s.suggestionId });
      return;
    case 'issueOpinion':
      s.opinionId = (await run(justice, `mutation($input: SupervisionOpinionInput!) { issueSupervisionOpinion(input: $input) { id } }`, { input: {
        agencyCode: c.bureau.code, ground: 'ABUSED_DISCRETION', caseId: s.caseId, facts: `“${cause}”案件罚款数额超出裁量基准`,
        requirement: '依法纠正并报送整改情况', rectificationDueAt: new Date(now.getTime() + 30 * DAY_MS).toISOString() } })).id;
      return;
    case 'replyOpinion':
      await run(officer, `mutation($id: ID!) { replyToSupervisionOpinion(id: $id, input: { reply: "已重新核定罚款数额", rectified: true }) { id } }`, { id: s.opinionId });
      return;
    case 'verifyOpinion':
      await run(justice, `mutation($id: ID!) { verifySupervisionOpinion(id: $id, outcome: RECTIFIED, note: "整改到位") { id } }`, { id: s.opinionId });
      return;
  }
}

/** Public security's copy of the filing-supervision request (it arrives as the procuratorate's message). */
async function requestOf(hub: HubClient, s: CaseState, psb: Caller): Promise<string> {
  const data = await must('filing supervision request', async () => {
    const answer = await hub.graphql(`query($id: ID!) { transfer(id: $id) { filingSupervision { id } } }`, { id: s.transferId }, psb);
    return answer.data?.transfer?.filingSupervision ? answer : { errors: [{ message: 'the request has not reached public security' }] };
  });
  return data.transfer.filingSupervision.id;
}

/** The case's open alert (raised by the procuratorate's screening once the case reaches it). */
async function openAlertOf(hub: HubClient, s: CaseState, procurator: Caller): Promise<string> {
  return findIn(hub, 'open alert', `query($after: String) { alerts(status: OPEN, first: 100, after: $after) { edges { node { id case { id } } } pageInfo { hasNextPage endCursor } } }`,
    'alerts', (node) => node.case?.id === s.caseId, procurator);
}

/** The justice bureau's matter on the case's suggestion (双向通报, copied by the procuratorate). */
async function justiceMatterOf(hub: HubClient, s: CaseState, justice: Caller): Promise<string> {
  return findIn(hub, 'justice supervision matter', `query($after: String) { justiceSupervisionMatters(first: 100, after: $after) { edges { node { id suggestion { id } } } pageInfo { hasNextPage endCursor } } }`,
    'justiceSupervisionMatters', (node) => node.suggestion?.id === s.suggestionId, justice);
}

async function findIn(hub: HubClient, label: string, query: string, root: string, match: (node: any) => boolean, caller: Caller): Promise<string> {
  const data = await must(label, async () => {
    let after: string | null = null;
    for (;;) {
      const answer: { data?: any; errors?: { message: string }[] } = await hub.graphql(query, { after }, caller);
      if (answer.errors?.length) return answer;
      const page: any = answer.data[root];
      const found = page.edges.find((e: any) => match(e.node));
      if (found) return { data: { id: found.node.id } };
      if (!page.pageInfo.hasNextPage) return { errors: [{ message: `no ${label} yet` }] };
      after = page.pageInfo.endCursor;
    }
  });
  return data.id;
}
