// The procuratorate's lists a console drives (issue 12, "Lists a console needs"): suggestions and
// supervision matters at the root with filters, both sorts, keyset paging and a count; each case's
// suggestions and alerts, batched; every row and every count within the caller's reach.
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, residentId, seedBureaus, type Caller } from './support/fixtures';
import { caller, POSITIONS, ROLES } from './support/role-tables';
import { may } from '../kit/access';
import { scopesOf } from '../kit/policy';
import { mayReadSuggestion } from '../subgraphs/procuratorate/resources/suggestion';
import { supervisionMatterRule } from '../subgraphs/procuratorate/resources/supervision-matter';

const SUGGESTIONS = `query($filter: SuggestionFilter, $sort: SuggestionSort, $first: Int, $after: String) {
  suggestions(filter: $filter, sort: $sort, first: $first, after: $after) {
    edges { cursor node { id status agency { code } case { id } } }
    pageInfo { hasNextPage endCursor }
    totalCount totalCountCapped
  }
}`;
const MATTERS = `query($filter: SupervisionMatterFilter, $sort: SupervisionMatterSort, $first: Int, $after: String) {
  supervisionMatters(filter: $filter, sort: $sort, first: $first, after: $after) {
    edges { cursor node { id status procuratorateCode case { id } } }
    pageInfo { hasNextPage endCursor }
    totalCount totalCountCapped
  }
}`;
const ISSUE = `mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { id } }`;
const OPEN = `mutation($id: ID!) { openSupervision(caseId: $id, input: { kind: CASE_REVIEW, summary: "审查处罚决定" }) { id } }`;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('the procuratorate lists a console drives', () => {
  let hub: TestHub;
  const cases: string[] = []; // five cases of MR-320706, oldest first
  let nanyangCase = '';
  // Suggestions issued one minute apart in this order; matters likewise.
  const s = { a: '', b: '', c: '', eco: '', nanyang: '' };
  const m = { a: '', closed: '', nanyang: '' };

  const ask = async (query: string, variables: Record<string, unknown> | undefined, caller: Caller) => {
    const { data, errors } = await hub.graphql(query, variables, caller);
    expect(errors).toBeUndefined();
    return data;
  };
  const suggestionIds = async (variables: Record<string, unknown>, caller: Caller = callers.procurator) =>
    (await ask(SUGGESTIONS, { first: 100, ...variables }, caller)).suggestions.edges.map((e: any) => e.node.id) as string[];
  const matterIds = async (variables: Record<string, unknown>, caller: Caller = callers.procurator) =>
    (await ask(MATTERS, { first: 100, ...variables }, caller)).supervisionMatters.edges.map((e: any) => e.node.id) as string[];

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    // Over the CL140 threshold (sales of 62,000 yuan): each case draws a 以罚代刑 alert.
    for (let i = 0; i < 5; i++) cases.push(await recordMarketCase(hub));
    nanyangCase = await recordMarketCase(hub, { region: '411302', party: { kind: 'NATURAL_PERSON', name: '王芳', idNumber: residentId('411302', '19800101', 77) } },
      callers.nanyangMarketOfficer);
    const issue = async (input: Record<string, unknown>, caller: Caller = callers.procurator) => {
      await hub.advanceClock(MINUTE);
      return (await ask(ISSUE, { input: { kind: 'CORRECTION', content: '建议依法移送涉嫌犯罪案件', ...input } }, caller)).issueSuggestion.id as string;
    };
    s.a = await issue({ agencyCode: 'MR-320706', caseId: cases[0] });
    s.b = await issue({ agencyCode: 'MR-320706', caseId: cases[0], kind: 'SOCIAL_GOVERNANCE' });
    s.c = await issue({ agencyCode: 'MR-320706', caseId: cases[1] });
    s.eco = await issue({ agencyCode: 'EE-320706' });
    s.nanyang = await issue({ agencyCode: 'MR-411302', caseId: nanyangCase }, callers.nanyangProcurator);
    const open = async (caseId: string, caller: Caller = callers.procurator) => {
      await hub.advanceClock(MINUTE);
      return (await ask(OPEN, { id: caseId }, caller)).openSupervision.id as string;
    };
    m.a = await open(cases[0]);
    m.closed = await open(cases[1]);
    await ask(`mutation($id: ID!) { closeSupervision(id: $id) { id } }`, { id: m.closed }, callers.procurator);
    m.nanyang = await open(nanyangCase, callers.nanyangProcurator);
    // The alerts are raised from the index's feed, a moment after each case is recorded.
    await eventually(async () => {
      const { data } = await hub.graphql(`{ alerts(first: 100) { edges { node { id } } } }`, undefined, callers.procurator);
      return data?.alerts?.edges.length >= 5 ? true : undefined;
    }, 15_000, 'the alerts of the five cases');
  }, 180_000);
  afterAll(() => hub?.stop());

  describe('who sees which rows, and the count of exactly those', () => {
    // The addressed bureau its own suggestions; procurators and the justice bureau their region's;
    // public security none (it is addressed none); the public nothing at all.
    const suggestionReach: [string, Caller, (keyof typeof s)[]][] = [
      ['agency officer MR-320706', callers.marketOfficer, ['a', 'b', 'c']],
      ['agency officer EE-320706', callers.ecoOfficer, ['eco']],
      ['agency officer MR-411302', callers.nanyangMarketOfficer, ['nanyang']],
      ['public security 320706', callers.psb, []],
      ['procurator 320706', callers.procurator, ['a', 'b', 'c', 'eco']],
      ['procurator 411302', callers.nanyangProcurator, ['nanyang']],
      ['justice bureau 320706', callers.justice, ['a', 'b', 'c', 'eco']],
    ];
    it.each(suggestionReach)('suggestions, %s', async (_, caller, readable) => {
      const data = await ask(SUGGESTIONS, { first: 100 }, caller);
      expect(new Set(data.suggestions.edges.map((e: any) => e.node.id))).toEqual(new Set(readable.map((k) => s[k])));
      expect(data.suggestions.totalCount).toBe(readable.length);
      expect(data.suggestions.totalCountCapped).toBe(false);
    });

    const matterReach: [string, Caller, (keyof typeof m)[] | null][] = [
      ['agency officer MR-320706', callers.marketOfficer, null],
      ['public security 320706', callers.psb, null],
      ['procurator 320706', callers.procurator, ['a', 'closed']],
      ['procurator 411302', callers.nanyangProcurator, ['nanyang']],
      ['justice bureau 320706', callers.justice, ['a', 'closed']],
    ];
    it.each(matterReach)('supervision matters, %s', async (_, caller, readable) => {
      const { data, errors } = await hub.graphql(MATTERS, { first: 100 }, caller);
      if (readable === null) {
        // No supervision:read: the gateway removes the field before planning.
        expect(data?.supervisionMatters ?? null).toBeNull();
        expect(errors![0].extensions!.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
        return;
      }
      expect(errors).toBeUndefined();
      expect(new Set(data.supervisionMatters.edges.map((e: any) => e.node.id))).toEqual(new Set(readable.map((k) => m[k])));
      expect(data.supervisionMatters.totalCount).toBe(readable.length);
    });

    it.each([['suggestions', SUGGESTIONS], ['supervisionMatters', MATTERS]])('%s: the public is refused', async (field, query) => {
      const { data, errors } = await hub.graphql(query, { first: 5 });
      expect(data?.[field] ?? null).toBeNull();
      expect(errors?.length).toBeGreaterThan(0);
    });
  });

  describe('role matrix: every role in every position lists exactly the rows its row rule reads', () => {
    // The records above, where they belong (resources/suggestion.ts, resources/supervision-matter.ts).
    const IN_320706 = { procuratorateCode: 'PROC-320706', region: '320706' };
    const suggestionPlaces: Record<keyof typeof s, { agencyCode: string; procuratorateCode: string; region: string }> = {
      a: { agencyCode: 'MR-320706', ...IN_320706 }, b: { agencyCode: 'MR-320706', ...IN_320706 }, c: { agencyCode: 'MR-320706', ...IN_320706 },
      eco: { agencyCode: 'EE-320706', ...IN_320706 }, nanyang: { agencyCode: 'MR-411302', procuratorateCode: 'PROC-411302', region: '411302' },
    };
    const matterPlaces: Record<keyof typeof m, { procuratorateCode: string; region: string }> = {
      a: IN_320706, closed: IN_320706, nanyang: { procuratorateCode: 'PROC-411302', region: '411302' },
    };
    // The signed-in roles (the service role is no end user); the public has no token.
    const matrix = ROLES.filter((r) => r !== 'service').flatMap((role) => POSITIONS.map((position) => ({ role, position })));
    const holds = (role: string, scope: string) => role !== 'public' && scopesOf(role as never).includes(scope);

    test.each(matrix)('$role, $position', async ({ role, position }) => {
      const identity = caller(role, position);
      const as: Caller | undefined = role === 'public' ? undefined : { role, org: identity.org, region: identity.region };
      // Suggestions: the gateway lets in supervision:read or suggestion:reply; the rule picks the rows.
      const listed = await hub.graphql(SUGGESTIONS, { first: 100 }, as);
      if (holds(role, 'supervision:read') || holds(role, 'suggestion:reply')) {
        const expected = (Object.keys(s) as (keyof typeof s)[]).filter((k) => mayReadSuggestion(identity, suggestionPlaces[k])).map((k) => s[k]);
        expect(listed.errors).toBeUndefined();
        expect(new Set(listed.data.suggestions.edges.map((e: any) => e.node.id))).toEqual(new Set(expected));
        expect(listed.data.suggestions.totalCount).toBe(expected.length);
      } else {
        expect(listed.data?.suggestions ?? null).toBeNull();
        expect(listed.errors?.length).toBeGreaterThan(0);
      }
      const matters = await hub.graphql(MATTERS, { first: 100 }, as);
      if (holds(role, 'supervision:read')) {
        const expected = (Object.keys(m) as (keyof typeof m)[]).filter((k) => may(identity, supervisionMatterRule, 'read', matterPlaces[k])).map((k) => m[k]);
        expect(matters.errors).toBeUndefined();
        expect(new Set(matters.data.supervisionMatters.edges.map((e: any) => e.node.id))).toEqual(new Set(expected));
        expect(matters.data.supervisionMatters.totalCount).toBe(expected.length);
      } else {
        expect(matters.data?.supervisionMatters ?? null).toBeNull();
        expect(matters.errors?.length).toBeGreaterThan(0);
      }
    });
  });

  describe('filters', () => {
    it.each([
      ['about one case', { caseId: '<case0>' }, ['a', 'b']],
      ['of one kind', { kind: 'SOCIAL_GOVERNANCE' }, ['b']],
      ['to one bureau', { agencyCode: 'EE-320706' }, ['eco']],
      ['issued in a state', { status: ['ISSUED'] }, ['a', 'b', 'c', 'eco']],
      ['replied: none yet', { status: ['REPLIED'] }, []],
      ['nothing overdue before receipt', { overdue: true }, []],
    ])('suggestions %s', async (_, filter, expected) => {
      const f = JSON.parse(JSON.stringify(filter).replace('<case0>', cases[0]));
      expect(new Set(await suggestionIds({ filter: f }))).toEqual(new Set((expected as (keyof typeof s)[]).map((k) => s[k])));
    });

    it.each([
      ['open', { status: 'OPEN' }, ['a']],
      ['closed', { status: 'CLOSED' }, ['closed']],
      ['on one case', { caseId: '<case1>' }, ['closed']],
      ['of a kind none has', { kind: 'PUBLIC_INTEREST' }, []],
    ])('supervision matters %s', async (_, filter, expected) => {
      const f = JSON.parse(JSON.stringify(filter).replace('<case1>', cases[1]));
      expect(new Set(await matterIds({ filter: f }))).toEqual(new Set((expected as (keyof typeof m)[]).map((k) => m[k])));
    });

    it('every broken rule of a filter at once, naming each field', async () => {
      const { data, errors } = await hub.graphql(SUGGESTIONS, {
        filter: { status: [], region: '32', caseId: '123', issuedFrom: '2026-10-01T00:00:00+08:00', issuedTo: '2026-09-01T00:00:00+08:00' },
      }, callers.procurator);
      expect(data?.suggestions ?? null).toBeNull();
      const broken = errors![0].extensions!.violations.map((v: any) => `${v.field}/${v.rule}`).sort();
      expect(broken).toEqual(['filter.caseId/uuid', 'filter.issuedTo/range', 'filter.region/regionCode', 'filter.status/minItems']);
      const unknown = await hub.graphql(MATTERS, { filter: { status: 'PENDING' } }, callers.procurator);
      expect(unknown.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(unknown.errors![0].message).toContain('PENDING');
    });
  });

  describe('sort and paging', () => {
    it('issued both ways: one order is the other reversed', async () => {
      const desc = await suggestionIds({});
      expect(desc).toEqual([s.eco, s.c, s.b, s.a]);
      expect(await suggestionIds({ sort: 'ISSUED_ASC' })).toEqual([s.a, s.b, s.c, s.eco]);
      expect(await matterIds({ sort: 'OPENED_ASC' })).toEqual([m.a, m.closed]);
      expect(await matterIds({})).toEqual([m.closed, m.a]);
    });

    it.each(['ISSUED_DESC', 'ISSUED_ASC'])('%s: one a page, no repeats, the same order as one page; the count stays whole', async (sort) => {
      const whole = await suggestionIds({ sort });
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const data: any = await ask(SUGGESTIONS, { first: 1, after, sort }, callers.procurator);
        expect(data.suggestions.totalCount).toBe(4);
        seen.push(...data.suggestions.edges.map((e: any) => e.node.id));
        after = data.suggestions.pageInfo.hasNextPage ? data.suggestions.pageInfo.endCursor : null;
      } while (after);
      expect(seen).toEqual(whole);
    });

    it('a cursor of another sort is refused, naming `after`', async () => {
      const data = await ask(SUGGESTIONS, { first: 1 }, callers.procurator);
      const { errors } = await hub.graphql(SUGGESTIONS, { first: 1, after: data.suggestions.pageInfo.endCursor, sort: 'ISSUED_ASC' }, callers.procurator);
      expect(errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after', rule: 'cursorSort' });
    });
  });

  describe('a case\'s suggestions and alerts', () => {
    const PAGE = `query($first: Int!) { cases(first: $first, sort: RECORDED_ASC) { edges { node { id suggestions { id } alerts { id status } } } } }`;

    it('the procurator reads both on each case of a page', async () => {
      const data = await ask(PAGE, { first: 5 }, callers.procurator);
      const byCase = new Map(data.cases.edges.map((e: any) => [e.node.id, e.node]));
      expect(new Set((byCase.get(cases[0]) as any).suggestions.map((x: any) => x.id))).toEqual(new Set([s.a, s.b]));
      expect((byCase.get(cases[1]) as any).suggestions.map((x: any) => x.id)).toEqual([s.c]);
      expect((byCase.get(cases[2]) as any).suggestions).toEqual([]);
      for (const id of cases) expect((byCase.get(id) as any).alerts).toHaveLength(1);
    });

    it('the bureau reads its suggestions but no alert (supervision data: refused at the gateway)', async () => {
      const { data, errors } = await hub.graphql(PAGE, { first: 5 }, callers.marketOfficer);
      expect(errors!.every((e) => e.extensions!.code === 'UNAUTHORIZED_FIELD_OR_TYPE')).toBe(true);
      const first = data.cases.edges.find((e: any) => e.node.id === cases[0]).node;
      expect(new Set(first.suggestions.map((x: any) => x.id))).toEqual(new Set([s.a, s.b]));
      expect(first.alerts).toBeNull();
    });

    it('the procuratorate answers a page with the same number of statements, whatever its size', async () => {
      const statements = async (first: number) => {
        const before = await hub.sqlStatements('procuratorate');
        await ask(PAGE, { first }, callers.procurator);
        return (await hub.sqlStatements('procuratorate')) - before;
      };
      await statements(1); // warm the pool once
      const two = await statements(2);
      expect(await statements(5)).toBe(two);
      // One for the suggestions of the page, one for its alerts.
      expect(two).toBeLessThanOrEqual(2);
    });
  });

  // Runs last: it moves the clock on.
  describe('overdue suggestions', () => {
    it('a suggestion received and left unanswered past its reply period is overdue, and only that one', async () => {
      await ask(`mutation($id: ID!) { acknowledgeSuggestion(id: $id) { receivedAt } }`, { id: s.c }, callers.marketOfficer);
      await hub.advanceClock(90 * DAY);
      expect(await suggestionIds({ filter: { overdue: true } })).toEqual([s.c]);
      expect(new Set(await suggestionIds({ filter: { overdue: false } }))).toEqual(new Set([s.a, s.b, s.eco]));
      expect(await suggestionIds({ filter: { overdue: true } }, callers.marketOfficer)).toEqual([s.c]);
      expect(await suggestionIds({ filter: { overdue: true } }, callers.nanyangProcurator)).toEqual([]);
    });

    it('overdue.suggestionsPage pages what overdue.suggestions lists, with a count', async () => {
      const data = await ask(`{ overdue { suggestions { id } suggestionsPage(first: 10) { totalCount edges { node { id overdue } } } } }`, undefined, callers.procurator);
      expect(data.overdue.suggestionsPage.totalCount).toBe(1);
      expect(data.overdue.suggestionsPage.edges).toEqual([{ node: { id: s.c, overdue: true } }]);
      expect(data.overdue.suggestions.map((x: any) => x.id)).toEqual([s.c]);
    });
  });
});
