// The case list a console drives (issue 12, "Lists a console needs"): filters, both sorts both
// ways, keyset paging without repeats, a totalCount that counts only what the caller may read,
// and client mistakes (an unknown value, a cursor of another sort) refused as such.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_HEADER } from '../kit/identity';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, residentId, seedBureaus, waitForIndexed, type Caller } from './support/fixtures';

const MINUTE = 60_000;

/** Events as `owner`'s outbox delivers them to justice's `route` (a state may arrive before its case). */
async function post(hub: TestHub, owner: string, route: string, events: object[]): Promise<void> {
  const response = await fetch(`${hub.subgraphUrls.justice}/internal/${route}`, {
    method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await hub.keys.asOwner(owner, 'justice') },
    body: JSON.stringify({ events }),
  });
  expect(response.status).toBe(200);
}

const LIST = `query($filter: CaseFilter, $first: Int, $after: String, $sort: CaseSort) {
  cases(filter: $filter, first: $first, after: $after, sort: $sort) {
    edges { cursor node { id caseNumber cause recordedAt decidedAt agency { code } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const COUNT = `query($filter: CaseFilter) { cases(filter: $filter, first: 1) { totalCount totalCountCapped } }`;

/**
 * A tally against its source counted by the tally's keys (`grouped`: those keys and `n`): how many
 * keys there are, and those whose counts differ (a key of no case may stay in the tally at 0).
 */
async function tallyAgainst(db: { query(sql: string): Promise<{ rows: any[] }> }, tally: string, keys: string[], grouped: string) {
  const { rows } = await db.query(`SELECT ${keys.join(', ')}, s.n, t.cases FROM (${grouped}) s
    FULL JOIN (SELECT * FROM ${tally} WHERE cases > 0) t USING (${keys.join(', ')}) ORDER BY ${keys.map((_, i) => i + 1).join(', ')}`);
  return { keys: rows.length, differing: rows.filter((r) => r.n !== r.cases).map((r) => ({ tally, ...r })) };
}

describe('the case list a console drives', () => {
  let hub: TestHub;
  /** How far the hub's clock is ahead of this process's (it starts at none). */
  let clockAhead = 0;
  const advanceClock = async (ms: number) => { await hub.advanceClock(ms); clockAhead += ms; };
  // Recorded one minute apart, in this order (recordedAt ascending).
  const ids = { penalty: '', undecided: '', eco: '', nanyang: '', late: '' };

  const list = async (variables: Record<string, unknown>, caller: Caller = callers.procurator) => {
    const { data, errors } = await hub.graphql(LIST, { first: 100, ...variables }, caller);
    expect(errors).toBeUndefined();
    return data.cases.edges.map((e: any) => e.node) as { id: string; recordedAt: string; decidedAt: string | null }[];
  };
  const idsOf = async (variables: Record<string, unknown>, caller?: Caller) => (await list(variables, caller)).map((n) => n.id);
  /** Each filter's totalCount for `caller` equals the number of cases its page lists (named by the filter when not); the counts. */
  const countsAgreeWithLists = async (filters: Record<string, unknown>[], caller: Caller) => {
    const counted: number[] = [];
    for (const filter of filters) {
      const listed = await idsOf({ filter }, caller);
      const { data, errors } = await hub.graphql(COUNT, { filter }, caller);
      expect(errors).toBeUndefined();
      expect(`${JSON.stringify(filter)}: ${data.cases.totalCount}`).toBe(`${JSON.stringify(filter)}: ${listed.length}`);
      counted.push(data.cases.totalCount);
    }
    return counted;
  };

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    ids.penalty = await recordMarketCase(hub, { caseNumber: '海市监处罚〔2026〕5001号', cause: '销售伪劣产品', decidedAt: '2026-09-15T02:00:00Z' });
    await advanceClock(MINUTE);
    ids.undecided = await recordMarketCase(hub, {
      caseNumber: '海市监立〔2026〕5002号', cause: '无照经营_100%', decidedAt: null, fineAmount: null, actType: 'ADMINISTRATIVE_INSPECTION',
    });
    await advanceClock(MINUTE);
    const { data, errors } = await hub.graphql(`mutation($input: EcoEnvironmentCaseInput!) { createEcoEnvironmentCase(input: $input) { id } }`, {
      input: {
        caseNumber: '海环罚〔2026〕5003号', actType: 'ADMINISTRATIVE_PENALTY', cause: '超标排放污染物', region: '320706', fineAmount: 50000,
        decidedAt: '2026-08-01T02:00:00Z', party: { kind: 'NATURAL_PERSON', name: '赵强', idNumber: residentId('320706', '19700101', 53) },
        pollutant: '铅', exceedanceMultiple: 4,
      },
    }, callers.ecoOfficer);
    expect(errors).toBeUndefined();
    ids.eco = data.createEcoEnvironmentCase.id;
    await waitForIndexed(hub, ids.eco);
    await advanceClock(MINUTE);
    ids.nanyang = await recordMarketCase(hub, {
      caseNumber: '宛市监处罚〔2026〕5004号', cause: '销售伪劣产品', region: '411302', decidedAt: '2026-07-01T02:00:00Z',
      party: { kind: 'NATURAL_PERSON', name: '王芳', idNumber: residentId('411302', '19800101', 54) },
    }, callers.nanyangMarketOfficer);
    await advanceClock(MINUTE);
    ids.late = await recordMarketCase(hub, { caseNumber: '海市监处罚〔2026〕5005号', cause: '销售不合格燃气灶', decidedAt: '2026-10-20T02:00:00Z' });
  }, 120_000);
  afterAll(() => hub?.stop());

  describe('the row rule holds for every filter and for the count', () => {
    // Who reads which of the cases above: an officer its own bureau's, the others their region's.
    const reach: [string, Caller, (keyof typeof ids)[]][] = [
      ['agency officer MR-320706', callers.marketOfficer, ['penalty', 'undecided', 'late']],
      ['agency officer EE-320706', callers.ecoOfficer, ['eco']],
      ['agency officer MR-411302', callers.nanyangMarketOfficer, ['nanyang']],
      ['public security 320706', callers.psb, ['penalty', 'undecided', 'eco', 'late']],
      ['procurator 320706', callers.procurator, ['penalty', 'undecided', 'eco', 'late']],
      ['procurator 411302', callers.nanyangProcurator, ['nanyang']],
      ['justice bureau 320706', callers.justice, ['penalty', 'undecided', 'eco', 'late']],
    ];
    it.each(reach)('%s: lists and counts exactly the cases it may read', async (_, caller, readable) => {
      expect(new Set(await idsOf({}, caller))).toEqual(new Set(readable.map((k) => ids[k])));
      const { data, errors } = await hub.graphql(COUNT, {}, caller);
      expect(errors).toBeUndefined();
      expect(data.cases).toEqual({ totalCount: readable.length, totalCountCapped: false });
    });

    it.each(reach)('%s: a search for 伪劣 counts no case beyond its reach', async (_, caller, readable) => {
      const matching = readable.filter((k) => k === 'penalty' || k === 'nanyang');
      expect(new Set(await idsOf({ filter: { cause: '伪劣' } }, caller))).toEqual(new Set(matching.map((k) => ids[k])));
      const { data } = await hub.graphql(COUNT, { filter: { cause: '伪劣' } }, caller);
      expect(data.cases.totalCount).toBe(matching.length);
    });

    it('the count is one statement, run only when totalCount or totalCountCapped is asked for', async () => {
      const statements = async (query: string) => {
        const before = await hub.sqlStatements('justice');
        const { errors } = await hub.graphql(query, undefined, callers.procurator);
        expect(errors).toBeUndefined();
        return (await hub.sqlStatements('justice')) - before;
      };
      await statements(`{ cases(first: 2) { edges { cursor } } }`); // warm the pool once
      const page = await statements(`{ cases(first: 2) { edges { cursor } } }`);
      expect(await statements(`{ cases(first: 2) { edges { cursor } totalCount } }`)).toBe(page + 1);
      expect(await statements(`{ cases(first: 2) { edges { cursor } totalCount totalCountCapped } }`)).toBe(page + 1);
    });

    it('a 决定书文号 search is looked up by its number first: its pages list every match once, its count counts them in one statement', async () => {
      const filter = { caseNumber: '〔2026〕' };
      const all = await idsOf({ filter });
      expect(new Set(all)).toEqual(new Set([ids.penalty, ids.undecided, ids.eco, ids.late]));
      const paged: string[] = [];
      let after: string | null = null;
      do {
        const { data, errors }: { data?: any; errors?: unknown } = await hub.graphql(LIST, { filter, first: 1, after }, callers.procurator);
        expect(errors).toBeUndefined();
        paged.push(...data.cases.edges.map((e: any) => e.node.id));
        after = data.cases.pageInfo.hasNextPage ? data.cases.pageInfo.endCursor : null;
      } while (after);
      expect(paged).toEqual(all);
      const statements = async (query: string) => {
        const before = await hub.sqlStatements('justice');
        const { data, errors } = await hub.graphql(query, { filter }, callers.procurator);
        expect(errors).toBeUndefined();
        return { statements: (await hub.sqlStatements('justice')) - before, data };
      };
      await statements(`query($filter: CaseFilter) { cases(filter: $filter, first: 2) { edges { cursor } } }`); // warm the pool once
      const page = await statements(`query($filter: CaseFilter) { cases(filter: $filter, first: 2) { edges { cursor } } }`);
      const counted = await statements(`query($filter: CaseFilter) { cases(filter: $filter, first: 2) { edges { cursor } totalCount totalCountCapped } }`);
      expect(counted.statements).toBe(page.statements + 1);
      expect(counted.data.cases).toMatchObject({ totalCount: 4, totalCountCapped: false });
    });

    it('a caller without case:read gets no list and no count', async () => {
      const { data, errors } = await hub.graphql(COUNT, {});
      expect(data?.cases ?? null).toBeNull();
      expect(errors?.length).toBeGreaterThan(0);
    });
  });

  describe('filters', () => {
    it.each([
      ['agency kind 生态环境局', { agencyKind: 'ECO_ENVIRONMENT' }, ['eco']],
      ['agency kind 市场监督管理局', { agencyKind: 'MARKET_REGULATION' }, ['penalty', 'undecided', 'late']],
      ['decided cases only', { decided: true }, ['penalty', 'eco', 'late']],
      ['undecided cases only', { decided: false }, ['undecided']],
      ['decided in August or September 2026 (China Standard Time)', { decidedFrom: '2026-08-01T00:00:00+08:00', decidedTo: '2026-09-30T23:59:59+08:00' }, ['penalty', 'eco']],
      ['decided on dates alone: China Standard Time days, To the whole day', { decidedFrom: '2026-08-01', decidedTo: '2026-09-15' }, ['penalty', 'eco']],
      ['a date alone is not UTC midnight: 2026-08-01 10:00 in China falls on that day', { decidedFrom: '2026-07-02', decidedTo: '2026-08-01' }, ['eco']],
      ['from the day after a decision excludes it', { decidedFrom: '2026-09-16', decidedTo: '2026-10-19' }, []],
      ['case number containing 5002', { caseNumber: '5002' }, ['undecided']],
      ['case number containing 海市监处罚 (prefix)', { caseNumber: '海市监处罚' }, ['penalty', 'late']],
      ['a whole case number', { caseNumber: '海市监处罚〔2026〕5005号' }, ['late']],
      ['a number of six characters or more found wherever it lies', { caseNumber: '监处罚〔2026' }, ['penalty', 'late']],
      ['案由 containing 销售', { cause: '销售' }, ['penalty', 'late']],
      ['案由 with LIKE wildcards taken literally', { cause: '_100%' }, ['undecided']],
      ['a wildcard alone matches no other case', { cause: '%' }, ['undecided']],
      ['filters combine', { agencyKind: 'MARKET_REGULATION', decided: true, cause: '销售' }, ['penalty', 'late']],
    ])('%s', async (_, filter, expected) => {
      expect(new Set(await idsOf({ filter }))).toEqual(new Set((expected as (keyof typeof ids)[]).map((k) => ids[k])));
    });

    it('recorded between two instants given with explicit offsets', async () => {
      const all = await list({ sort: 'RECORDED_ASC' });
      const undecided = all.find((n) => n.id === ids.undecided)!;
      const eco = all.find((n) => n.id === ids.eco)!;
      // The same instants written in China Standard Time.
      const cst = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().replace('Z', '+08:00');
      const between = await idsOf({ filter: { recordedFrom: cst(undecided.recordedAt), recordedTo: cst(eco.recordedAt) } });
      expect(new Set(between)).toEqual(new Set([ids.undecided, ids.eco]));
    });
  });

  describe('sort and paging', () => {
    it('recorded date both ways: one order is the other reversed', async () => {
      const desc = await idsOf({});
      const asc = await idsOf({ sort: 'RECORDED_ASC' });
      expect(asc).toEqual([ids.penalty, ids.undecided, ids.eco, ids.late]);
      expect(desc).toEqual([...asc].reverse());
    });

    it('decision date both ways: decided cases only, in decision order', async () => {
      expect(await idsOf({ sort: 'DECIDED_DESC' })).toEqual([ids.late, ids.penalty, ids.eco]);
      expect(await idsOf({ sort: 'DECIDED_ASC' })).toEqual([ids.eco, ids.penalty, ids.late]);
    });

    it.each(['RECORDED_DESC', 'RECORDED_ASC', 'DECIDED_DESC', 'DECIDED_ASC'])('%s: one case a page, no repeats, the same order as one page', async (sort) => {
      const whole = await idsOf({ sort });
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const { data, errors }: any = await hub.graphql(LIST, { first: 1, after, sort }, callers.procurator);
        expect(errors).toBeUndefined();
        seen.push(...data.cases.edges.map((e: any) => e.node.id));
        after = data.cases.pageInfo.hasNextPage ? data.cases.pageInfo.endCursor : null;
      } while (after);
      expect(seen).toEqual(whole);
    });

    it('a cursor of another sort is refused, naming `after`', async () => {
      const { data } = await hub.graphql(LIST, { first: 1 }, callers.procurator);
      const recordedCursor = data.cases.pageInfo.endCursor;
      const { data: refused, errors } = await hub.graphql(LIST, { first: 1, after: recordedCursor, sort: 'DECIDED_DESC' }, callers.procurator);
      expect(refused?.cases ?? null).toBeNull();
      expect(errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after', rule: 'cursorSort' });
      // Its own sort takes it.
      const { errors: none } = await hub.graphql(LIST, { first: 1, after: recordedCursor }, callers.procurator);
      expect(none).toBeUndefined();
    });
  });

  describe('client mistakes', () => {
    it('an unknown agency kind is refused by the schema, naming the value', async () => {
      const { data, errors } = await hub.graphql(`{ cases(filter: { agencyKind: FORESTRY }) { totalCount } }`, undefined, callers.procurator);
      expect(data?.cases ?? null).toBeNull();
      expect(errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(errors![0].message).toContain('FORESTRY');
    });

    it('an unknown sort in a variable is BAD_USER_INPUT', async () => {
      const { errors } = await hub.graphql(LIST, { sort: 'AMOUNT_DESC' }, callers.procurator);
      expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(errors![0].message).toContain('AMOUNT_DESC');
    });

    it('caseType "market-regulation" is refused, not an empty list; every broken rule at once', async () => {
      const { data, errors } = await hub.graphql(LIST, {
        filter: { caseType: 'market-regulation', region: '32', cause: '  ', recordedFrom: '2026-10-01T00:00:00+08:00', recordedTo: '2026-09-01T00:00:00+08:00' },
      }, callers.procurator);
      expect(data?.cases ?? null).toBeNull();
      expect(errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      const broken = errors![0].extensions!.violations.map((v: any) => `${v.field}/${v.rule}`).sort();
      expect(broken).toEqual(['filter.caseType/oneOf', 'filter.cause/required', 'filter.recordedTo/range', 'filter.region/regionCode']);
    });

    it('a known caseType still filters', async () => {
      expect(await idsOf({ filter: { caseType: 'EcoEnvironmentCase' } })).toEqual([ids.eco]);
    });
  });

  describe('indexes keep every filter fast', () => {
    it('case number and 案由 searches can use trigram indexes, Chinese text included', async () => {
      const db = await hub.ownerDatabase('justice');
      try {
        // Chinese characters make trigrams in this database (its character type classes them as letters).
        const { rows: [trgm] } = await db.query(`SELECT array_length(show_trgm('伪劣产品'), 1) AS n`);
        expect(trgm.n).toBeGreaterThan(0);
        await db.query('BEGIN');
        await db.query('SET LOCAL enable_seqscan = off');
        for (const [column, index] of [['cause', 'case_index_cause_trgm'], ['case_number', 'case_index_number_trgm']]) {
          const { rows } = await db.query(`EXPLAIN SELECT id FROM case_index WHERE ${column} ILIKE '%伪劣产%'`);
          expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain(index);
        }
        // The count of a 案由 search within one county or bureau asks the place's keys
        // (case-list-count.ts): the statement's expression must be the index's, or the index is
        // silently never used.
        for (const place of ['320706', 'MR-320706']) {
          const { rows } = await db.query(`EXPLAIN SELECT count(*) FROM case_index c
            WHERE case_search_grams(ARRAY[c.region, c.agency_code], c.cause) @> case_search_grams(ARRAY[$1]::text[], '噪声')`, [place]);
          expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('case_index_cause_by_place');
        }
        const { rows } = await db.query(`EXPLAIN SELECT id FROM case_index WHERE decided_at IS NOT NULL ORDER BY decided_at ASC, id ASC LIMIT 21`);
        expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('case_index_decided_page');
        await db.query('ROLLBACK');
      } finally {
        await db.end();
      }
    });
  });

  // totalCount of a 案由 search within one bureau or county asks the place's two-character keys
  // first (case-list-count.ts, migration 1700000003100): it must count exactly the cases the page
  // lists (which tests the text alone), for every reach and every length of text.
  describe('totalCount of a search counts exactly the cases listed', () => {
    const searches: Record<string, unknown>[] = [
      { cause: '销' }, { cause: '伪劣' }, { cause: '伪劣产品' }, { cause: '劣产品' }, { cause: '产品销售' }, { cause: '_100%' }, { cause: '0%' },
      { caseNumber: '5002' }, { caseNumber: '海市监处罚' }, { caseNumber: '〔2026〕' }, { caseNumber: '宛市监处罚〔2026〕5004号' }, { caseNumber: '〕5' },
      { caseNumber: '处罚〔2026〕500' }, { caseNumber: '市监处罚〔2026' }, { caseNumber: '海市监处罚〔2026〕5001号' }, { caseNumber: '〔2026〕5009号' },
      { cause: '伪劣', region: '320700' }, { cause: '销售', agencyCode: 'MR-320706' }, { cause: '销售', region: '411302' }, { cause: '伪劣', region: '320706' },
      { cause: '排放', caseNumber: '海环' }, { cause: '销售', caseNumber: '5005' }, { cause: '销售', decided: true, agencyKind: 'MARKET_REGULATION' },
      // Decision-date ranges: whole days from the tally by decision day, the part days at the ends from
      // the cases (case-list-count.ts); the cases were decided at 02:00 UTC on 07-01, 08-01, 09-15, 10-20.
      { decidedFrom: '2026-08-01', decidedTo: '2026-09-15' }, { decidedFrom: '2026-09-15T02:00:00Z', decidedTo: '2026-10-20T02:00:00Z' },
      { decidedFrom: '2026-09-15T02:00:00.001Z' }, { decidedTo: '2026-08-01T02:00:00Z' }, { decidedTo: '2026-08-01T01:59:59.999Z', region: '320700' },
      { decidedFrom: '2026-09-14T03:00:00Z', decidedTo: '2026-09-15T03:00:00Z' }, { decidedFrom: '2026-09-16', decidedTo: '2026-10-19' },
      { decidedFrom: '2026-07-01', decidedTo: '2026-10-31', cause: '销售' }, { decidedFrom: '2026-07-01', agencyKind: 'ECO_ENVIRONMENT', cause: '排放' },
      { decidedFrom: '2026-07-01T00:00:00Z', decidedTo: '2026-10-21T00:00:00Z', agencyCode: 'MR-320706', actType: 'ADMINISTRATIVE_PENALTY' },
    ];
    it.each([
      ['agency officer MR-320706', callers.marketOfficer], ['agency officer EE-320706', callers.ecoOfficer],
      ['agency officer MR-411302', callers.nanyangMarketOfficer], ['public security 320706', callers.psb],
      ['procurator 320706', callers.procurator], ['procurator 411302', callers.nanyangProcurator], ['justice bureau 320706', callers.justice],
    ] as [string, Caller][])('%s', async (_, caller) => {
      const counted = await countsAgreeWithLists(searches, caller);
      // Not vacuous: the county's procurator finds cases by most searches.
      if (caller === callers.procurator) expect(counted.filter((n) => n > 0).length).toBeGreaterThanOrEqual(12);
    });

    // A list filtered by bureau, region, case type, act, whether decided and 案由 alone is counted
    // from the tally of the index (migration 1700000003200), which triggers on case_index keep. The
    // page reads case_index.
    it('the count of a 案由 search follows a case whose 案由 or region changes', async () => {
      const searches = [{ cause: '伪劣' }, { cause: '燃气灶' }, { cause: '销售' }];
      const before = await countsAgreeWithLists(searches, callers.procurator);
      expect(before).toEqual([1, 1, 2]);
      const db = await hub.ownerDatabase('justice');
      try {
        await db.query(`UPDATE case_index SET cause = '销售伪劣燃气灶' WHERE id = $1`, [ids.late]);
        expect(await countsAgreeWithLists(searches, callers.procurator)).toEqual([2, 1, 2]);
        // Out of the procurator's county.
        await db.query(`UPDATE case_index SET region = '411302' WHERE id = $1`, [ids.late]);
        expect(await countsAgreeWithLists(searches, callers.procurator)).toEqual([1, 0, 1]);
      } finally {
        await db.query(`UPDATE case_index SET cause = '销售不合格燃气灶', region = '320706' WHERE id = $1`, [ids.late]);
        await db.end();
      }
      expect(await countsAgreeWithLists(searches, callers.procurator)).toEqual(before);
    });

    // The decision-day tally (migration 1700000003230) likewise, its keys with the day of decision.
    it('the tallies equal the index counted by their keys after every kind of write', async () => {
      const db = await hub.ownerDatabase('justice');
      /** Keys where a tally of the index and the index grouped differ. */
      const differences = async () => [
        ...(await tallyAgainst(db, 'case_tally', ['agency_code', 'region', 'case_type', 'act_type', 'decided', 'cause'],
          `SELECT agency_code, region, case_type, act_type, decided_at IS NOT NULL AS decided, cause, count(*)::int AS n FROM case_index GROUP BY 1, 2, 3, 4, 5, 6`)).differing,
        ...(await tallyAgainst(db, 'case_decided_tally', ['agency_code', 'region', 'case_type', 'act_type', 'decided_on', 'cause'],
          `SELECT agency_code, region, case_type, act_type, (decided_at AT TIME ZONE 'UTC')::date AS decided_on, cause, count(*)::int AS n
           FROM case_index WHERE decided_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6`)).differing,
      ];
      try {
        expect(await differences()).toEqual([]);
        // Copies of cases are written column by column (a generated column takes no value).
        const { rows: [{ columns }] } = await db.query(`SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) AS columns
          FROM information_schema.columns WHERE table_name = 'case_index' AND is_generated = 'NEVER'`);
        await db.query('BEGIN');
        // Several rows of one statement, some sharing a key, into new keys and out of old ones.
        await db.query(`UPDATE case_index SET cause = cause || '（复查）' WHERE id = ANY($1)`, [[ids.penalty, ids.nanyang, ids.late]]);
        expect(await differences()).toEqual([]);
        await db.query(`UPDATE case_index SET region = '320700', agency_code = agency_code WHERE id = $1`, [ids.eco]);
        expect(await differences()).toEqual([]);
        // Decided a day earlier: out of one day's row, into another's.
        await db.query(`UPDATE case_index SET decided_at = decided_at - interval '1 day' WHERE id = ANY($1)`, [[ids.penalty, ids.nanyang]]);
        expect(await differences()).toEqual([]);
        // Decided, undecided, and another act.
        await db.query(`UPDATE case_index SET decided_at = CASE WHEN decided_at IS NULL THEN now() END,
          act_type = CASE WHEN id = $2 THEN 'ADMINISTRATIVE_COERCION' ELSE act_type END WHERE id = ANY($1)`, [[ids.undecided, ids.penalty], ids.penalty]);
        expect(await differences()).toEqual([]);
        await db.query(`INSERT INTO case_index (${columns}) SELECT ${columns} FROM (SELECT (jsonb_populate_record(c, jsonb_build_object(
            'id', md5(c.id::text || n)::uuid, 'case_number', c.case_number || '-' || n))).*
          FROM case_index c, generate_series(1, 3) n WHERE c.id = ANY($1)) copies`, [[ids.penalty, ids.undecided]]);
        expect(await differences()).toEqual([]);
        // An upsert: one row updated and one inserted by the same statement (the index receiver's form).
        await db.query(`INSERT INTO case_index (${columns}) SELECT ${columns} FROM (SELECT (jsonb_populate_record(c, jsonb_build_object('cause', '无证经营',
            'id', CASE WHEN n = 1 THEN c.id ELSE md5(c.id::text || 'upsert')::uuid END, 'case_number', c.case_number || CASE WHEN n = 1 THEN '' ELSE '-u' END))).*
          FROM case_index c, generate_series(1, 2) n WHERE c.id = $1) copies
          ON CONFLICT (id) DO UPDATE SET cause = excluded.cause`, [ids.undecided]);
        expect(await differences()).toEqual([]);
        await db.query(`DELETE FROM case_index WHERE case_number LIKE '%-_' OR case_number LIKE '%-u'`);
        expect(await differences()).toEqual([]);
      } finally {
        await db.query('ROLLBACK');
        await db.end();
      }
    });
  });

  // Runs last: it transfers cases, opens supervision and moves the clock on.
  describe('where a case stands with public security and the procuratorate', () => {
    const DAY = 24 * 3600_000;
    const ask = async (query: string, variables: Record<string, unknown>, caller: Caller) => {
      const { data, errors } = await hub.graphql(query, variables, caller);
      expect(errors).toBeUndefined();
      return data;
    };
    const transfer = async (caseId: string) =>
      (await ask(`mutation($id: ID!) { transferCase(caseId: $id, input: { summary: "涉嫌销售伪劣产品罪", materials: ["移送书"] }) { id } }`, { id: caseId }, callers.marketOfficer)).transferCase.id as string;
    const accept = (id: string) => ask(`mutation($id: ID!) { acceptTransfer(id: $id) { status } }`, { id }, callers.psb);
    const open = async (caseId: string) =>
      (await ask(`mutation($id: ID!) { openSupervision(caseId: $id, input: { kind: CASE_REVIEW, summary: "审查处罚决定" }) { id } }`, { id: caseId }, callers.procurator)).openSupervision.id as string;
    /** The list under `filter` once the states reported by the other owners have arrived. */
    const settled = (filter: Record<string, unknown>, expected: (keyof typeof ids)[]) => eventually(async () => {
      const got = new Set(await idsOf({ filter }));
      const want = new Set(expected.map((k) => ids[k]));
      return got.size === want.size && [...want].every((id) => got.has(id)) ? got : undefined;
    }, 10_000, JSON.stringify(filter));

    beforeAll(async () => {
      // penalty: transferred and accepted (the filing decision is due in 3 days, 国务院令第310号 第八条);
      // late: transferred, accepted and refused (不予立案: nothing pending).
      await accept(await transfer(ids.penalty));
      const refused = await transfer(ids.late);
      await accept(refused);
      await ask(`mutation($id: ID!) { decideTransfer(id: $id, decision: NOT_FILE, reason: "不构成犯罪") { status } }`, { id: refused }, callers.psb);
      // eco: a supervision matter open; undecided: one opened and closed.
      await open(ids.eco);
      const closed = await open(ids.undecided);
      await ask(`mutation($id: ID!) { closeSupervision(id: $id) { status } }`, { id: closed }, callers.procurator);
    }, 60_000);

    it.each([
      ['transfer accepted', { transferStatus: ['ACCEPTED'] }, ['penalty']],
      ['transfer refused or accepted', { transferStatus: ['NOT_FILED', 'ACCEPTED'] }, ['penalty', 'late']],
      ['transfer filed: none', { transferStatus: ['FILED'] }, []],
      ['transferred', { transferred: true }, ['penalty', 'late']],
      ['never transferred', { transferred: false }, ['undecided', 'eco']],
      ['a supervision matter open', { supervisionStatus: 'OPEN' }, ['eco']],
      ['supervision closed', { supervisionStatus: 'CLOSED' }, ['undecided']],
      ['no supervision', { supervisionStatus: 'NONE' }, ['penalty', 'late']],
      ['nothing overdue yet', { overdue: true }, []],
      ['combined with the other filters', { transferred: true, cause: '燃气灶' }, ['late']],
    ])('%s', async (_, filter, expected) => {
      await settled(filter, expected as (keyof typeof ids)[]);
    });

    it('a transfer past its filing decision is overdue by the hub clock; a refused one is not', async () => {
      await settled({ transferStatus: ['ACCEPTED'] }, ['penalty']);
      await advanceClock(10 * DAY);
      expect(new Set(await idsOf({ filter: { overdue: true } }))).toEqual(new Set([ids.penalty]));
      expect(new Set(await idsOf({ filter: { overdue: false } }))).toEqual(new Set([ids.undecided, ids.eco, ids.late]));
      const { data } = await hub.graphql(COUNT, { filter: { overdue: true } }, callers.procurator);
      expect(data.cases.totalCount).toBe(1);
    });

    it('overdue.transfersPage pages what overdue.transfers lists, with a count; the unpaged list still answers', async () => {
      const OVERDUE = `query($after: String) { overdue { transfers { id } transfersPage(first: 1, after: $after) {
        totalCount edges { node { id case { id } } } pageInfo { hasNextPage endCursor } } } }`;
      const data = await ask(OVERDUE, {}, callers.procurator);
      const page = data.overdue.transfersPage;
      expect(page.totalCount).toBe(1);
      expect(page.edges.map((e: any) => e.node.case.id)).toEqual([ids.penalty]);
      expect(page.pageInfo.hasNextPage).toBe(false);
      expect(data.overdue.transfers.map((t: any) => t.id)).toEqual(page.edges.map((e: any) => e.node.id));
      // Outside the region: nothing, counted as nothing.
      const other = await ask(OVERDUE, {}, callers.nanyangProcurator);
      expect(other.overdue.transfersPage).toMatchObject({ totalCount: 0, edges: [] });
    });

    it('the row rule still holds: the other region sees none of these states, its own bureau only its own', async () => {
      expect(await idsOf({ filter: { transferred: true } }, callers.nanyangProcurator)).toEqual([]);
      expect(await idsOf({ filter: { supervisionStatus: 'OPEN' } }, callers.marketOfficer)).toEqual([]);
      expect(await idsOf({ filter: { supervisionStatus: 'OPEN' } }, callers.ecoOfficer)).toEqual([ids.eco]);
    });

    it('an empty state list, an unknown state and an unknown bureau are refused, naming the field', async () => {
      const { errors } = await hub.graphql(LIST, { filter: { transferStatus: [], agencyCode: 'MR-999999' } }, callers.procurator);
      const broken = errors![0].extensions!.violations.map((v: any) => `${v.field}/${v.rule}`).sort();
      expect(broken).toEqual(['filter.agencyCode/exists', 'filter.transferStatus/minItems']);
      const unknown = await hub.graphql(LIST, { filter: { transferStatus: ['LOST'] } }, callers.procurator);
      expect(unknown.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(unknown.errors![0].message).toContain('LOST');
      const literal = await hub.graphql(`{ cases(filter: { supervisionStatus: PENDING }) { totalCount } }`, undefined, callers.procurator);
      expect(literal.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('a state reported before its case reaches the index filters the case once it arrives, within each caller\'s reach', async () => {
      // The owners' relays run independently: public security's and the procuratorate's reports can
      // arrive before the agency's case. The state rows then get the case's region and bureau from
      // the index's writer (migration 1700000002950), and the filters find the case as before.
      const caseId = randomUUID();
      const at = new Date().toISOString();
      await post(hub, 'public-security', 'transfer-states', [{ eventId: randomUUID(), caseId, transferId: randomUUID(), status: 'SUBMITTED', dueAt: null, version: 1, at }]);
      await post(hub, 'procuratorate', 'supervision-states', [{ eventId: randomUUID(), caseId, matterId: randomUUID(), status: 'OPEN', at }]);
      await post(hub, 'market-regulation', 'case-events', [{
        eventId: randomUUID(), caseId, caseType: 'MarketRegulationCase', version: 1, agencyCode: 'MR-320706', caseNumber: `early-${caseId}`,
        actType: 'ADMINISTRATIVE_PENALTY', cause: '状态先到案件', offenceCode: null, amountInvolved: 1, fineAmount: 1, decidedAt: null, region: '320706',
        recordedAt: at, party: null, figures: {},
      }]);
      const only = (filter: Record<string, unknown>) => ({ filter: { ...filter, cause: '状态先到案件' } });
      for (const filter of [{ transferStatus: ['SUBMITTED'] }, { transferred: true }, { supervisionStatus: 'OPEN' }]) {
        expect(await idsOf(only(filter))).toEqual([caseId]);
        expect(await idsOf(only(filter), callers.marketOfficer)).toEqual([caseId]);
        expect(await idsOf(only(filter), callers.ecoOfficer)).toEqual([]);
        expect(await idsOf(only(filter), callers.nanyangProcurator)).toEqual([]);
      }
      expect(await idsOf(only({ transferred: false }))).toEqual([]);
      expect(await idsOf(only({ supervisionStatus: 'NONE' }))).toEqual([]);
    });

    // totalCount of a state filter is counted from the state rows themselves where they say the whole
    // filter (case-list-count.ts): it must count exactly the cases the page lists, for every reach,
    // a state whose case never reached the index (no region: no case to list) included.
    describe('totalCount of a state filter counts exactly the cases listed', () => {
      beforeAll(async () => {
        const orphan = randomUUID(), at = new Date().toISOString();
        await post(hub, 'public-security', 'transfer-states', [{ eventId: randomUUID(), caseId: orphan, transferId: randomUUID(), status: 'ACCEPTED', dueAt: at, version: 1, at }]);
        await post(hub, 'procuratorate', 'supervision-states', [
          { eventId: randomUUID(), caseId: orphan, matterId: randomUUID(), status: 'OPEN', at },
          { eventId: randomUUID(), caseId: orphan, matterId: randomUUID(), status: 'CLOSED', at },
        ]);
        // Two cases whose filing decision is due today (UTC, by the hub's clock): one deadline passed, one
        // not yet. 逾期 counts the deadlines of earlier days from a tally, today's from the states.
        const hubNow = Date.now() + clockAhead;
        const today = Math.floor(hubNow / DAY) * DAY;
        const dues = [Math.max(today, hubNow - 10 * MINUTE), Math.min(today + DAY - 1, hubNow + 10 * MINUTE)];
        for (const [i, due] of dues.entries()) {
          const caseId = randomUUID();
          await post(hub, 'market-regulation', 'case-events', [{
            eventId: randomUUID(), caseId, caseType: 'MarketRegulationCase', version: 1, agencyCode: 'MR-320706', caseNumber: `due-today-${i}`,
            actType: 'ADMINISTRATIVE_PENALTY', cause: '今日到期', offenceCode: null, amountInvolved: 1, fineAmount: 1, decidedAt: null, region: '320706',
            recordedAt: at, party: null, figures: {},
          }]);
          await post(hub, 'public-security', 'transfer-states', [{ eventId: randomUUID(), caseId, transferId: randomUUID(), status: 'ACCEPTED', dueAt: new Date(due).toISOString(), version: 1, at }]);
        }
        expect(await idsOf({ filter: { transferStatus: ['ACCEPTED'], cause: '今日到期' } })).toHaveLength(2);
        expect(await idsOf({ filter: { overdue: true, cause: '今日到期' } })).toHaveLength(1);
        // A second matter on eco, closed: eco stays OPEN (one case, counted once), never CLOSED.
        const second = await open(ids.eco);
        await ask(`mutation($id: ID!) { closeSupervision(id: $id) { status } }`, { id: second }, callers.procurator);
        await settled({ supervisionStatus: 'CLOSED' }, ['undecided']);
      }, 60_000);

      const filters: Record<string, unknown>[] = [
        { transferStatus: ['ACCEPTED'] }, { transferStatus: ['NOT_FILED', 'ACCEPTED'] }, { transferred: true }, { transferred: false },
        { supervisionStatus: 'OPEN' }, { supervisionStatus: 'CLOSED' }, { supervisionStatus: 'NONE' }, { overdue: true }, { overdue: false },
        { transferred: true, region: '320700' }, { supervisionStatus: 'OPEN', agencyCode: 'EE-320706' }, { transferStatus: ['ACCEPTED'], agencyCode: 'EE-320706' },
        { overdue: true, region: '411302' }, { supervisionStatus: 'CLOSED', region: '320706' },
        { transferred: false, region: '320700' }, { supervisionStatus: 'NONE', agencyCode: 'MR-320706' }, { overdue: false, region: '411302' },
        { transferred: false, agencyCode: 'EE-320706' }, { overdue: false, region: '320706' }, { supervisionStatus: 'NONE', region: '320700' },
        { transferred: false, decided: true }, { supervisionStatus: 'NONE', transferred: false },
      ];
      it.each([
        ['agency officer MR-320706', callers.marketOfficer], ['agency officer EE-320706', callers.ecoOfficer],
        ['public security 320706', callers.psb], ['procurator 320706', callers.procurator],
        ['procurator 411302', callers.nanyangProcurator], ['justice bureau 320706', callers.justice],
      ] as [string, Caller][])('%s', async (_, caller) => {
        const counted = await countsAgreeWithLists(filters, caller);
        // The matrix is not vacuous: the region's callers count some cases in each state.
        if (caller === callers.procurator) expect(counted.filter((n) => n > 0).length).toBeGreaterThanOrEqual(9);
      });

      // transferStatus, transferred: true and transferred: false alone are counted from the tally of
      // the 移送 states (migration 1700000003210), which triggers on case_transfer_state keep: after
      // the transfers above (made, accepted, refused) and a state that came before its case.
      // overdue alone is counted from the deadlines tallied by day (migration 1700000003240).
      it.each([
        ['移送 tally', 'case_transfer_tally', 'status', 'status', 'TRUE'],
        ['deadline tally', 'case_transfer_due_tally', 'due_on', "(due_at AT TIME ZONE 'UTC')::date", 'due_at IS NOT NULL'],
      ])('the %s equals the states of indexed cases counted by bureau, region and its key', async (_, tally, key, keyOfState, counted) => {
        const db = await hub.ownerDatabase('justice');
        try {
          const { keys, differing } = await tallyAgainst(db, tally, ['agency_code', 'region', key],
            `SELECT agency_code, region, ${keyOfState} AS ${key}, count(*)::int AS n FROM case_transfer_state
             WHERE region IS NOT NULL AND ${counted} GROUP BY 1, 2, 3`);
          expect(keys).toBeGreaterThanOrEqual(2);
          expect(differing).toEqual([]);
        } finally {
          await db.end();
        }
      });

      // With more of the caller's cases in a status than the page looks up by id (cases.ts FEW_CASES),
      // the page walks the caller's cases and tests each one's status itself: what the smaller data
      // above never reaches, since the look-up by id already holds only cases in the status.
      it('with more cases closed than the page looks up by id, the walked page lists closed cases only', async () => {
        const db = await hub.ownerDatabase('justice');
        const { rows: [{ columns }] } = await db.query(`SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) AS columns
          FROM information_schema.columns WHERE table_name = 'case_index' AND is_generated = 'NEVER'`);
        try {
          // Copies of the undecided case (recorded before eco, which has a matter open), each with a closed matter.
          await db.query(`INSERT INTO case_index (${columns}) SELECT ${columns} FROM (SELECT (jsonb_populate_record(c, jsonb_build_object(
              'id', md5(c.id::text || n)::uuid, 'case_number', c.case_number || '-closed-' || n))).*
            FROM case_index c, generate_series(1, 1001) n WHERE c.id = $1) copies`, [ids.undecided]);
          await db.query(`INSERT INTO case_supervision_state (matter_id, case_id, status, changed_at, region, agency_code)
            SELECT gen_random_uuid(), id, 'CLOSED', now(), region, agency_code FROM case_index WHERE case_number LIKE '%-closed-%'`);
          const listed = await idsOf({ filter: { supervisionStatus: 'CLOSED' } });
          expect(listed).toHaveLength(100);
          expect(listed).not.toContain(ids.eco);
          const { rows } = await db.query(`SELECT count(*)::int AS n FROM case_supervision_summary WHERE status = 'CLOSED' AND case_id = ANY($1)`, [listed]);
          expect(rows[0].n).toBe(100);
        } finally {
          await db.query(`DELETE FROM case_supervision_state WHERE case_id IN (SELECT id FROM case_index WHERE case_number LIKE '%-closed-%')`);
          await db.query(`DELETE FROM case_index WHERE case_number LIKE '%-closed-%'`);
          await db.end();
        }
      });

      // supervisionStatus alone is counted from each case's status made from all its matters, tallied
      // (migration 1700000003220): after matters opened and closed above, two on one case, and
      // matters that came before their case.
      it('each supervised case\'s status is its matters\' together, and the tally counts those cases', async () => {
        const db = await hub.ownerDatabase('justice');
        try {
          const { rows: cases } = await db.query(`
            SELECT case_id, m.status AS of_matters, s.status AS of_case, m.region = s.region AND m.agency_code = s.agency_code AS placed FROM
              (SELECT case_id, min(region) AS region, min(agency_code) AS agency_code, CASE WHEN bool_or(status = 'OPEN') THEN 'OPEN' ELSE 'CLOSED' END AS status
               FROM case_supervision_state WHERE region IS NOT NULL GROUP BY case_id) m
              FULL JOIN case_supervision_summary s USING (case_id)`);
          // Not vacuous: supervised cases in both states.
          expect(new Set(cases.map((c) => c.of_matters))).toEqual(new Set(['CLOSED', 'OPEN']));
          expect(cases.filter((c) => c.of_matters !== c.of_case || !c.placed)).toEqual([]);
          const { differing } = await tallyAgainst(db, 'case_supervision_tally', ['agency_code', 'region', 'status'],
            `SELECT agency_code, region, status, count(*)::int AS n FROM case_supervision_summary GROUP BY 1, 2, 3`);
          expect(differing).toEqual([]);
        } finally {
          await db.end();
        }
      });
    });
  });
});
