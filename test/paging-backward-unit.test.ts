// Backward paging in the kit (issue 12), without a hub: Relay's `last`/`before` beside
// `first`/`after`, `hasPreviousPage` and `startCursor`, and the refusals. The statements run
// against a stand-in for PostgreSQL that reads the keyset condition, the order and the limit the
// kit writes; end to end over the real lists: test/paging-backward.test.ts.
import { parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { policySchema } from '../gateway/authorization/api-schema';
import { DEFAULT_LIMITS, measure } from '../gateway/limits';
import { connectionOf, DEFAULT_PAGE_SIZE, encodeCursor, keysetPageSql, pagePlan, type Connection, type KeysetOptions } from '../kit/cursor';

type Row = { id: string; at: Date };
const uuid = (n: number) => `3f2b8c1e-6a4d-4e2f-9b1a-${String(n).padStart(12, '0')}`;
const AT = Date.parse('2026-09-15T02:00:00.000Z');
/** Seven rows, two of them at the same instant (the id breaks the tie). */
const ROWS: Row[] = [1, 2, 3, 3, 5, 6, 7].map((t, i) => ({ id: uuid(i + 1), at: new Date(AT + t * 1000) }));

/**
 * What PostgreSQL does with `WHERE (at, id) < ($n, $m) … ORDER BY at DESC, id DESC LIMIT $k`: a
 * row comparison, the order and the limit, read from the text the kit hands over.
 */
function standIn(rows: Row[]) {
  return async (params: unknown[], page: { where: string; orderLimit: string }): Promise<Row[]> => {
    const key = (r: { at: Date; id: string }) => `${r.at.toISOString()}|${r.id}`;
    let out = [...rows];
    for (const m of page.where.matchAll(/\(at, id\) ([<>]) \(\$(\d+), \$(\d+)\)/g)) {
      const bound = key({ at: params[Number(m[2]) - 1] as Date, id: params[Number(m[3]) - 1] as string });
      out = out.filter((r) => (m[1] === '<' ? key(r) < bound : key(r) > bound));
    }
    const [, direction, limit] = /^ORDER BY at (ASC|DESC), id \1 LIMIT \$(\d+)$/.exec(page.orderLimit)!;
    out.sort((a, b) => (key(a) < key(b) ? -1 : 1));
    if (direction === 'DESC') out.reverse();
    return out.slice(0, params[Number(limit) - 1] as number);
  };
}

const page = (options: Partial<KeysetOptions<Row>>, rows = ROWS): Promise<Connection<Row>> => {
  const params: unknown[] = [];
  const run = standIn(rows);
  return keysetPageSql<Row>(params, { column: 'at', timeOf: (r) => r.at, ...options }, (p) => run(params, p));
};
const ids = (c: Connection<Row>) => c.edges.map((e) => e.node.id);

const refusal = async (options: Partial<KeysetOptions<Row>>) => {
  try {
    await page(options);
  } catch (e: any) {
    return e.extensions;
  }
  throw new Error('expected BAD_USER_INPUT');
};

describe('paging backward', () => {
  it.each(['DESC', 'ASC'] as const)('%s: forward then backward, the same items in reverse page order; the page info right at every step', async (direction) => {
    const forward: Connection<Row>[] = [];
    let after: string | null = null;
    do {
      const p = await page({ direction, first: 3, after });
      forward.push(p);
      after = p.pageInfo.endCursor;
      if (!p.pageInfo.hasNextPage) break;
    } while (forward.length < 10);
    const backward: Connection<Row>[] = [];
    let before: string | null = null;
    do {
      const p = await page({ direction, last: 3, before });
      backward.push(p);
      before = p.pageInfo.startCursor;
      if (!p.pageInfo.hasPreviousPage) break;
    } while (backward.length < 10);

    const expected = ROWS.map((r) => r.id);
    if (direction === 'DESC') expected.reverse();
    expect(forward.flatMap(ids)).toEqual(expected);
    expect([...backward].reverse().flatMap(ids)).toEqual(expected);
    expect(forward.map((p) => p.edges.length)).toEqual([3, 3, 1]);
    expect(backward.map((p) => p.edges.length)).toEqual([3, 3, 1]);
    expect(forward.map((p) => p.pageInfo.hasPreviousPage)).toEqual([false, true, true]);
    expect(backward.map((p) => p.pageInfo.hasNextPage)).toEqual([false, true, true]);
    for (const p of [...forward, ...backward]) {
      expect(p.pageInfo.startCursor).toBe(p.edges[0].cursor);
      expect(p.pageInfo.endCursor).toBe(p.edges[p.edges.length - 1].cursor);
    }
  });

  it('the last page of a list, asked for directly: its last items in list order', async () => {
    const last = await page({ last: 2 });
    expect(ids(last)).toEqual([ROWS[1].id, ROWS[0].id]);
    expect(last.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
  });

  it('`first` with `before`: the first items of the list up to the cursor', async () => {
    const p = await page({ first: 2, before: encodeCursor(ROWS[4].at, ROWS[4].id) });
    expect(ids(p)).toEqual([ROWS[6].id, ROWS[5].id]);
    const all = await page({ first: 10, before: encodeCursor(ROWS[4].at, ROWS[4].id) });
    expect(ids(all)).toEqual([ROWS[6].id, ROWS[5].id]);
    expect(all.pageInfo.hasNextPage).toBe(false);
  });

  it('the statement: the cursor condition turned, the order reversed, the page put back in order', async () => {
    const params: unknown[] = ['unit'];
    let seen: { where: string; orderLimit: string } | undefined;
    const cursor = encodeCursor(ROWS[3].at, ROWS[3].id);
    const p = await keysetPageSql<Row>(params, { column: 'opened_at', timeOf: (r) => r.at, last: 2, before: cursor },
      async (q) => { seen = q; return [ROWS[4], ROWS[5], ROWS[6]]; });
    expect(seen).toEqual({ where: '(opened_at, id) > ($2, $3)', orderLimit: 'ORDER BY opened_at ASC, id ASC LIMIT $4' });
    expect(params).toEqual(['unit', ROWS[3].at, ROWS[3].id, 3]);
    expect(ids(p)).toEqual([ROWS[5].id, ROWS[4].id]);
    expect(p.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: true, startCursor: p.edges[0].cursor, endCursor: p.edges[1].cursor });
  });

  it('an empty list: no cursors, no pages either way', async () => {
    expect((await page({ last: 5 }, [])).pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
  });

  it('a one-row page reads one more than the page, either way', () => {
    const cursorOf = (r: Row) => encodeCursor(r.at, r.id);
    expect(connectionOf(ROWS.slice(0, 2), 1, cursorOf, true).pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    expect(connectionOf(ROWS.slice(0, 1), 1, cursorOf, true, true).pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });
});

describe('refused, naming the argument', () => {
  it('`first` with `last`', async () => {
    expect(await refusal({ first: 2, last: 2 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last', rule: 'firstAndLast' });
  });

  it('`after` with `before`', async () => {
    const cursor = encodeCursor(ROWS[0].at, ROWS[0].id);
    expect(await refusal({ after: cursor, before: cursor })).toMatchObject({ field: 'before', rule: 'afterAndBefore' });
  });

  it('both at once: every broken rule in one answer', async () => {
    const cursor = encodeCursor(ROWS[0].at, ROWS[0].id);
    const refused = await refusal({ first: 1, last: 1, after: cursor, before: cursor });
    expect(refused.violations.map((v: any) => [v.field, v.rule])).toEqual([['last', 'firstAndLast'], ['before', 'afterAndBefore']]);
  });

  it.each([0, -1, 101, 1.5])('`last: %s`, outside 1–100', async (last) => {
    expect(await refusal({ last })).toMatchObject({ field: 'last', rule: 'range' });
  });

  it('a `before` that is no cursor of this API, or of another sort', async () => {
    expect(await refusal({ last: 2, before: 'garbage' })).toMatchObject({ field: 'before', rule: 'cursor' });
    expect(await refusal({ last: 2, sortKey: 'recorded_desc', before: encodeCursor(ROWS[0].at, ROWS[0].id, 'decided_desc') }))
      .toMatchObject({ field: 'before', rule: 'cursorSort' });
  });

  it('nothing is read before the arguments are checked', () => {
    expect(() => pagePlan<Row>({ timeOf: (r) => r.at, first: 1, last: 1 })).toThrow();
    expect(pagePlan<Row>({ timeOf: (r) => r.at })).toMatchObject({ limit: 20, backward: false, fromCursor: false, read: 'DESC' });
  });
});

describe("the gateway's cost limit prices a backward page like a forward one", () => {
  const { schema } = policySchema();
  const cost = (query: string) => {
    const operation = parse(query).definitions[0] as OperationDefinitionNode;
    return measure(operation, schema, DEFAULT_LIMITS).cost.fixed;
  };
  const list = (args: string) => `{ cases${args} { edges { node { id caseNumber } } pageInfo { hasPreviousPage startCursor } } }`;

  it('`last: 100` costs what `first: 100` costs, not a default page', () => {
    expect(cost(list('(last: 100)'))).toBe(cost(list('(first: 100)')));
    expect(cost(list('(last: 100)'))).toBeGreaterThan(cost(list('(first: 20)'))!);
  });

  it('neither given: the default page of 20', () => {
    expect(cost(list(''))).toBe(cost(list(`(first: ${DEFAULT_PAGE_SIZE})`)));
  });
});
