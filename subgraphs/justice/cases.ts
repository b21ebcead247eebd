import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { SubgraphContext } from '../../kit/module';
import { COUNT_CAP, countOf, keysetPage, type PageArgs } from '../../kit/cursor';
import { badInput } from '../../kit/errors';
import { inclusiveEnd } from '../../kit/scalars';
import { isRegionCode, jurisdictionPrefix, Violations } from '../../kit/rules';
import { CaseIndex, type CaseIndexRow } from './entities';
import type { JusticeLoaders } from './loaders';
import { may } from '../../kit/access';
import { isUuid } from '../../kit/loaders';
import { caseReadSql, caseRule } from '../../kit/resources/case';
import { countSource, fewCasesInState } from './case-list-count';

import { AGENCY_KINDS, AGENCY_KIND_BY_CASE_TYPE } from '../agencies/registry';

export interface CaseFilter {
  agencyCode?: string; region?: string; actType?: string; offenceCode?: string; caseType?: string;
  agencyKind?: string; recordedFrom?: Date; recordedTo?: Date; decidedFrom?: Date; decidedTo?: Date; decided?: boolean;
  caseNumber?: string; cause?: string;
  transferStatus?: string[]; transferred?: boolean; supervisionStatus?: CaseSupervisionStatus; overdue?: boolean;
}

/** 检察监督 of a case: a matter open, matters all closed, or none (the procuratorate's states, case-states.ts). */
export type CaseSupervisionStatus = 'OPEN' | 'CLOSED' | 'NONE';

/** The list's orders: by 录入 (recorded) or by 决定 (decided) date, each both ways. */
export type CaseSort = 'RECORDED_DESC' | 'RECORDED_ASC' | 'DECIDED_DESC' | 'DECIDED_ASC';
const SORTS: Record<CaseSort, { column: string; direction: 'ASC' | 'DESC'; timeOf: (row: CaseIndexRow) => Date }> = {
  RECORDED_DESC: { column: 'c.recorded_at', direction: 'DESC', timeOf: (r) => r.recordedAt },
  RECORDED_ASC: { column: 'c.recorded_at', direction: 'ASC', timeOf: (r) => r.recordedAt },
  DECIDED_DESC: { column: 'c.decided_at', direction: 'DESC', timeOf: (r) => r.decidedAt! },
  DECIDED_ASC: { column: 'c.decided_at', direction: 'ASC', timeOf: (r) => r.decidedAt! },
};

/** The largest count the case list answers exactly (kit/cursor.ts countOf). */
export const CASE_COUNT_CAP = COUNT_CAP;
/**
 * At most this many cases in a state asked for, and the page looks them up by id: a thousand
 * primary-key probes and a sort stay under a few milliseconds, where a walk for a rare state reads
 * the caller's whole county.
 */
const FEW_CASES = 1000;
/** The longest search text (a case number or 案由 is far shorter). */
const SEARCH_MAX = 100;

/** `%`, `_` and `\` in a search are the characters themselves, not LIKE's wildcards. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A search of `text` in `column`: contained anywhere, case-insensitive. A trigram index
 * (case_index_cause_trgm, case_index_number_trgm) finds a text of three characters or more; a
 * shorter one (a 案由 of two characters such as 噪声 is an ordinary search) has no trigram, and the
 * index then hands back every entry of the table to be checked one by one (1.2 million rows, 2.4 s
 * at 1,000,000 cases, bench/results/filters-2026-11-27-1m.md). Such a text is matched by
 * strpos(lower(column), lower(text)), what ILIKE does for this database's multibyte encoding
 * (both sides lowered, then compared): the same rows, but no index covers it and the planner takes
 * it for an unselective test, so the page walks the caller's cases in order and stops after a page.
 * (Written as `(column || '') ILIKE`, the planner took it for a rare match and read the whole
 * county, 250,001 rows, for the page: bench/results/filters-2026-11-28-1m.md.)
 */
const trigramSearchable = (text: string) => [...text].length >= 3;
function searchSql(column: string, name: string, text: string): [string, Record<string, string>] {
  if (trigramSearchable(text)) return [`${column} ILIKE :${name} ESCAPE '\\'`, { [name]: `%${likeEscape(text)}%` }];
  return [`strpos(lower(${column}), lower(:${name})) > 0`, { [name]: text }];
}

/**
 * A search of 决定书文号: a number is written 机关代字〔年份〕序号号, so a whole number shares the
 * trigrams of its bureau's prefix and its year with every number of that bureau and year, and the
 * trigram index read 2,387 pages of posting lists for one number at a million cases (165 ms, the
 * slowest filter left; bench/results/filters-2026-11-28-1m-after.md). A text of six characters or
 * more is looked up in the index by its last four (the 序号 end, the rarest part), and the whole
 * text is then tested on those rows alone, in a form the index does not serve (so the planner does
 * not ask the index for the common trigrams too): the same rows, since the last four characters
 * lie in every number that contains the whole text.
 */
const tailSearched = (text: string) => [...text].length >= 6;
function caseNumberSql(column: string, text: string): [string, Record<string, string>] {
  const characters = [...text];
  if (!tailSearched(text)) return searchSql(column, 'caseNumber', text);
  return [`${column} ILIKE :caseNumberTail ESCAPE '\\' AND strpos(lower(${column}), lower(:caseNumber)) > 0`,
    { caseNumberTail: `%${likeEscape(characters.slice(-4).join(''))}%`, caseNumber: text }];
}

/**
 * The columns of the filters a tally of the index holds (migration 1700000003200), said of a case
 * row (`c`) or of a tally row (`t`): each such filter is written once and said of both, so the
 * count read from the tally selects the same cases as the page (case-list-count.ts).
 */
interface TalliedColumns { actType: string; caseType: string; cause: string; decided: (yes: boolean) => string }
const CASE_ROW: TalliedColumns = { actType: 'c.act_type', caseType: 'c.case_type', cause: 'c.cause', decided: (yes) => `c.decided_at IS ${yes ? 'NOT ' : ''}NULL` };
const TALLY_ROW: TalliedColumns = { actType: 't.act_type', caseType: 't.case_type', cause: 't.cause', decided: (yes) => (yes ? 't.decided' : 'NOT t.decided') };
type TalliedFilter = (columns: TalliedColumns) => [string, Record<string, unknown>];

/** A search text: trimmed, not blank, at most SEARCH_MAX characters; null when absent. */
function searchText(field: string, value: string | undefined, errors: Violations): string | null {
  if (value === undefined || value === null) return null;
  const text = value.trim();
  if (!text) errors.add(field, 'required', 'must not be blank (leave the filter out instead)');
  else if (text.length > SEARCH_MAX) errors.add(field, 'maxLength', `must be at most ${SEARCH_MAX} characters`);
  else return text;
  return null;
}

/**
 * The index's case list by keyset over (recorded_at or decided_at, id), newest recorded first
 * unless `sort` says otherwise. Sorted by decision date, the list holds decided cases only (an
 * undecided case has no place in that order). `totalCount` is counted only when asked for, over
 * the same rule and filters, and at most CASE_COUNT_CAP.
 */
export async function listCases(ctx: SubgraphContext<JusticeLoaders>, filter: CaseFilter = {}, first?: number | null, after?: string | null, sort: CaseSort = 'RECORDED_DESC',
  backward: Pick<PageArgs, 'last' | 'before'> = {}) {
  const qb = ctx.runtime.db.getRepository(CaseIndex).createQueryBuilder('c');
  // The case rule first: the caller's own bureau, or its region; filters only narrow it further,
  // and the count below counts this same statement, so it reveals no row the caller cannot read.
  const rule = caseReadSql(ctx.identity, { agencyCode: 'c.agency_code', region: 'c.region' });
  qb.where(rule.sql, rule.params);
  // Every broken rule of the filter at once (kit/rules.ts Violations).
  const errors = new Violations();
  // The filters a tally of the index also holds, said of the page's rows here and of the tally's by
  // the count; any other filter on the case's own columns, and the count reads the cases.
  const tallied: TalliedFilter[] = [];
  let untallied = false;
  const where = (condition: TalliedFilter) => { qb.andWhere(...condition(CASE_ROW)); tallied.push(condition); };
  if (filter.agencyCode) qb.andWhere('c.agency_code = :agencyCode', { agencyCode: filter.agencyCode });
  if (filter.region) {
    if (!isRegionCode(filter.region)) errors.add('filter.region', 'regionCode', 'must be a 6-digit administrative division code');
    else qb.andWhere('c.region LIKE :prefix', { prefix: `${jurisdictionPrefix(filter.region)}%` });
  }
  if (filter.actType) where((k) => [`${k.actType} = :actType`, { actType: filter.actType }]);
  if (filter.offenceCode) {
    qb.andWhere('c.offence_code = :offenceCode', { offenceCode: filter.offenceCode });
    untallied = true;
  }
  if (filter.caseType) {
    // A type no agency has is the client's mistake, not an empty list.
    if (!AGENCY_KIND_BY_CASE_TYPE.has(filter.caseType)) {
      errors.add('filter.caseType', 'oneOf', `must be one of ${[...AGENCY_KIND_BY_CASE_TYPE.keys()].join(', ')}`);
    } else where((k) => [`${k.caseType} = :caseType`, { caseType: filter.caseType }]);
  }
  if (filter.agencyKind) {
    // 执法系统: the kind's case type (the SDL enum has refused any other value already).
    const kind = AGENCY_KINDS.find((k) => k.kind === filter.agencyKind);
    where((k) => [`${k.caseType} = :kindCaseType`, { kindCaseType: kind?.caseType ?? null }]);
  }
  const range = (column: string, name: string, from?: Date, to?: Date) => {
    // A date alone is a whole day in China Standard Time (kit/scalars.ts): To takes the day's end.
    const end = to ? inclusiveEnd(to) : undefined;
    if (from && end && from > end) errors.add(`filter.${name}To`, 'range', `must not be before filter.${name}From`);
    if (from) qb.andWhere(`${column} >= :${name}From`, { [`${name}From`]: from });
    if (end) qb.andWhere(`${column} <= :${name}To`, { [`${name}To`]: end });
    return from || end ? { from, end } : undefined;
  };
  if (range('c.recorded_at', 'recorded', filter.recordedFrom, filter.recordedTo)) untallied = true;
  // A decision-date range is counted from the tally by decision day where it holds whole days (case-list-count.ts).
  const decidedRange = range('c.decided_at', 'decided', filter.decidedFrom, filter.decidedTo);
  if (filter.decided === true || filter.decided === false) where((k) => [k.decided(filter.decided!), {}]);
  // 决定书文号 and 案由: text contained anywhere (case-insensitive), served by trigram indexes
  // (migration 1700000001300), so a search stays fast over a million cases.
  const caseNumber = searchText('filter.caseNumber', filter.caseNumber, errors);
  if (caseNumber) {
    qb.andWhere(...caseNumberSql('c.case_number', caseNumber));
    untallied = true;
  }
  const cause = searchText('filter.cause', filter.cause, errors);
  if (cause) where((k) => searchSql(k.cause, 'cause', cause));
  // Where the case stands with public security and the procuratorate (case-states.ts: the states
  // they report, a few seconds behind at most). Each is a semi-join on the case's id. A state row
  // carries its case's region and bureau (migration 1700000002950), so the case rule and the region
  // filter are said again of the state rows: the same rows match, and the planner can start from the
  // states of the caller's region (an index) instead of reading every state of every region.
  const placed = (alias: string) => {
    const stateRule = caseReadSql(ctx.identity, { agencyCode: `${alias}.agency_code`, region: `${alias}.region` });
    qb.setParameters(stateRule.params);
    const region = filter.region && isRegionCode(filter.region) ? ` AND ${alias}.region LIKE :prefix` : '';
    return ` AND ${stateRule.sql}${region}`;
  };
  const transfer = (condition: string) => `EXISTS (SELECT 1 FROM case_transfer_state ts WHERE ts.case_id = c.id${placed('ts')}${condition})`;
  // 检察监督: the case's own status, made from all its matters (case_supervision_summary_of,
  // migration 1700000003220): one probe per case, where the matters took two for CLOSED (one closed,
  // none open). A case with no placed matter has no summary.
  const supervised = (condition: string) => `EXISTS (SELECT 1 FROM case_supervision_summary sm WHERE sm.case_id = c.id${placed('sm')}${condition})`;
  if (filter.transferStatus) {
    if (!filter.transferStatus.length) errors.add('filter.transferStatus', 'minItems', 'must name at least one state (leave the filter out instead)');
    else qb.andWhere(transfer(' AND ts.status IN (:...transferStatus)'), { transferStatus: [...new Set(filter.transferStatus)] });
  }
  if (filter.transferred === true) qb.andWhere(transfer(''));
  if (filter.transferred === false) qb.andWhere(`NOT ${transfer('')}`);
  if (filter.supervisionStatus === 'OPEN' || filter.supervisionStatus === 'CLOSED') {
    qb.andWhere(supervised(' AND sm.status = :supervisionStatus'), { supervisionStatus: filter.supervisionStatus });
  }
  if (filter.supervisionStatus === 'NONE') qb.andWhere(`NOT ${supervised('')}`);
  // 逾期: the deadline public security is waiting on (the filing decision, 国务院令第310号 第八条,
  // or the reconsideration answer, 第九条) has passed by the hub's clock; only a pending state has one.
  const overdueNow = filter.overdue !== undefined && filter.overdue !== null ? ctx.runtime.now() : undefined;
  if (overdueNow) qb.andWhere(`${filter.overdue ? '' : 'NOT '}${transfer(' AND ts.due_at < :overdueNow')}`, { overdueNow });
  if (filter.agencyCode && !(await ctx.loaders.agencyByCode.load(filter.agencyCode))) {
    // A bureau the directory does not know is the client's mistake, not an empty list.
    errors.add('filter.agencyCode', 'exists', 'is no bureau of the directory');
  }
  const order = SORTS[sort];
  if (!order) errors.add('sort', 'oneOf', `must be one of ${Object.keys(SORTS).join(', ')}`);
  errors.throwIfAny();
  if (order.column === 'c.decided_at') where((k) => [k.decided(true), {}]);
  // The count: the same rule and filters, no cursor; a statement only if asked for, over the rows
  // that say it most cheaply (case-list-count.ts).
  const tallyFilters = untallied ? undefined : (tally: SelectQueryBuilder<ObjectLiteral>) => {
    for (const condition of tallied) tally.andWhere(...condition(TALLY_ROW));
  };
  // A 决定书文号 of six characters or more: the numbers that contain it, wherever they are, found
  // first by the number alone (the trigram index, with no other condition to plan around). With the
  // caller's region beside it, the planner ANDed the number's 1,019 candidates with the region's
  // 125,000 index entries (20 ms, where the candidates alone take 2; at a million cases,
  // bench/results/filters-2026-11-28-1m-day-tallies.md). At most FEW_CASES of them, and the page and
  // the count look those up by id, under the rule and every filter as ever.
  const numbered = caseNumber && tailSearched(caseNumber) ? await casesNumbered(qb, caseNumber, FEW_CASES) : undefined;
  if (numbered) qb.andWhere('c.id = ANY(:numberedCaseIds::uuid[])', { numberedCaseIds: numbered });
  const counts = countOf(countSource({ identity: ctx.identity, filter, sort, cases: qb, overdueNow, cap: CASE_COUNT_CAP, tallyFilters, decidedRange }), CASE_COUNT_CAP);
  // A state few of the caller's cases have: the page looks those cases up by id (case-list-count.ts).
  const few = await fewCasesInState({ identity: ctx.identity, filter, cases: qb, overdueNow }, FEW_CASES);
  if (few) qb.andWhere('c.id = ANY(:fewCaseIds::uuid[])', { fewCaseIds: few });
  const connection = await keysetPage(qb, {
    column: order.column, direction: order.direction, timeOf: order.timeOf, sortKey: sort.toLowerCase(), first, after, ...backward,
  });
  // Prime the loader so entity fetches for this page cost no further statements.
  for (const { node } of connection.edges) ctx.loaders.caseById.prime(node.id, node);
  return {
    ...connection,
    ...counts,
  };
}

/** The ids of the cases whose 决定书文号 contains `text` (any place, any reach), when at most `limit`; undefined when more. */
async function casesNumbered(cases: SelectQueryBuilder<ObjectLiteral>, text: string, limit: number): Promise<string[] | undefined> {
  const [sql, params] = cases.connection.createQueryBuilder().select('t.id', 'id').from('case_index', 't')
    .where(...caseNumberSql('t.case_number', text)).limit(limit + 1).getQueryAndParameters();
  const rows: { id: string }[] = await cases.connection.query(sql, params);
  return rows.length > limit ? undefined : rows.map((r) => r.id);
}

/**
 * One case by id, if the case rule lets the caller read it; null otherwise (as if there were none).
 * An id that is no UUID is the client's mistake, named (`case(id: "123")`), not "no such case".
 */
export async function readableCase(ctx: SubgraphContext<JusticeLoaders>, id: string): Promise<CaseIndexRow | null> {
  if (!isUuid(id)) throw badInput('id', 'uuid', 'is not a case id (a UUID)');
  const row = await ctx.loaders.caseById.load(id);
  return row && may(ctx.identity, caseRule, 'read', row) ? row : null;
}

export const caseFields = {
  // A reference is the hub's, not the client's: one that names no case is no case.
  __resolveReference: (ref: { id: string }, ctx: SubgraphContext<JusticeLoaders>) => (isUuid(ref.id) ? readableCase(ctx, ref.id) : null),
  agency: (row: CaseIndexRow, _: unknown, ctx: SubgraphContext<JusticeLoaders>) => ctx.loaders.agencyByCode.load(row.agencyCode),
};
