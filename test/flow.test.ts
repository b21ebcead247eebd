import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, seedBureaus } from './support/fixtures';
import { dueAt } from '../kit/deadlines';
import { IDENTITY_HEADER } from '../kit/identity';

const REASON = '审查移送案件';

async function ok(promise: Promise<{ data?: any; errors?: unknown[] }>): Promise<any> {
  const { data, errors } = await promise;
  expect(errors).toBeUndefined();
  return data;
}

describe('the two-law linkage, end to end through the gateway', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
  });
  afterAll(() => hub?.stop());

  it('walks record → index → transfer → accept → decide → supervision → suggestion → reply, then answers it all in one query', async () => {
    const caseId = await recordMarketCase(hub, { caseNumber: '海市监处罚〔2026〕888号' });

    const { transferCase } = await ok(hub.graphql(`mutation($id: ID!) { transferCase(caseId: $id, input: { summary: "涉嫌销售伪劣产品罪", materials: ["移送书", "调查报告", "涉案物品清单"] }) { id status } }`, { id: caseId }, callers.marketOfficer));
    expect(transferCase.status).toBe('SUBMITTED');
    const accepted = await ok(hub.graphql(`mutation($id: ID!) { acceptTransfer(id: $id) { status acceptedAt decisionDueAt } }`, { id: transferCase.id }, callers.psb));
    expect(accepted.acceptTransfer.status).toBe('ACCEPTED');
    await ok(hub.graphql(`mutation($id: ID!) { decideTransfer(id: $id, decision: FILE, reason: "符合立案追诉标准") { status } }`, { id: transferCase.id }, callers.psb));

    // Investigation (侦查) and informant (举报人) are classified: with a stated reason the accepting
    // unit sees both, the region's procurator the investigation only, another unit and everyone else nothing.
    await ok(hub.graphql(`mutation($id: ID!) { recordInvestigation(transferId: $id, input: { summary: "已查明供货渠道", measures: ["查封仓库"], informantName: "匿名群众", informantPhone: "13900001111" }) { id } }`,
      { id: transferCase.id }, callers.psb));
    const INVESTIGATION = `query($id: ID!) { transfer(id: $id) { status investigation { summary measures informant { name phone } } } }`;
    const accepting = await ok(hub.graphql(INVESTIGATION, { id: transferCase.id }, { ...callers.psb, reason: REASON }));
    expect(accepting.transfer.investigation).toEqual({ summary: '已查明供货渠道', measures: ['查封仓库'], informant: { name: '匿名群众', phone: '13900001111' } });
    const procurator = await hub.graphql(INVESTIGATION, { id: transferCase.id }, { ...callers.procurator, reason: REASON });
    expect(procurator.data.transfer.investigation).toMatchObject({ summary: '已查明供货渠道', informant: null });
    expect(procurator.errors![0]).toMatchObject({ path: ['transfer', 'investigation', 'informant'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } });
    const otherUnit = await ok(hub.graphql(INVESTIGATION, { id: transferCase.id }, { ...callers.psb, org: 'PSB-320706-2' }));
    expect(otherUnit.transfer).toMatchObject({ status: 'FILED', investigation: null });
    for (const caller of [callers.justice, callers.marketOfficer]) {
      const { data, errors } = await hub.graphql(INVESTIGATION, { id: transferCase.id }, caller);
      expect(data.transfer.investigation).toBeNull();
      expect(errors![0].extensions!.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    }

    const { openSupervision } = await ok(hub.graphql(`mutation($id: ID!) { openSupervision(caseId: $id, input: { kind: TRANSFER_SUPERVISION, summary: "移送监督", notes: "内部: 关注罚款是否已折抵" }) { id status } }`, { id: caseId }, callers.procurator));
    expect(openSupervision.status).toBe('OPEN');
    const { issueSuggestion } = await ok(hub.graphql(`mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { id status replyDueAt } }`,
      { input: { agencyCode: 'MR-320706', caseId, kind: 'CORRECTION', content: '建议加强对涉案物品的登记保存' } }, callers.procurator));
    const { replyToSuggestion } = await ok(hub.graphql(`mutation($id: ID!) { replyToSuggestion(id: $id, input: { reply: "已整改", rectified: true, rectification: "建立登记制度" }) { status rectified } }`,
      { id: issueSuggestion.id }, callers.marketOfficer));
    expect(replyToSuggestion).toEqual({ status: 'REPLIED', rectified: true });

    const { case: unified } = await ok(hub.graphql(`query($id: ID!) {
      case(id: $id) {
        id caseNumber region agency { code name suggestions { content status reply rectified } }
        party { name idNumber }
        ... on MarketRegulationCase { productName salesAmount }
        transfer { status decision decisionReason decidedAt decisionDueAt materials }
        supervision { kind status summary notes }
      }
    }`, { id: caseId }, { ...callers.procurator, reason: REASON }));
    expect(unified).toMatchObject({
      id: caseId, caseNumber: '海市监处罚〔2026〕888号', region: '320706',
      agency: { code: 'MR-320706', suggestions: [{ content: '建议加强对涉案物品的登记保存', status: 'REPLIED', reply: '已整改', rectified: true }] },
      party: { name: '张伟' },
      productName: '劣质电线', salesAmount: 62000,
      transfer: { status: 'FILED', decision: 'FILE', decisionReason: '符合立案追诉标准', materials: ['移送书', '调查报告', '涉案物品清单'] },
      supervision: [{ kind: 'TRANSFER_SUPERVISION', status: 'OPEN', summary: '移送监督', notes: '内部: 关注罚款是否已折抵' }],
    });
    expect(unified.party.idNumber).toMatch(/^320706\d{8}\d{3}[\dX]$/);
    // Filing decision due 3 days after acceptance (国务院令第310号), rolled past a weekend or holiday (schema/deadlines.json).
    expect(unified.transfer.decisionDueAt).toBe(dueAt('filingDecision', new Date(accepted.acceptTransfer.acceptedAt)).toISOString());
  });
});

describe('SQL statements for a page of cases', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    const seedCase = async () => {
      const caseId = await recordMarketCase(hub);
      const { data } = await hub.graphql(`mutation($id: ID!) { transferCase(caseId: $id, input: { summary: "移送", materials: ["移送书"] }) { id } }`, { id: caseId }, callers.marketOfficer);
      expect(data.transferCase.id).toBeTruthy();
      const opened = await hub.graphql(`mutation($id: ID!) { openSupervision(caseId: $id, input: { kind: CASE_REVIEW, summary: "审查" }) { id } }`, { id: caseId }, callers.procurator);
      expect(opened.errors).toBeUndefined();
    };
    // 50 cases, ten at a time: each case's three steps in order, the cases independent of each other.
    for (let i = 0; i < 50; i += 10) await Promise.all(Array.from({ length: 10 }, seedCase));
  }, 180_000);
  afterAll(() => hub?.stop());

  const PAGE = `query($first: Int!) { cases(first: $first) { edges { node { id caseNumber agency { name } party { name idNumber } transfer { status } supervision { status } } } } }`;

  async function statementsFor(first: number) {
    const owners = ['justice', 'market-regulation', 'public-security', 'procuratorate'];
    const before = await Promise.all(owners.map((o) => hub.sqlStatements(o)));
    const { data, errors } = await hub.graphql(PAGE, { first }, { ...callers.procurator, reason: '核查' });
    expect(errors).toBeUndefined();
    expect(data.cases.edges).toHaveLength(first);
    expect(data.cases.edges.every((e: any) => e.node.party && e.node.transfer && e.node.supervision.length === 1)).toBe(true);
    const after = await Promise.all(owners.map((o) => hub.sqlStatements(o)));
    return Object.fromEntries(owners.map((o, i) => [o, after[i] - before[i]]));
  }

  it('does not grow with the page size (10 vs 50 cases with party, transfer and supervision)', async () => {
    await statementsFor(5); // warm every pool and cache once
    const ten = await statementsFor(10);
    const fifty = await statementsFor(50);
    expect(fifty).toEqual(ten);
    // One statement per owner and relation: the page, the parties' cases and parties, transfers, supervision.
    expect(Object.values(fifty).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(8);
  });

  // A message between owners (here the procuratorate asking justice for the agencies announced to
  // it) is no request's work, so it is not counted (a page once counted one statement more, at random).
  it('does not count what justice answers the procuratorate\'s poll of learnt agency kinds', async () => {
    const before = await hub.sqlStatements('justice');
    const response = await fetch(`${hub.subgraphUrls.justice}/internal/agency-kinds-learnt`, {
      method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await hub.keys.asOwner('procuratorate', 'justice') }, body: '{}',
    });
    expect(response.status).toBe(200);
    expect((await response.json()).agencies).toEqual(expect.any(Array));
    expect(await hub.sqlStatements('justice')).toBe(before);
  });
});
