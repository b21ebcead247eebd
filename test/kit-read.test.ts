// The kit's read-side mechanisms that are pure, tested without a hub: keyset cursors and pages
// (query builders and hand-written SQL alike), loaders by UUID, the one meaning of "empty" text, and
// the guarded update's statement and answers (against a stand-in for the database), and the justice
// client's batching and cache (against a stand-in for justice).
import { describe, expect, it } from 'vitest';
import { connectionOf, decodeCursor, EMPTY_CONNECTION, encodeCursor, keysetPageSql, pageSize } from '../kit/cursor';
import { guardedUpdate, transitionSql } from '../kit/guarded-update';
import { bureausQuery, justiceClient } from '../kit/justice-client';
import type { SubgraphRuntime } from '../kit/module';
import { uuidGroupLoader, uuidLoader, uuidsOf } from '../kit/loaders';
import { optionalText, requireText } from '../kit/rules';

const ID = '3f2b8c1e-6a4d-4e2f-9b1a-0c5d7e8f9a10';
const AT = new Date('2024-05-01T08:00:00.000Z');
const rejected = (f: () => unknown, field: string, rule: string) => {
  try { f(); } catch (e: any) { return expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field, rule }); }
  throw new Error('expected BAD_USER_INPUT');
};

describe('keyset cursors', () => {
  it('round-trips (time, id)', () => {
    expect(decodeCursor(encodeCursor(AT, ID))).toEqual({ at: AT, id: ID });
  });

  it('refuses what this API did not issue: garbage, no id, an id of another shape, extra parts', () => {
    for (const cursor of ['not-a-cursor', encodeCursor(AT, ''), encodeCursor(AT, '123'), encodeCursor(AT, `${ID}|x`),
      Buffer.from(`yesterday|${ID}`).toString('base64url')]) {
      rejected(() => decodeCursor(cursor), 'after', 'cursor');
    }
  });

  it('takes the list’s own id shape when told (a sequence number)', () => {
    const isSequence = (id: string) => /^[1-9][0-9]*$/.test(id);
    expect(decodeCursor(encodeCursor(AT, '42'), 'after', isSequence).id).toBe('42');
    rejected(() => decodeCursor(encodeCursor(AT, ID), 'after', isSequence), 'after', 'cursor');
  });

  it('bounds the page size', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(null, 200, 50)).toBe(50);
    for (const n of [0, -1, 101, 1.5]) rejected(() => pageSize(n), 'first', 'range');
  });
});

describe('keyset pages', () => {
  type Row = { id: string; at: Date };
  const rows: Row[] = [3, 2, 1].map((n) => ({ id: `${ID.slice(0, -1)}${n}`, at: new Date(AT.getTime() + n) }));
  const cursorOf = (r: { id: string; at: Date }) => encodeCursor(r.at, r.id);

  it('one row more than the page tells a next page; the end cursor is the last row shown', () => {
    const page = connectionOf(rows, 2, cursorOf);
    expect(page.edges.map((e) => e.node)).toEqual(rows.slice(0, 2));
    expect(page.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: cursorOf(rows[0]), endCursor: cursorOf(rows[1]) });
    expect(connectionOf([], 2, cursorOf)).toEqual(EMPTY_CONNECTION);
  });

  it('hand-written SQL: the first page has no cursor condition, the limit is one more than the page', async () => {
    const params: unknown[] = ['unit'];
    let seen: { where: string; orderLimit: string } | undefined;
    const page = await keysetPageSql<Row>(params, { column: 'n.created_at', idColumn: 'n.id', timeOf: (r) => r.at, first: 2 },
      async (p) => { seen = p; return rows; });
    expect(seen).toEqual({ where: 'TRUE', orderLimit: 'ORDER BY n.created_at DESC, n.id DESC LIMIT $2' });
    expect(params).toEqual(['unit', 3]);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  it('hand-written SQL: a later page continues after the cursor, its parameters appended', async () => {
    const params: unknown[] = ['unit'];
    let seen: { where: string; orderLimit: string } | undefined;
    const page = await keysetPageSql<Row>(params, { column: 'opened_at', timeOf: (r) => r.at, first: 5, after: encodeCursor(AT, ID) },
      async (p) => { seen = p; return rows.slice(1); });
    expect(seen).toEqual({ where: '(opened_at, id) < ($2, $3)', orderLimit: 'ORDER BY opened_at DESC, id DESC LIMIT $4' });
    expect(params).toEqual(['unit', AT, ID, 6]);
    expect(page.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: cursorOf(rows[1]), endCursor: cursorOf(rows[2]) });
  });

  it('hand-written SQL: a bad cursor is refused before any statement', async () => {
    let ran = false;
    await expect(keysetPageSql([], { column: 'at', timeOf: (r: { id: string; at: Date }) => r.at, after: encodeCursor(AT, '1 OR 1=1') },
      async () => { ran = true; return []; })).rejects.toMatchObject({ extensions: { field: 'after', rule: 'cursor' } });
    expect(ran).toBe(false);
  });
});

describe('loaders by UUID', () => {
  it('a key that is no UUID names no row and costs no statement; case does not matter', async () => {
    const asked: string[][] = [];
    const loader = uuidLoader(async (ids) => { asked.push(ids); return ids.map((id) => ({ id })); }, (r) => r.id);
    expect(await loader.load('123')).toBeNull();
    expect(asked).toEqual([]);
    const [upper, lower, junk] = await Promise.all([loader.load(ID.toUpperCase()), loader.load(ID), loader.load("x' OR 1=1")]);
    expect(upper).toEqual({ id: ID });
    expect(lower).toEqual({ id: ID });
    expect(junk).toBeNull();
    expect(asked).toEqual([[ID]]);
  });

  it('groups rows under each UUID key, [] for the rest', async () => {
    const loader = uuidGroupLoader(async () => [{ caseId: ID, n: 1 }, { caseId: ID, n: 2 }], (r) => r.caseId);
    expect(await Promise.all([loader.load(ID), loader.load('nope')])).toEqual([[{ caseId: ID, n: 1 }, { caseId: ID, n: 2 }], []]);
    expect(uuidsOf([ID, ID.toUpperCase(), '1'])).toEqual([ID]);
  });
});

describe('text inputs: one meaning of empty', () => {
  it('absent, empty or blank is no text; otherwise trimmed', () => {
    for (const value of [null, undefined, '', '   ', '\n\t']) expect(optionalText('notes', value)).toBeNull();
    expect(optionalText('notes', '  要点  ')).toBe('要点');
  });

  it('the required text’s limits apply to an optional one', () => {
    rejected(() => optionalText('notes', 'x'.repeat(11), 10), 'notes', 'maxLength');
    rejected(() => requireText('cause', '  '), 'cause', 'required');
  });
});

describe('guarded update', () => {
  const t = { table: 'case_transfer', id: ID, expect: { status: 'ACCEPTED', version: 2 }, set: { status: 'FILED', decided_by: 'u1' }, version: 'version', returning: 'id, status' };

  it('one UPDATE guarded by the state seen, answering its row like a SELECT', () => {
    const { sql, params } = transitionSql(t);
    expect(sql.replace(/\s+/g, ' ')).toBe('WITH changed AS (UPDATE case_transfer SET status = $2, decided_by = $3, version = version + 1 '
      + 'WHERE id = $1 AND status = $4 AND version = $5 RETURNING id, status) SELECT * FROM changed');
    expect(params).toEqual([ID, 'FILED', 'u1', 'ACCEPTED', 2]);
  });

  it('refuses names that are no column and a transition without a guard', () => {
    expect(() => transitionSql({ ...t, set: { 'status = status; DROP TABLE x; --': 1 } })).toThrow(/not a column name/);
    // An expected null guards with IS NULL (a step taken once: "not verified yet").
    const once = transitionSql({ ...t, expect: { status: 'REPLIED', verified_at: null } });
    expect(once.sql).toMatch(/WHERE id = \$1 AND status = \$\d+ AND verified_at IS NULL/);
    expect(once.params).not.toContain(null);
    expect(() => transitionSql({ ...t, expect: {} })).toThrow(/expects/);
  });

  const db = (answers: unknown[][]) => ({ query: async () => answers.shift() ?? [] });
  const errors = { type: 'CaseTransfer', conflict: (now: { status: string }) => `transfer is ${now.status} now` };

  it('returns the changed row; tells a row that is gone from a row in another state', async () => {
    expect(await guardedUpdate(db([[{ id: ID, status: 'FILED' }]]), t, errors)).toEqual({ id: ID, status: 'FILED' });
    await expect(guardedUpdate(db([[], []]), t, errors)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(guardedUpdate(db([[], [{ id: ID, status: 'NOT_FILED' }]]), t, errors))
      .rejects.toMatchObject({ message: 'id: transfer is NOT_FILED now', extensions: { code: 'BAD_USER_INPUT', field: 'id', rule: 'transition' } });
  });
});

describe('the justice client', () => {
  const BUREAUS: Record<string, { code: string; kind: string; region: string }> = { 'MR-320706': { code: 'MR-320706', kind: 'MARKET_REGULATION', region: '320706' } };
  const fakeRuntime = () => {
    const calls: { query: string; variables?: Record<string, unknown> }[] = [];
    const runtime = {
      call: async (_owner: string, query: string, variables?: Record<string, unknown>) => {
        calls.push({ query, variables });
        if (query.includes('agencies')) return { agencies: Object.values(BUREAUS) };
        if (query.includes('case(')) return { case: null };
        return Object.fromEntries(Object.entries(variables ?? {}).map(([name, code]) => [`b${name.slice(1)}`, BUREAUS[code as string] ?? null]));
      },
    };
    return { runtime: runtime as unknown as SubgraphRuntime, calls };
  };

  it('looks bureaus of one tick up in one call, keeps those found, and asks again for those not found', async () => {
    const { runtime, calls } = fakeRuntime();
    const client = justiceClient(runtime);
    expect(client).toBe(justiceClient(runtime));
    const [found, missing] = await Promise.all([client.bureau('MR-320706'), client.bureau('MR-999999')]);
    expect(found).toEqual(BUREAUS['MR-320706']);
    expect(missing).toBeNull();
    expect(calls).toHaveLength(1);
    expect(calls[0].query).toBe(bureausQuery(2));
    expect(await client.bureau('MR-320706')).toEqual(BUREAUS['MR-320706']);
    expect(calls).toHaveLength(1);
    await client.bureau('MR-999999');
    expect(calls).toHaveLength(2);
  });

  it('a case id that is no UUID costs no call; cases are asked every time', async () => {
    const { runtime, calls } = fakeRuntime();
    const client = justiceClient(runtime);
    expect(await client.case('123')).toBeNull();
    expect(calls).toHaveLength(0);
    await client.case(ID);
    await client.case(ID);
    expect(calls).toHaveLength(2);
  });

  it('keeps the directory list a short while', async () => {
    const { runtime, calls } = fakeRuntime();
    const client = justiceClient(runtime);
    expect(await client.bureaus()).toEqual(Object.values(BUREAUS));
    await client.bureaus();
    expect(calls).toHaveLength(1);
  });
});
