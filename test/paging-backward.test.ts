// Backward paging through the gateway (issue 12: "no backward paging"): every list takes Relay's
// `last`/`before` beside `first`/`after`, and PageInfo has `hasPreviousPage` and `startCursor`. A
// console walks the case list and the suggestions forward, then back from the end, and meets the
// same items in reverse page order, the count unchanged. The kit's part without a hub:
// test/paging-backward-unit.test.ts.
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, seedBureaus, type Caller } from './support/fixtures';

const MINUTE = 60_000;
const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
const CASES = `query($first: Int, $after: String, $last: Int, $before: String, $sort: CaseSort) {
  list: cases(first: $first, after: $after, last: $last, before: $before, sort: $sort) { edges { cursor node { id } } ${PAGE_INFO} totalCount }
}`;
const SUGGESTIONS = `query($first: Int, $after: String, $last: Int, $before: String, $sort: SuggestionSort) {
  list: suggestions(first: $first, after: $after, last: $last, before: $before, sort: $sort) { edges { cursor node { id } } ${PAGE_INFO} totalCount }
}`;

interface Page { edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null }; totalCount: number }

describe('paging backward', () => {
  let hub: TestHub;
  const caseIds: string[] = [];
  const suggestionIds: string[] = [];

  async function page(query: string, variables: Record<string, unknown>, caller: Caller): Promise<Page> {
    const { data, errors } = await hub.graphql(query, variables, caller);
    expect(errors).toBeUndefined();
    return data.list;
  }

  /** Every page forward (`first`/`after`), then every page back from the end (`last`/`before`). */
  async function walk(query: string, caller: Caller, size: number, sort?: string) {
    const forward: Page[] = [];
    for (let after: string | null = null; forward.length < 20;) {
      const p = await page(query, { first: size, after, sort }, caller);
      forward.push(p);
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    const backward: Page[] = [];
    for (let before: string | null = null; backward.length < 20;) {
      const p = await page(query, { last: size, before, sort }, caller);
      backward.push(p);
      if (!p.pageInfo.hasPreviousPage) break;
      before = p.pageInfo.startCursor;
    }
    return { forward, backward };
  }

  const ids = (pages: Page[]) => pages.flatMap((p) => p.edges.map((e) => e.node.id));

  function expectSameWalk({ forward, backward }: { forward: Page[]; backward: Page[] }, expected: string[], size: number) {
    expect(ids(forward)).toEqual(expected);
    // Back from the end, the pages come last first; put back in order they are the same items.
    expect(ids([...backward].reverse())).toEqual(expected);
    expect(backward[0].edges.map((e) => e.node.id)).toEqual(expected.slice(-size));
    for (const p of [...forward, ...backward]) {
      expect(p.totalCount).toBe(expected.length);
      expect(p.pageInfo.startCursor).toBe(p.edges[0].cursor);
      expect(p.pageInfo.endCursor).toBe(p.edges[p.edges.length - 1].cursor);
    }
    expect(forward[0].pageInfo.hasPreviousPage).toBe(false);
    expect(backward[0].pageInfo.hasNextPage).toBe(false);
    expect(forward.slice(1).every((p) => p.pageInfo.hasPreviousPage)).toBe(true);
    expect(backward.slice(1).every((p) => p.pageInfo.hasNextPage)).toBe(true);
  }

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    for (let i = 0; i < 5; i++) {
      await hub.advanceClock(MINUTE);
      caseIds.push(await recordMarketCase(hub));
    }
    for (let i = 0; i < 5; i++) {
      await hub.advanceClock(MINUTE);
      const { data, errors } = await hub.graphql(`mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { id } }`,
        { input: { kind: 'CORRECTION', content: `建议依法移送涉嫌犯罪案件（${i + 1}）`, agencyCode: 'MR-320706', caseId: caseIds[i] } }, callers.procurator);
      expect(errors).toBeUndefined();
      suggestionIds.push(data.issueSuggestion.id);
    }
  }, 180_000);
  afterAll(() => hub?.stop());

  test.each([
    ['RECORDED_DESC', () => [...caseIds].reverse()],
    ['RECORDED_ASC', () => [...caseIds]],
  ])('the case list, %s: forward and back by 2, the same five cases, 5 counted on every page', async (sort, expected) => {
    expectSameWalk(await walk(CASES, callers.procurator, 2, sort), expected(), 2);
  });

  test.each([
    ['ISSUED_DESC', () => [...suggestionIds].reverse()],
    ['ISSUED_ASC', () => [...suggestionIds]],
  ])('the suggestions, %s: forward and back by 2, the same five, 5 counted on every page', async (sort, expected) => {
    expectSameWalk(await walk(SUGGESTIONS, callers.procurator, 2, sort), expected(), 2);
  });

  describe('refused, naming the argument', () => {
    const refusal = async (variables: Record<string, unknown>) => {
      const { data, errors } = await hub.graphql(CASES, variables, callers.procurator);
      expect(data?.list ?? null).toBeNull();
      expect(errors).toHaveLength(1);
      return errors![0].extensions;
    };

    it('`first` with `last`', async () => {
      expect(await refusal({ first: 2, last: 2 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last', rule: 'firstAndLast' });
    });

    it('`after` with `before`', async () => {
      const { pageInfo } = await page(CASES, { first: 2 }, callers.procurator);
      expect(await refusal({ after: pageInfo.endCursor, before: pageInfo.startCursor })).toMatchObject({ field: 'before', rule: 'afterAndBefore' });
    });

    it('a `before` of another sort, and one that is no cursor at all', async () => {
      const { pageInfo } = await page(CASES, { first: 2, sort: 'RECORDED_DESC' }, callers.procurator);
      expect(await refusal({ last: 2, before: pageInfo.startCursor, sort: 'DECIDED_DESC' })).toMatchObject({ field: 'before', rule: 'cursorSort' });
      expect(await refusal({ last: 2, before: 'garbage' })).toMatchObject({ field: 'before', rule: 'cursor' });
    });

    it('`last` beyond the largest page', async () => {
      expect(await refusal({ last: 101 })).toMatchObject({ field: 'last', rule: 'range' });
    });
  });

  test.each([
    ['alerts', `{ list: alerts(last: 1) { edges { cursor node { id } } ${PAGE_INFO} } }`, callers.procurator],
    ['supervisionMatters', `{ list: supervisionMatters(last: 1) { edges { cursor node { id } } ${PAGE_INFO} } }`, callers.procurator],
    ['inbox', `{ list: inbox(last: 1) { edges { cursor node { id } } ${PAGE_INFO} } }`, callers.marketOfficer],
    ['transfers', `{ list: transfers(last: 1) { edges { cursor node { id } } ${PAGE_INFO} } }`, callers.psb],
    ['publishedDecisions', `{ list: publishedDecisions(filter: { region: "320706" }, last: 1) { edges { cursor node { id } } ${PAGE_INFO} } }`, { role: 'public' }],
  ])('%s takes `last` and answers the page info both ways', async (_, query, caller) => {
    const { data, errors } = await hub.graphql(query, undefined, caller as Caller);
    expect(errors).toBeUndefined();
    expect(data.list.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: expect.any(Boolean), startCursor: data.list.edges[0]?.cursor ?? null, endCursor: data.list.edges[0]?.cursor ?? null });
  });
});
