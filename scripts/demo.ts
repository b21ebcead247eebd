import { hubClient, type Caller } from './hub/client';
import { creditCode, DEMO_BUREAUS, DEMO_UNITS, residentId } from './demo-data';

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
  for (const c of cases) {
    const type = c.mutation.replace('create', '');
    await must(c.mutation, hub.graphql(`mutation($input: ${type}Input!) { ${c.mutation}(input: $input) { id ${CASE_FIELDS} } }`, { input: c.input }, c.caller));
  }
  console.log(`demo: ${DEMO_BUREAUS.length} bureaus, ${officers.length} officers, ${cases.length} cases`);
}
