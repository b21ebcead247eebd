import { hubClient, type Caller } from './hub/client';
import { creditCode, DEMO_AGENCIES, DEMO_BUREAUS, DEMO_UNITS, residentId } from './demo-data';
import { AGENCY_KINDS } from '../subgraphs/agencies/registry';

async function must<T>(label: string, promise: Promise<{ data?: T; errors?: { message: string }[] }>): Promise<T> {
  const { data, errors } = await promise;
  if (errors?.length) throw new Error(`demo: ${label}: ${errors.map((e) => e.message).join('; ')}`);
  return data as T;
}

const CASE_FIELDS = `caseNumber actType cause offenceCode party { kind name idNumber phone address } amountInvolved fineAmount decidedAt region`;

/** The demo dataset, loaded through the gateway exactly as agencies and units would enter it. */
export async function loadDemo(gatewayUrl: string, dataDir: string): Promise<void> {
  const hub = hubClient(gatewayUrl, dataDir);
  const admin = DEMO_UNITS.admin as Caller;
  for (const bureau of DEMO_BUREAUS) {
    await must('registerAgency', hub.graphql(`mutation($input: AgencyInput!) { registerAgency(input: $input) { code } }`, { input: bureau }, admin));
  }
  const officers = [
    ['MR-320706', '王明', 'JS-SJ-320706-0001', '市场监管'], ['MR-320706', '李娟', 'JS-SJ-320706-0002', '市场监管'],
    ['EE-320706', '赵强', 'JS-HB-320706-0001', '生态环境'], ['EE-320706', '陈静', 'JS-HB-320706-0002', '生态环境'],
  ];
  for (const [agencyCode, name, certificateNumber, category] of officers) {
    await must('registerOfficer', hub.graphql(`mutation($input: OfficerInput!) { registerOfficer(input: $input) { id } }`, { input: { agencyCode, name, certificateNumber, category } }, admin));
  }
  await must('addPowerItem', hub.graphql(`mutation($input: PowerItemInput!) { addPowerItem(input: $input) { code } }`, {
    input: { agencyCode: 'MR-320706', code: 'CF-0001', name: '对生产、销售伪劣产品的行政处罚', actType: 'ADMINISTRATIVE_PENALTY', legalBasis: '《中华人民共和国产品质量法》第五十条' },
  }, admin));

  const mr = { role: 'agency_officer', org: 'MR-320706', region: '320706' };
  const ee = { role: 'agency_officer', org: 'EE-320706', region: '320706' };
  const mrNanyang = { role: 'agency_officer', org: 'MR-411302', region: '411302' };
  const cases: { caller: Caller; mutation: string; input: Record<string, unknown> }[] = [
    { caller: mr, mutation: 'createMarketRegulationCase', input: {
      caseNumber: '海市监处罚〔2026〕101号', actType: 'ADMINISTRATIVE_PENALTY', cause: '销售伪劣产品', offenceCode: 'CL140',
      party: { kind: 'NATURAL_PERSON', name: '张伟', idNumber: residentId('320706', '19850312', 123), phone: '13812345678', address: '江苏省连云港市海州区朝阳路18号' },
      amountInvolved: 86000, fineAmount: 30000, decidedAt: '2026-09-15T02:00:00Z', region: '320706',
      productName: '劣质电线', salesAmount: 62000, unsoldGoodsValue: 24000 } },
    { caller: mr, mutation: 'createMarketRegulationCase', input: {
      caseNumber: '海市监处罚〔2026〕102号', actType: 'ADMINISTRATIVE_PENALTY', cause: '侵犯注册商标专用权', offenceCode: 'CL213',
      party: { kind: 'ORGANIZATION', name: '连云港某商贸有限公司', idNumber: creditCode('320706', 'MA1X2Y3W4'), phone: '051885551234', address: '江苏省连云港市海州区解放路9号' },
      amountInvolved: 12000, fineAmount: 8000, decidedAt: '2026-10-02T02:00:00Z', region: '320706',
      productName: '假冒品牌运动鞋', salesAmount: 12000, unsoldGoodsValue: 3000 } },
    { caller: ee, mutation: 'createEcoEnvironmentCase', input: {
      caseNumber: '海环罚〔2026〕21号', actType: 'ADMINISTRATIVE_PENALTY', cause: '非法处置危险废物', offenceCode: 'CL338',
      party: { kind: 'ORGANIZATION', name: '连云港某化工有限公司', idNumber: creditCode('320706', 'MA7K8L9M0'), address: '江苏省连云港市海州区工业园区3号' },
      amountInvolved: 450000, fineAmount: 200000, decidedAt: '2026-10-20T02:00:00Z', region: '320706',
      pollutant: '废矿物油', exceedanceMultiple: 0, hazardousWasteTonnes: 4.2 } },
    { caller: mrNanyang, mutation: 'createMarketRegulationCase', input: {
      caseNumber: '宛市监处罚〔2026〕7号', actType: 'ADMINISTRATIVE_PENALTY', cause: '无照经营', offenceCode: null,
      party: { kind: 'NATURAL_PERSON', name: '刘洋', idNumber: residentId('411302', '19920708', 456), phone: '13937712345', address: '河南省南阳市宛城区新华路6号' },
      amountInvolved: 5000, fineAmount: 2000, decidedAt: '2026-08-11T02:00:00Z', region: '411302' } },
  ];
  const ids: string[] = [];
  for (const c of cases) {
    const type = c.mutation.replace('create', '');
    const data = await must<any>(c.mutation, hub.graphql(`mutation($input: ${type}Input!) { ${c.mutation}(input: $input) { id ${CASE_FIELDS} } }`, { input: c.input }, c.caller));
    ids.push(data[c.mutation].id);
  }
  // Each case is awaited by its own bureau: no one caller reads every region's cases.
  await waitForIndex(hub, ids.map((id, i) => ({ id, caller: cases[i].caller })));

  // Transfers in several states: filed, refused and under reconsideration, awaiting acceptance.
  const psb = DEMO_UNITS.psb as Caller;
  const transfer = async (caseId: string, caller: Caller, summary: string) => (await must<any>('transferCase', hub.graphql(
    `mutation($id: ID!, $input: TransferInput!) { transferCase(caseId: $id, input: $input) { id } }`,
    { id: caseId, input: { summary, materials: ['移送书', '调查报告', '涉案物品清单', '检验报告'] } }, caller))).transferCase.id as string;
  const filed = await transfer(ids[0], mr, '涉嫌生产、销售伪劣产品罪，销售金额超过五万元');
  await must('acceptTransfer', hub.graphql(`mutation($id: ID!) { acceptTransfer(id: $id) { id } }`, { id: filed }, psb));
  await must('decideTransfer', hub.graphql(`mutation($id: ID!) { decideTransfer(id: $id, decision: FILE, reason: "符合立案追诉标准") { id } }`, { id: filed }, psb));
  await must('recordInvestigation', hub.graphql(`mutation($id: ID!, $input: InvestigationInput!) { recordInvestigation(transferId: $id, input: $input) { id } }`,
    { id: filed, input: { summary: '已查明上游供货渠道', measures: ['查封仓库', '调取银行流水'], informantName: '匿名群众', informantPhone: '13900001111' } }, psb));
  const refused = await transfer(ids[2], ee, '涉嫌污染环境罪，非法处置危险废物四点二吨');
  await must('acceptTransfer', hub.graphql(`mutation($id: ID!) { acceptTransfer(id: $id) { id } }`, { id: refused }, psb));
  await must('decideTransfer', hub.graphql(`mutation($id: ID!) { decideTransfer(id: $id, decision: NOT_FILE, reason: "现有证据不足以证明危险废物来源") { id } }`, { id: refused }, psb));
  await must('requestReconsideration', hub.graphql(`mutation($id: ID!) { requestReconsideration(id: $id, reason: "已补充危险废物鉴定报告") { id } }`, { id: refused }, ee));
  await transfer(ids[1], mr, '涉嫌假冒注册商标罪');

  // The procuratorate's supervision and suggestions (检察建议), one replied, one awaiting a reply.
  const procurator = DEMO_UNITS.procurator as Caller;
  await must('openSupervision', hub.graphql(`mutation($id: ID!) { openSupervision(caseId: $id, input: { kind: FILING_SUPERVISION, summary: "对不立案决定开展立案监督", notes: "关注危险废物鉴定" }) { id } }`, { id: ids[2] }, procurator));
  const replied = await must<any>('issueSuggestion', hub.graphql(`mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { id } }`,
    { input: { agencyCode: 'MR-320706', caseId: ids[0], kind: 'CORRECTION', content: '建议规范涉案物品登记保存程序' } }, procurator));
  await must('replyToSuggestion', hub.graphql(`mutation($id: ID!) { replyToSuggestion(id: $id, input: { reply: "已建立涉案物品台账", rectified: true, rectification: "制定登记保存规程并培训执法人员" }) { id } }`,
    { id: replied.issueSuggestion.id }, mr));
  await must('issueSuggestion', hub.graphql(`mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { id } }`,
    { input: { agencyCode: 'EE-320706', caseId: ids[2], kind: 'PUBLIC_INTEREST', content: '建议督促涉案企业修复受污染土壤', harmOngoing: true } }, procurator));
  // Agencies onboarded with `npm run agency:new`: each its bureau and cases (scripts/demo-agencies.json).
  const onboarded = await loadAgencyDemo(hub, admin);
  console.log(`demo: ${DEMO_BUREAUS.length + onboarded.bureaus} bureaus, ${officers.length} officers, ${cases.length + onboarded.cases} cases, 3 transfers, 1 supervision matter, 2 suggestions`);
}

/** The bureaus and cases of scripts/demo-agencies.json, each case recorded by an officer of its bureau. */
async function loadAgencyDemo(hub: ReturnType<typeof hubClient>, admin: Caller): Promise<{ bureaus: number; cases: number }> {
  const ids: { id: string; caller: Caller }[] = [];
  for (const entry of DEMO_AGENCIES) {
    const kind = AGENCY_KINDS.find((k) => k.name === entry.agency);
    if (!kind) throw new Error(`demo: scripts/demo-agencies.json names ${entry.agency}, which is not in schema/agencies.json`);
    await must('registerAgency', hub.graphql(`mutation($input: AgencyInput!) { registerAgency(input: $input) { code } }`, { input: { ...entry.bureau, kind: kind.kind } }, admin));
    const officer = { role: 'agency_officer', org: entry.bureau.code, region: entry.bureau.region };
    for (const input of entry.cases) {
      const data = await must<any>(`create${kind.caseType}`, hub.graphql(`mutation($input: ${kind.caseType}Input!) { create${kind.caseType}(input: $input) { id } }`, { input }, officer));
      ids.push({ id: data[`create${kind.caseType}`].id, caller: officer });
    }
  }
  await waitForIndex(hub, ids);
  return { bureaus: DEMO_AGENCIES.length, cases: ids.length };
}

async function waitForIndex(hub: ReturnType<typeof hubClient>, cases: { id: string; caller: Caller }[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  let waiting = cases;
  while (Date.now() < deadline) {
    const found = await Promise.all(waiting.map(async (c) =>
      !!(await hub.graphql<any>(`query($id: ID!) { case(id: $id) { id } }`, { id: c.id }, c.caller)).data?.case));
    waiting = waiting.filter((_, i) => !found[i]);
    if (!waiting.length) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`demo: ${waiting.length} case(s) did not reach the index within 30 s`);
}
