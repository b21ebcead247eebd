// 文化和旅游局's own tests, run against a hub this repository did not come from (`npm test`):
// through the hub's gateway only, as the agency's officers and the region's procurator would.
//   HUB_GATEWAY_URL        the gateway, e.g. https://hub.example.gov.cn
//   HUB_OFFICER_TOKEN      a token of an agency_officer of HUB_BUREAU (default CT-320706)
//   HUB_PROCURATOR_TOKEN   a token of a procurator of the bureau's region (reads the unified case graph)
import { test } from 'node:test';
import assert from 'node:assert/strict';

const gateway = process.env.HUB_GATEWAY_URL;
const bureau = process.env.HUB_BUREAU ?? 'CT-320706';
const region = bureau.split('-')[1];
if (!gateway || !process.env.HUB_OFFICER_TOKEN || !process.env.HUB_PROCURATOR_TOKEN) {
  throw new Error('set HUB_GATEWAY_URL, HUB_OFFICER_TOKEN and HUB_PROCURATOR_TOKEN');
}

async function graphql(token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${gateway}/graphql`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { message: string; extensions?: any }[] };
}
const officer = (query: string, variables?: Record<string, unknown>) => graphql(process.env.HUB_OFFICER_TOKEN!, query, variables);
const procurator = (query: string, variables?: Record<string, unknown>) => graphql(process.env.HUB_PROCURATOR_TOKEN!, query, variables);

/** A resident ID number of the region with its GB 11643 check digit. */
function residentId(sequence: number): string {
  const first17 = `${region}19880214${String(sequence % 1000).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

const run = Date.now() % 100_000;
const input = (overrides: Record<string, unknown> = {}) => ({
  caseNumber: `文旅罚〔2026〕${run}号`,
  actType: 'ADMINISTRATIVE_PENALTY',
  cause: '未经批准举办营业性演出',
  region,
  decidedAt: '2026-10-09T02:00:00Z',
  party: { kind: 'NATURAL_PERSON', name: '李明', idNumber: residentId(run), phone: '13900001111', address: '江苏省连云港市海州区解放东路1号' },
  amountInvolved: 0,
  fineAmount: 80000,
  licenceKind: 'PERFORMANCE', venueName: '海州区某剧场', ticketRevenue: 120000, audience: 640,
  ...overrides,
});

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

let caseId = '';

test('records a case with its own fields and reads them back', async () => {
  const created = await officer(`mutation($input: CultureTourismCaseInput!) { createCultureTourismCase(input: $input) { id } }`, { input: input() });
  assert.equal(created.errors, undefined, JSON.stringify(created.errors));
  caseId = created.data.createCultureTourismCase.id;
  const read = await officer(`query($id: ID!) { case(id: $id) { caseNumber agency { code kind } ... on CultureTourismCase {
    licenceKind venueName ticketRevenue audience } } }`, { id: caseId });
  // The index hears of the case through the agency's outbox: the case reads once it arrived.
  const answered = read.data?.case ? read : await until('the case in the index', async () => {
    const again = await officer(`query($id: ID!) { case(id: $id) { caseNumber agency { code kind } ... on CultureTourismCase {
      licenceKind venueName ticketRevenue audience } } }`, { id: caseId });
    return again.data?.case ? again : undefined;
  });
  assert.equal(answered.errors, undefined, JSON.stringify(answered.errors));
  assert.deepEqual(answered.data.case, {
    caseNumber: `文旅罚〔2026〕${run}号`, agency: { code: bureau, kind: 'CULTURE_TOURISM' },
    licenceKind: 'PERFORMANCE', venueName: '海州区某剧场', ticketRevenue: 120000, audience: 640,
  });
});

test('refuses bad own fields all at once, each named with its rule', async () => {
  const refused = await officer(`mutation($input: CultureTourismCaseInput!) { createCultureTourismCase(input: $input) { id } }`,
    { input: input({ caseNumber: `文旅罚〔2026〕${run + 1}号`, audience: -1, ticketRevenue: -5 }) });
  assert.equal(refused.errors?.[0].extensions.code, 'BAD_USER_INPUT');
  assert.deepEqual(refused.errors![0].extensions.violations.map((v: any) => [v.field, v.rule]), [
    ['input.ticketRevenue', 'nonNegative'], ['input.audience', 'nonNegative'],
  ]);
});

test('is in the unified case graph for the procurator of the region', async () => {
  const found = await until('the case among the region\'s CULTURE_TOURISM cases', async () => {
    const page = await procurator(`{ cases(filter: { agencyKind: CULTURE_TOURISM }, first: 20) { edges { node { id caseNumber agency { kind } } } } }`);
    assert.equal(page.errors, undefined, JSON.stringify(page.errors));
    return page.data.cases.edges.find((e: any) => e.node.id === caseId)?.node;
  });
  assert.deepEqual(found, { id: caseId, caseNumber: `文旅罚〔2026〕${run}号`, agency: { kind: 'CULTURE_TOURISM' } });
});
