import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, creditCode, marketCaseInput, residentId, seedBureaus, waitForIndexed, type Caller } from './support/fixtures';
import { IDENTITY_HEADER } from '../kit/identity';
import { monthOf } from '../kit/month';

// 阳光执法 (seed 004) and 一月一晒绩 (seed 001), through the gateway. The expectations are the
// rules written out by hand: what the public may see, and the scorecard of what this file records.

const ADDRESSES = ['江苏省连云港市海州区幸福路1号', '江苏省连云港市海州区工业路2号', '江苏省连云港市海州区化工园8号', '河南省南阳市宛城区新华路6号', '江苏省连云港市海州区朝阳路18号'];
const PERSON = { kind: 'NATURAL_PERSON', name: '李明', idNumber: residentId('320706', '19800101', 11), phone: '13912345678', address: ADDRESSES[0] };
const COMPANY = { kind: 'ORGANIZATION', name: '连云港某食品有限公司', idNumber: creditCode('320706', 'MA2B3C4D5'), phone: '051885550000', address: ADDRESSES[1] };
const MINOR = { kind: 'NATURAL_PERSON', name: '王小明', idNumber: residentId('320706', '20120101', 21), phone: '13700001111', address: ADDRESSES[0] };
const ECO_COMPANY = { kind: 'ORGANIZATION', name: '连云港某化工有限公司', idNumber: creditCode('320706', 'MA7K8L9M0'), address: ADDRESSES[2] };
const NANYANG_PERSON = { kind: 'NATURAL_PERSON', name: '刘洋', idNumber: residentId('411302', '19920708', 456), phone: '13937712345', address: ADDRESSES[3] };

const FACTS = `当事人住所${ADDRESSES[0]}, 联系电话13912345678, 开户账号6222020200112233445`;

const MARKET = `mutation($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id } }`;
const ECO = `mutation($input: EcoEnvironmentCaseInput!) { createEcoEnvironmentCase(input: $input) { id } }`;

async function ok(promise: Promise<{ data?: any; errors?: unknown[] }>): Promise<any> {
  const { data, errors } = await promise;
  expect(errors).toBeUndefined();
  return data;
}

const PUBLIC_VIEW = `query($first: Int, $after: String, $filter: PublishedDecisionFilter) {
  agencies { code name region powerItems { code name legalBasis } officers { name certificateNumber category } }
  publishedDecisions(first: $first, after: $after, filter: $filter) {
    edges { node { __typename caseNumber agency { code name } cause legalBasis penaltyKinds fineAmount decidedAt region partyKind partyName } }
    pageInfo { hasNextPage }
  }
}`;

describe('阳光执法 and 一月一晒绩 through the gateway', () => {
  let hub: TestHub;
  const ids: Record<string, string> = {};
  const numbers: Record<string, string> = {};
  let month = '';

  async function record(key: string, mutation: string, input: Record<string, unknown>, caller: Caller) {
    const { data, errors } = await hub.graphql(mutation, { input }, caller);
    expect(errors).toBeUndefined();
    ids[key] = Object.values(data as Record<string, { id: string }>)[0].id;
    numbers[key] = input.caseNumber as string;
  }

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    month = monthOf(new Date());
    await ok(hub.graphql(`mutation($input: OfficerInput!) { registerOfficer(input: $input) { id } }`,
      { input: { agencyCode: 'MR-320706', name: '王明', certificateNumber: 'JS-SJ-320706-0001', category: '市场监管' } }, callers.admin));
    await ok(hub.graphql(`mutation($input: PowerItemInput!) { addPowerItem(input: $input) { code } }`, {
      input: { agencyCode: 'MR-320706', code: 'CF-0001', name: '对生产、销售伪劣产品的行政处罚', actType: 'ADMINISTRATIVE_PENALTY', legalBasis: '《中华人民共和国产品质量法》第五十条' },
    }, callers.admin));

    const market = (key: string, overrides: Record<string, unknown>, caller: Caller = callers.marketOfficer) =>
      record(key, MARKET, marketCaseInput({ facts: FACTS, legalBasis: '《中华人民共和国产品质量法》第五十条', ...overrides }), caller);
    // Published: a person, an organisation, a fine without stated kinds (FINE is derived).
    await market('person', { party: PERSON, penaltyKinds: ['CONFISCATION', 'FINE'], fineAmount: 5000, decidedAt: '2026-09-01T02:00:00Z' });
    await market('company', { party: COMPANY, penaltyKinds: ['FINE', 'REVOCATION'], fineAmount: 80000, decidedAt: '2026-10-01T02:00:00Z' });
    await market('derived', { party: { ...PERSON, idNumber: residentId('320706', '19800101', 12) }, fineAmount: 30000, decidedAt: '2026-08-01T02:00:00Z' });
    // Not published: a minor (by the ID number alone, and by the flag), secrets, a warning only, a non-penalty act.
    await market('minorById', { party: MINOR, penaltyKinds: ['FINE'], fineAmount: 200, decidedAt: '2026-09-10T02:00:00Z' });
    await market('minorByFlag', { party: { ...PERSON, name: '赵某某' }, involvesMinor: true, penaltyKinds: ['FINE'], fineAmount: 3000 });
    await market('confidential', { party: { ...COMPANY, name: '连云港某军工配套有限公司' }, confidential: true, penaltyKinds: ['FINE'], fineAmount: 9000 });
    await market('warningOnly', { party: { ...PERSON, name: '钱某' }, penaltyKinds: ['WARNING'], fineAmount: null });
    await market('inspection', { party: { ...COMPANY, name: '孙氏商行' }, actType: 'ADMINISTRATIVE_INSPECTION', fineAmount: null });
    await record('eco', ECO, {
      caseNumber: '海环罚〔2026〕77号', actType: 'ADMINISTRATIVE_PENALTY', cause: '非法处置危险废物', offenceCode: 'CL338', party: ECO_COMPANY,
      amountInvolved: 450000, fineAmount: 200000, penaltyKinds: ['FINE', 'SUSPENSION_OF_BUSINESS'], decidedAt: '2026-10-20T02:00:00Z', region: '320706',
      legalBasis: '《中华人民共和国固体废物污染环境防治法》第一百一十二条', facts: FACTS, pollutant: '废矿物油', hazardousWasteTonnes: 4.2,
    }, callers.ecoOfficer);
    await market('nanyang', { caseNumber: '宛市监处罚〔2026〕77号', party: NANYANG_PERSON, region: '411302', penaltyKinds: ['FINE'], fineAmount: 2000, decidedAt: '2026-07-11T02:00:00Z' }, callers.nanyangMarketOfficer);
    // The case rule: each case is awaited by a procurator of its own region.
    for (const [key, id] of Object.entries(ids)) await waitForIndexed(hub, id, 10_000, key === 'nanyang' ? callers.nanyangProcurator : callers.procurator);
  }, 120_000);
  afterAll(() => hub?.stop());

  const PUBLISHED = ['person', 'company', 'derived', 'eco', 'nanyang'];
  const HIDDEN = ['minorById', 'minorByFlag', 'confidential', 'warningOnly', 'inspection'];

  describe('the public view (no token)', () => {
    it('shows bureaus, power lists, officers and the published decisions, and nothing personal', async () => {
      const response = await hub.graphql(PUBLIC_VIEW, { first: 50 });
      expect(response.errors).toBeUndefined();
      const { agencies, publishedDecisions } = response.data;
      const mr = agencies.find((a: any) => a.code === 'MR-320706');
      expect(mr.powerItems).toEqual([{ code: 'CF-0001', name: '对生产、销售伪劣产品的行政处罚', legalBasis: '《中华人民共和国产品质量法》第五十条' }]);
      expect(mr.officers).toEqual([{ name: '王明', certificateNumber: 'JS-SJ-320706-0001', category: '市场监管' }]);

      const nodes = publishedDecisions.edges.map((e: any) => e.node);
      expect(nodes.map((n: any) => n.caseNumber).sort()).toEqual(PUBLISHED.map((k) => numbers[k]).sort());
      for (const key of HIDDEN) expect(nodes.map((n: any) => n.caseNumber)).not.toContain(numbers[key]);
      // Newest decision first.
      expect(nodes.map((n: any) => n.decidedAt)).toEqual([...nodes.map((n: any) => n.decidedAt)].sort().reverse());

      const byNumber = (key: string) => nodes.find((n: any) => n.caseNumber === numbers[key]);
      expect(byNumber('person')).toMatchObject({
        __typename: 'MarketRegulationPublishedDecision', agency: { code: 'MR-320706', name: '连云港市海州区市场监督管理局' },
        cause: '销售伪劣产品', legalBasis: '《中华人民共和国产品质量法》第五十条', penaltyKinds: ['FINE', 'CONFISCATION'], fineAmount: 5000,
        decidedAt: '2026-09-01T02:00:00.000Z', region: '320706', partyKind: 'NATURAL_PERSON', partyName: '李明',
      });
      expect(byNumber('company')).toMatchObject({ partyKind: 'ORGANIZATION', partyName: COMPANY.name, penaltyKinds: ['FINE', 'REVOCATION'] });
      expect(byNumber('derived')).toMatchObject({ penaltyKinds: ['FINE'], fineAmount: 30000 });
      // Another agency's decision: its party's name comes from the eco-environment subgraph.
      expect(byNumber('eco')).toMatchObject({ __typename: 'EcoEnvironmentPublishedDecision', partyName: ECO_COMPANY.name, penaltyKinds: ['FINE', 'SUSPENSION_OF_BUSINESS'] });

      const json = JSON.stringify(response);
      expect(json).not.toMatch(/\d{17}[\dX]/); // 身份证号
      expect(json).not.toMatch(/[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}/); // 统一社会信用代码
      expect(json).not.toMatch(/1\d{10}/); // mobile phones
      expect(json).not.toMatch(/0518\d{7,8}/); // fixed lines recorded here
      expect(json).not.toMatch(/\d{15,19}/); // accounts
      for (const address of ADDRESSES) expect(json).not.toContain(address);
      for (const name of ['王小明', '赵某某', '连云港某军工配套有限公司', '钱某', '孙氏商行']) expect(json).not.toContain(name);
    });

    it('filters by bureau, region and decision date, and pages without repeats', async () => {
      const page = async (filter: Record<string, unknown>, first = 50, after?: string) => {
        const { data, errors } = await hub.graphql(`query($filter: PublishedDecisionFilter, $first: Int, $after: String) {
          publishedDecisions(filter: $filter, first: $first, after: $after) { edges { cursor node { caseNumber } } pageInfo { hasNextPage endCursor } } }`, { filter, first, after });
        expect(errors).toBeUndefined();
        return data.publishedDecisions;
      };
      const numbersOf = (conn: any) => conn.edges.map((e: any) => e.node.caseNumber);
      expect(numbersOf(await page({ agencyCode: 'EE-320706' }))).toEqual([numbers.eco]);
      expect(numbersOf(await page({ region: '411302' }))).toEqual([numbers.nanyang]);
      expect(numbersOf(await page({ region: '410000' }))).toEqual([numbers.nanyang]);
      expect(numbersOf(await page({ from: '2026-08-15T00:00:00Z', to: '2026-09-30T00:00:00Z' }))).toEqual([numbers.person]);
      // A date alone is that whole day in China (kit/scalars.ts): `to` takes the decision made at
      // 10:00 on its day, as the client API's other `…To` filters do.
      expect(numbersOf(await page({ from: '2026-09-01', to: '2026-09-01' }))).toEqual([numbers.person]);
      expect(numbersOf(await page({ from: '2026-09-02', to: '2026-10-01' }))).toEqual([numbers.company]);

      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const conn = await page({}, 2, after);
        seen.push(...numbersOf(conn));
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      expect(seen).toHaveLength(PUBLISHED.length);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('refuses a bad filter with BAD_USER_INPUT', async () => {
      for (const filter of [{ region: '4113' }, { from: '2026-10-01T00:00:00Z', to: '2026-09-01T00:00:00Z' }, { from: '2026-09-02', to: '2026-09-01' }]) {
        const { errors } = await hub.graphql(`query($filter: PublishedDecisionFilter) { publishedDecisions(filter: $filter) { edges { node { caseNumber } } } }`, { filter });
        expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
    });

    it("the agency refuses a party's name for a decision that is not published, even when asked directly", async () => {
      const token = await hub.keys.asGateway({ sub: 'anonymous', role: 'public' });
      const response = await fetch(`${hub.subgraphUrls['market-regulation']}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: token },
        body: JSON.stringify({
          query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on MarketRegulationPublishedDecision { id partyName } } }`,
          variables: { r: [...HIDDEN, 'person'].map((k) => ({ __typename: 'MarketRegulationPublishedDecision', id: ids[k] })) },
        }),
      });
      const body = await response.json();
      expect(body.errors).toBeUndefined();
      expect(body.data._entities.map((e: any) => e.partyName)).toEqual([...HIDDEN.map(() => null), '李明']);
    });

    it('does not show the scorecard or the ranking to the public', async () => {
      const { data, errors } = await hub.graphql(`query($m: String!) { agency(code: "MR-320706") { name scorecard(month: $m) { casesEntered } } }`, { m: month });
      expect(data.agency).toEqual({ name: '连云港市海州区市场监督管理局', scorecard: null });
      expect(errors).toContainEqual(expect.objectContaining({ path: ['agency', 'scorecard'], extensions: expect.objectContaining({ code: 'UNAUTHORIZED_FIELD_OR_TYPE' }) }));
      const ranking = await hub.graphql(`query($m: String!) { scorecardRanking(month: $m) { rank } }`, { m: month });
      expect(ranking.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    });
  });

  describe('recording the publication facts', () => {
    it('refuses penalty kinds that do not fit the case, and writes nothing', async () => {
      const cases: [Record<string, unknown>, string, string][] = [
        [{ actType: 'ADMINISTRATIVE_INSPECTION', fineAmount: null, penaltyKinds: ['FINE'] }, 'input.penaltyKinds', 'penaltyOnly'],
        [{ penaltyKinds: ['FINE'], fineAmount: null }, 'input.fineAmount', 'requiredWithFine'],
        [{ penaltyKinds: ['WARNING'], fineAmount: 500 }, 'input.penaltyKinds', 'fineListed'],
        [{ penaltyKinds: [] }, 'input.penaltyKinds', 'nonEmpty'],
      ];
      for (const [overrides, field, rule] of cases) {
        const { errors } = await hub.graphql(MARKET, { input: marketCaseInput(overrides) }, callers.marketOfficer);
        expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field, rule });
      }
    });

    it("marks a minor's case from the party's ID number, for the owning bureau to see", async () => {
      const { data } = await hub.graphql(`query($id: ID!) { case(id: $id) { ... on MarketRegulationCase { penaltyKinds involvesMinor confidential } } }`, { id: ids.minorById }, callers.marketOfficer);
      expect(data.case).toEqual({ penaltyKinds: ['FINE'], involvesMinor: true, confidential: false });
    });
  });

  describe('一月一晒绩: the monthly scorecard and the ranking', () => {
    const SCORECARD = `query($code: ID!, $m: String!) { agency(code: $code) { scorecard(month: $m) {
      agencyCode month agency { name } casesEntered transfersMade transfersFiled transfersNotFiled transfersPending
      suggestionsReceived suggestionsReplied suggestionsRectified suggestionsOverdue score } } }`;
    const RANKING = `query($m: String!, $region: String) { scorecardRanking(month: $m, region: $region) {
      rank scorecard { agencyCode casesEntered transfersMade suggestionsReceived suggestionsRectified score } } }`;
    let lateSuggestion = '';

    beforeAll(async () => {
      const transfer = async (key: string, caller: Caller) => (await ok(hub.graphql(`mutation($id: ID!) { transferCase(caseId: $id, input: { summary: "涉嫌犯罪", materials: ["移送书"] }) { id } }`, { id: ids[key] }, caller))).transferCase.id as string;
      const accept = (id: string) => ok(hub.graphql(`mutation($id: ID!) { acceptTransfer(id: $id) { status } }`, { id }, callers.psb));
      const decide = (id: string, decision: string) => ok(hub.graphql(`mutation($id: ID!, $d: TransferDecision!) { decideTransfer(id: $id, decision: $d, reason: "依法审查") { status } }`, { id, d: decision }, callers.psb));
      // MR-320706: one filed, one not filed, one pending. EE-320706: one pending (accepted).
      const filed = await transfer('person', callers.marketOfficer);
      await accept(filed); await decide(filed, 'FILE');
      const refused = await transfer('company', callers.marketOfficer);
      await accept(refused); await decide(refused, 'NOT_FILE');
      await transfer('derived', callers.marketOfficer);
      await accept(await transfer('eco', callers.ecoOfficer));

      const issue = async (agencyCode: string) => (await ok(hub.graphql(`mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { id } }`,
        { input: { agencyCode, kind: 'CORRECTION', content: '建议规范执法' } }, callers.procurator))).issueSuggestion.id as string;
      const reply = (id: string, caller: Caller, rectified: boolean) => ok(hub.graphql(`mutation($id: ID!, $input: SuggestionReplyInput!) { replyToSuggestion(id: $id, input: $input) { status } }`,
        { id, input: { reply: '已研究', rectified, rectification: rectified ? '已整改' : null } }, caller));
      // MR-320706: three received, one rectified, one replied without rectification, one unanswered.
      await reply(await issue('MR-320706'), callers.marketOfficer, true);
      await reply(await issue('MR-320706'), callers.marketOfficer, false);
      lateSuggestion = await issue('MR-320706');
      // EE-320706: one received and rectified.
      await reply(await issue('EE-320706'), callers.ecoOfficer, true);
    }, 60_000);

    it("adds up each owner's figures for two bureaus of the month", async () => {
      const mr = (await ok(hub.graphql(SCORECARD, { code: 'MR-320706', m: month }, callers.justice))).agency.scorecard;
      expect(mr).toEqual({
        agencyCode: 'MR-320706', month, agency: { name: '连云港市海州区市场监督管理局' },
        casesEntered: 8, transfersMade: 3, transfersFiled: 1, transfersNotFiled: 1, transfersPending: 1,
        suggestionsReceived: 3, suggestionsReplied: 2, suggestionsRectified: 1, suggestionsOverdue: 0,
        score: 100 - 2 * 3 - 3 * 1,
      });
      const ee = (await ok(hub.graphql(SCORECARD, { code: 'EE-320706', m: month }, callers.marketOfficer))).agency.scorecard;
      expect(ee).toMatchObject({
        casesEntered: 1, transfersMade: 1, transfersFiled: 0, transfersNotFiled: 0, transfersPending: 1,
        suggestionsReceived: 1, suggestionsReplied: 1, suggestionsRectified: 1, suggestionsOverdue: 0, score: 98,
      });
      // Another month holds none of it.
      const earlier = (await ok(hub.graphql(SCORECARD, { code: 'MR-320706', m: '2026-01' }, callers.procurator))).agency.scorecard;
      expect(earlier).toMatchObject({ casesEntered: 0, transfersMade: 0, suggestionsReceived: 0, score: 100 });
    });

    it('ranks the bureaus by score in one query, equal scores sharing a rank', async () => {
      const local = (await ok(hub.graphql(RANKING, { m: month, region: '320706' }, callers.procurator))).scorecardRanking;
      expect(local).toEqual([
        { rank: 1, scorecard: { agencyCode: 'EE-320706', casesEntered: 1, transfersMade: 1, suggestionsReceived: 1, suggestionsRectified: 1, score: 98 } },
        { rank: 2, scorecard: { agencyCode: 'MR-320706', casesEntered: 8, transfersMade: 3, suggestionsReceived: 3, suggestionsRectified: 1, score: 91 } },
      ]);
      const all = (await ok(hub.graphql(RANKING, { m: month }, callers.justice))).scorecardRanking;
      // EE-370705 entered no case this month (零执法): listed after every bureau with activity (issue 11).
      expect(all.map((r: any) => [r.rank, r.scorecard.agencyCode, r.scorecard.score])).toEqual([
        [1, 'MR-411302', 100], [2, 'EE-320706', 98], [3, 'MR-320706', 91], [4, 'EE-370705', 100],
      ]);
    });

    // The procuratorate answers twice per page: the ranking, then each score once justice's
    // opinion and case-file-review figures arrive (`score` @requires them, issue 11), in a second
    // fetch whose loaders are its own: one batched statement each.
    it('costs each contributing owner a fixed number of statements per page of scorecards', async () => {
      const owners = ['public-security', 'procuratorate'];
      const measure = async () => {
        const before = await Promise.all(owners.map((o) => hub.sqlStatements(o)));
        await ok(hub.graphql(RANKING, { m: month }, callers.justice));
        const after = await Promise.all(owners.map((o) => hub.sqlStatements(o)));
        return Object.fromEntries(owners.map((o, i) => [o, after[i] - before[i]]));
      };
      await measure(); // warm up
      expect(await eventually(async () => {
        const cost = await measure();
        return cost['public-security'] === 1 && cost.procuratorate === 2 ? cost : undefined;
      }, 5_000, 'one statement for public security, two for the procuratorate')).toEqual({ 'public-security': 1, procuratorate: 2 });
    });

    it('refuses a month that is not YYYY-MM or has not begun', async () => {
      for (const m of ['2026-13', '2026-1', 'last month', '2999-01', '2099-01']) {
        const one = await hub.graphql(`query($m: String!) { agency(code: "MR-320706") { scorecard(month: $m) { casesEntered } } }`, { m }, callers.justice);
        expect(one.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        const ranking = await hub.graphql(`query($m: String!) { scorecardRanking(month: $m) { rank } }`, { m }, callers.justice);
        expect(ranking.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
    });

    it('counts an unanswered suggestion against the bureau in the month its reply period ended, leaving the closed month as it was', async () => {
      // The bureau signs for it (签收): its reply period runs from then.
      const { acknowledgeSuggestion: suggestion } = await ok(hub.graphql(`mutation($id: ID!) { acknowledgeSuggestion(id: $id) { replyDueAt } }`, { id: lateSuggestion }, callers.marketOfficer));
      await hub.advanceClock(62 * 86_400_000);
      const mr = (await ok(hub.graphql(SCORECARD, { code: 'MR-320706', m: month }, callers.justice))).agency.scorecard;
      expect(mr).toMatchObject({ suggestionsReceived: 3, suggestionsReplied: 2, suggestionsOverdue: 0, score: 100 - 2 * 3 - 3 * 1 });
      const due = (await ok(hub.graphql(SCORECARD, { code: 'MR-320706', m: monthOf(new Date(suggestion.replyDueAt)) }, callers.justice))).agency.scorecard;
      expect(due).toMatchObject({ suggestionsReceived: 0, suggestionsOverdue: 1, score: 100 - 5 * 1 });
    });
  });
});
