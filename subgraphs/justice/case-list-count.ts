import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { CountNumber } from '../../kit/cursor';
import type { Identity } from '../../kit/identity';
import { isRegionCode, jurisdictionPrefix } from '../../kit/rules';
import { caseReadSql, caseRule } from '../../kit/resources/case';
import { mayFilter } from '../../kit/access';
import type { CaseFilter, CaseSort } from './cases';

// What the case list's totalCount (at most COUNT_CAP, kit/cursor.ts countOf) counts: the same cases
// as the page, read from wherever the fewest rows say it. Measured at 1,000,000 cases by
// bench/filters.ts (bench/results/filters-2026-11-28-1m.md):
// - a filter by where the case stands with public security or the procuratorate (移送 / 检察监督),
//   and nothing the state rows do not carry, is counted from tallies of the states by bureau,
//   region and status (migrations 1700000003210, 1700000003220): a sum over a few rows, where the
//   state rows of the county were counted, up to 10,001, or every matter of it; 逾期 (overdue: true)
//   compares each deadline with the clock, so the deadlines are tallied by day (migration
//   1700000003240): those of the days before today have passed, today's are read from the states;
// - a filter most of the caller's cases pass (not transferred, no supervision, not overdue), alone,
//   is the caller's tallied cases less its cases with the state, counted as above; combined with other
//   filters, such a filter walks the caller's cases in region order, probing each case's states, to
//   the cap. (Tried for a 案由 of three characters or more too, whose trigram bitmap cannot stop at
//   the cap: the planner still chose the bitmap and sorted it, 218,753 rows read against 218,337.)
// - a list filtered by bureau, region, case type, act, whether decided and 案由 alone (the plain list
//   included) is counted from the tally of the index by those (migration 1700000003200): a few
//   hundred rows for a county, where the cases counted meant 10,001 index entries, or 10,001 rows of
//   case_index, one buffer each, to test a 案由's text; with a decision-date range too, from the
//   same tally by decision day for the range's whole days (migration 1700000003230);
// - a 案由 search of two characters or more within a county or bureau is narrowed by the text's
//   two-character pieces keyed by place (migration 1700000003100): only that place's entries are
//   read, where the trigram index read every match of every region (218,337 rows for 危险废物).

/** Filters on case_index's own columns: with any of them the count needs the case rows. */
const CASE_COLUMNS = ['actType', 'offenceCode', 'caseType', 'agencyKind', 'recordedFrom', 'recordedTo', 'decidedFrom', 'decidedTo',
  'decided', 'caseNumber', 'cause'] as const satisfies readonly (keyof CaseFilter)[];

const given = (value: unknown) => value !== undefined && value !== null;

export interface CountSourceArgs {
  identity: Identity;
  filter: CaseFilter;
  sort: CaseSort;
  /** The page's statement before its cursor and order: the rule and every filter, over case_index c. */
  cases: SelectQueryBuilder<ObjectLiteral>;
  /** The instant `overdue` compares deadlines with (the same the page uses). */
  overdueNow?: Date;
  /** The count's cap (kit/cursor.ts countOf): the count needs at most one row more. */
  cap: number;
  /**
   * When every filter on the case's own columns is one the tally of the index holds (cases.ts):
   * those filters said of the tally's rows (alias `t`).
   */
  tallyFilters?: (tally: SelectQueryBuilder<ObjectLiteral>) => void;
  /** The decision-date range the page says of its cases (`from` and `end` both inclusive), when given. */
  decidedRange?: { from?: Date; end?: Date };
}

/** The states a filter asks for: a 移送 state wanted or refused, and the 检察监督 status. */
function statesAsked(filter: CaseFilter) {
  return {
    transferWanted: given(filter.transferStatus) || filter.transferred === true || filter.overdue === true,
    transferRefused: filter.transferred === false || filter.overdue === false,
    supervision: filter.supervisionStatus,
  };
}

/**
 * The statement the count counts (its rows, capped): the state rows of the caller's reach where
 * they say the whole filter, else the case statement walked in region order for an anti-join,
 * else the case statement as the planner likes it.
 */
export function countSource({ identity, filter, sort, cases, overdueNow, cap, tallyFilters, decidedRange }: CountSourceArgs): SelectQueryBuilder<ObjectLiteral> | CountNumber {
  const needsCases = CASE_COLUMNS.some((key) => given(filter[key])) || sort.startsWith('DECIDED');
  const { transferWanted, transferRefused, supervision } = statesAsked(filter);
  const asCases = () => searchedInPlace(cases, identity, filter) ?? cases;
  if (tallyFilters && !transferWanted && !transferRefused && !given(supervision)) {
    return tallied(cases, identity, filter, tallyFilters, cap, decidedRange) ?? asCases();
  }
  const dueAsked = given(filter.overdue);
  if (!needsCases && !transferRefused) {
    if (transferWanted && !given(supervision)) {
      if (!dueAsked) return cappedSum(cases, { plus: [transferTally(cases, identity, filter)] }, cap);
      // 逾期 alone (or with transferred: true, which it implies): the deadlines of the days before today tallied, today's read.
      if (!filter.transferStatus?.length) return cappedSum(cases, { plus: overdueStates(cases, identity, filter, overdueNow!) }, cap);
      return transferStates(cases, identity, filter, overdueNow);
    }
    if (!transferWanted && (supervision === 'OPEN' || supervision === 'CLOSED')) return cappedSum(cases, { plus: [supervisionTally(cases, identity, filter, supervision)] }, cap);
  }
  if (!needsCases && !transferWanted) {
    // One refusal alone: the reach less the cases with that state.
    const refusals = [filter.transferred === false, filter.overdue === false, supervision === 'NONE'].filter(Boolean).length;
    if (filter.transferred === false && refusals === 1 && !given(supervision)) {
      // The reach's cases less its transferred ones, both tallied (every tallied state stands for one case of the reach).
      return cappedSum(cases, { plus: [tallySum(cases, 'case_tally', identity, filter)], less: [transferTally(cases, identity, filter)] }, cap);
    }
    if (supervision === 'NONE' && refusals === 1) {
      // The reach's cases less its supervised ones, both tallied (one summary row per supervised case of the reach).
      return cappedSum(cases, { plus: [tallySum(cases, 'case_tally', identity, filter)], less: [supervisionTally(cases, identity, filter)] }, cap);
    }
    if (filter.overdue === false && refusals === 1) {
      // The reach's cases less its overdue ones (each overdue state stands for one case of the reach).
      return cappedSum(cases, { plus: [tallySum(cases, 'case_tally', identity, filter)], less: overdueStates(cases, identity, filter, overdueNow!) }, cap);
    }
  }
  if (transferRefused || supervision === 'NONE') return inRegionOrder(cases);
  return asCases();
}

/**
 * The cases of a list whose filters the tally of the index holds (bureau, region, case type, act,
 * whether decided, 案由: migration 1700000003200), counted from the tally: the case rule and those
 * filters said of the tally's rows, their cases summed (at most one more than the cap). The
 * same cases as the page's: each case is in the tally once, in the row of its values of these
 * columns, which are all that the rule and these filters read of a case.
 *
 * With a decision-date range too: the range's whole days (UTC) from the tally by decision day
 * (migration 1700000003230), plus the cases of its part days at either end, counted from the page's
 * own statement narrowed to those hours; undefined for a range that holds no whole day (the page's
 * statement is counted then).
 */
function tallied(cases: SelectQueryBuilder<ObjectLiteral>, identity: Identity, filter: CaseFilter,
  tallyFilters: NonNullable<CountSourceArgs['tallyFilters']>, cap: number, decidedRange?: CountSourceArgs['decidedRange']) {
  if (!decidedRange) {
    const tally = tallySum(cases, 'case_tally', identity, filter);
    tallyFilters(tally);
    return cappedSum(cases, { plus: [tally] }, cap);
  }
  const days = wholeDays(decidedRange);
  if (!days) return undefined;
  const tally = tallySum(cases, 'case_decided_tally', identity, filter);
  tallyFilters(tally);
  const plus = [tally];
  // The page's statement holds the range itself: each end's part day is its cases outside the whole days.
  if (days.from) {
    tally.andWhere('t.decided_on >= :wholeDaysFrom', { wholeDaysFrom: dayOf(days.from) });
    plus.push(countedUpTo(cases.clone().andWhere('c.decided_at < :wholeDaysStart', { wholeDaysStart: days.from }), cap));
  }
  if (days.to) {
    tally.andWhere('t.decided_on < :wholeDaysTo', { wholeDaysTo: dayOf(days.to) });
    plus.push(countedUpTo(cases.clone().andWhere('c.decided_at >= :wholeDaysEnd', { wholeDaysEnd: days.to }), cap));
  }
  return cappedSum(cases, { plus }, cap);
}

const DAY_MS = 24 * 3600_000;
/** The UTC date of an instant, as the day tallies key it (`(at AT TIME ZONE 'UTC')::date`). */
const dayOf = (instant: Date) => instant.toISOString().slice(0, 10);
/** The UTC midnight at or before an instant (`round` Math.floor), or at or after it (Math.ceil). */
const midnight = (instant: Date, round: (days: number) => number) => new Date(round(instant.getTime() / DAY_MS) * DAY_MS);

/**
 * The whole UTC days within an inclusive range, as [from, to) between midnights: from the first
 * midnight at or after its start, to the last midnight at or before its end; undefined when the
 * range holds no whole day. An open side stays open.
 */
function wholeDays({ from, end }: { from?: Date; end?: Date }): { from?: Date; to?: Date } | undefined {
  const first = from ? midnight(from, Math.ceil) : undefined;
  const last = end ? midnight(end, Math.floor) : undefined;
  if (first && last && first >= last) return undefined;
  return { from: first, to: last };
}

/** The sum of a tally's rows (alias `t`) within the caller's reach and the region and bureau filters. */
function tallySum(cases: SelectQueryBuilder<ObjectLiteral>, table: 'case_tally' | 'case_decided_tally' | 'case_transfer_tally' | 'case_transfer_due_tally' | 'case_supervision_tally', identity: Identity, filter: CaseFilter) {
  const tally = cases.connection.createQueryBuilder().select('coalesce(sum(t.cases), 0)').from(table, 't').where('TRUE');
  placed(tally, 't', identity, filter);
  return tally;
}

/** The 移送 states of the reach tallied by status (migration 1700000003210), those the filter asks when it names some. */
function transferTally(cases: SelectQueryBuilder<ObjectLiteral>, identity: Identity, filter: CaseFilter) {
  const tally = tallySum(cases, 'case_transfer_tally', identity, filter);
  if (filter.transferStatus?.length) tally.andWhere('t.status IN (:...transferStatus)', { transferStatus: [...new Set(filter.transferStatus)] });
  return tally;
}

/** The reach's cases with the procuratorate tallied by status (migration 1700000003220), those of `status` when given. */
function supervisionTally(cases: SelectQueryBuilder<ObjectLiteral>, identity: Identity, filter: CaseFilter, status?: 'OPEN' | 'CLOSED') {
  const tally = tallySum(cases, 'case_supervision_tally', identity, filter);
  if (status) tally.andWhere('t.status = :supervised', { supervised: status });
  return tally;
}

/**
 * A count from sums, as one number (kit/cursor.ts CountNumber): the `plus` terms less the `less`
 * terms, at most one more than the cap. A term is a statement of one number (a tally's sum, or rows
 * counted). A `plus` term may itself be capped (the total is then over the cap too); a `less` term
 * must be exact.
 */
function cappedSum(cases: SelectQueryBuilder<ObjectLiteral>, { plus, less = [] }: { plus: SelectQueryBuilder<ObjectLiteral>[]; less?: SelectQueryBuilder<ObjectLiteral>[] }, cap: number): CountNumber {
  const term = (s: SelectQueryBuilder<ObjectLiteral>) => `(${s.getQuery()})`;
  const difference = [plus.map(term).join(' + '), ...less.map(term)].join(' - ');
  const parameters = Object.assign({}, ...[...plus, ...less].map((s) => s.getParameters()));
  return { number: cases.connection.createQueryBuilder().select(`least(${difference}, ${Number(cap) + 1})::int`, 'n').from('(SELECT 1)', 'one').setParameters(parameters) };
}

/** The rows of a statement counted: up to cap + 1 when `cap` is given (a `plus` term of cappedSum), else all (a `less` term). */
function countedUpTo(rows: SelectQueryBuilder<ObjectLiteral>, cap?: number) {
  const inner = rows.select('1');
  if (cap !== undefined) inner.limit(cap + 1);
  return rows.connection.createQueryBuilder().select('count(*)').from(`(${inner.getQuery()})`, 'r').setParameters(inner.getParameters());
}

/**
 * The narrowest place every case of the list lies in, as case_index_cause_by_place keys it: the
 * bureau (the caller's own, or the agencyCode filter), else the county (6 digits) the case rule or
 * the region filter fixes; none for a city, a province or the whole country (the trigram index then).
 */
function searchPlace(identity: Identity, filter: CaseFilter): string | undefined {
  if (filter.agencyCode) return filter.agencyCode;
  const reach = mayFilter(identity, caseRule, 'read');
  if (reach.kind === 'unit') return reach.unit;
  const prefixes = [reach.kind === 'region' ? reach.prefix : undefined, filter.region && isRegionCode(filter.region) ? jurisdictionPrefix(filter.region) : undefined];
  return prefixes.find((p) => p?.length === 6);
}

/**
 * The case statement with the 案由's two-character pieces required under its place
 * (case_index_cause_by_place): the same rows, since every piece of a text lies in any text that
 * contains it, and the statement still tests the text itself. None when the 案由 searched is
 * shorter than two characters, or no county or bureau is fixed.
 */
function searchedInPlace(cases: SelectQueryBuilder<ObjectLiteral>, identity: Identity, filter: CaseFilter) {
  const cause = filter.cause?.trim();
  const place = cause && [...cause].length >= 2 ? searchPlace(identity, filter) : undefined;
  if (!place) return undefined;
  return cases.clone().andWhere(`case_search_grams(ARRAY[c.region, c.agency_code], c.cause) @> case_search_grams(ARRAY[:searchPlace]::text[], :searchCause)`,
    { searchPlace: place, searchCause: cause });
}

/**
 * The conditions a state row (alias `s`) must meet to stand for a case of the list: its case is
 * indexed (a state reported before its case has no region yet, and no case to list), the case rule
 * of its region and bureau, and the region and bureau filters.
 */
function placedState(qb: SelectQueryBuilder<ObjectLiteral>, s: string, identity: Identity, filter: CaseFilter): void {
  qb.andWhere(`${s}.region IS NOT NULL`);
  placed(qb, s, identity, filter);
}

/** The case rule and the region and bureau filters, said of the rows of alias `s` (cases or states). */
function placed(qb: SelectQueryBuilder<ObjectLiteral>, s: string, identity: Identity, filter: CaseFilter): void {
  const rule = caseReadSql(identity, { agencyCode: `${s}.agency_code`, region: `${s}.region` });
  qb.andWhere(rule.sql, rule.params);
  if (filter.region && isRegionCode(filter.region)) qb.andWhere(`${s}.region LIKE :prefix`, { prefix: `${jurisdictionPrefix(filter.region)}%` });
  if (filter.agencyCode) qb.andWhere(`${s}.agency_code = :agencyCode`, { agencyCode: filter.agencyCode });
}

/**
 * The ids of the caller's cases that have the state a positive state filter asks (移送 status,
 * transferred, overdue, a supervision OPEN or CLOSED), when there are at most `limit` of them;
 * undefined when there are more, or the filter asks no such state. The page then looks these cases
 * up by id instead of walking the caller's cases in recorded order for matches: a state few cases
 * of the county have (none, at a million cases, for supervisionStatus CLOSED in the benchmark's
 * county) made the page read every case of the county (150,000 rows, 481,854 buffers,
 * bench/results/filters-2026-11-28-1m.md). The ids only narrow the page's statement, which still
 * says every filter itself, so the page lists the same cases.
 */
export async function fewCasesInState({ identity, filter, cases, overdueNow }: Omit<CountSourceArgs, 'sort' | 'cap'>, limit: number): Promise<string[] | undefined> {
  const { transferWanted, supervision: asked } = statesAsked(filter);
  const supervision = asked === 'OPEN' || asked === 'CLOSED' ? asked : undefined;
  if (!transferWanted && !supervision) return undefined;
  // 检察监督: a case's own status, made from all its matters (migration 1700000003220), where the
  // matters themselves read 12,500 for CLOSED (each tested for an open one) at a million cases.
  const source = transferWanted ? transferStates(cases, identity, filter, overdueNow).select('ts.case_id', 'case_id')
    : supervisedSummaries(cases, identity, filter, supervision!);
  // The ids only when there are few: more, and the statement answers none, where it sent 1,001
  // ids to be thrown away (1.4 ms of the 2.2 a call took for a status of 16,668 cases of the county
  // at a million cases, scratch measurement).
  const [sql, params] = source.limit(limit + 1).getQueryAndParameters();
  const [{ ids }]: { ids: string[] | null }[] = await cases.connection.query(
    `SELECT CASE WHEN count(*) <= ${Number(limit)} THEN coalesce(array_agg(s.case_id::text), '{}') END AS ids FROM (${sql}) s`, params);
  return ids ? [...new Set(ids)] : undefined;
}

/** The supervised cases of the reach in `status`, one row per case (case_supervision_summary). */
function supervisedSummaries(cases: SelectQueryBuilder<ObjectLiteral>, identity: Identity, filter: CaseFilter, status: 'OPEN' | 'CLOSED') {
  const qb = cases.connection.createQueryBuilder().select('t.case_id', 'case_id').from('case_supervision_summary', 't').where('t.status = :supervised', { supervised: status });
  placed(qb, 't', identity, filter);
  return qb;
}

/** 移送 states: one row per case (case_transfer_state's key is the case), so its rows are the cases. */
function transferStates(cases: SelectQueryBuilder<ObjectLiteral>, identity: Identity, filter: CaseFilter, overdueNow?: Date) {
  const qb = cases.connection.createQueryBuilder().from('case_transfer_state', 'ts').where('TRUE');
  placedState(qb, 'ts', identity, filter);
  if (filter.transferStatus?.length) qb.andWhere('ts.status IN (:...transferStatus)', { transferStatus: [...new Set(filter.transferStatus)] });
  if (filter.overdue === true) qb.andWhere('ts.due_at < :overdueNow', { overdueNow });
  return qb;
}

/**
 * The case statement with its rows in region order (`~<~`, the order of the region indexes'
 * text_pattern_ops): the planner then walks the caller's cases by a region index, tests each, and
 * stops at the count's cap, where without an order it counted through a bitmap of every match.
 */
function inRegionOrder(cases: SelectQueryBuilder<ObjectLiteral>) {
  const walked = cases.clone().select('1');
  return cases.connection.createQueryBuilder().from(`(${walked.getQuery()} ORDER BY c.region USING ~<~)`, 'w').setParameters(walked.getParameters());
}

/**
 * The reach's overdue cases (逾期: a deadline public security is to meet has passed, by the hub's
 * clock `now`) as two exact terms: the states due on a day (UTC) before today, tallied (migration
 * 1700000003240), and those due today before now, read from the states' own index. Every deadline of
 * an earlier day has passed; none of a later day has.
 */
function overdueStates(cases: SelectQueryBuilder<ObjectLiteral>, identity: Identity, filter: CaseFilter, now: Date) {
  const today = midnight(now, Math.floor);
  const earlier = tallySum(cases, 'case_transfer_due_tally', identity, filter).andWhere('t.due_on < :dueToday', { dueToday: dayOf(today) });
  const dueToday = transferStates(cases, identity, { ...filter, overdue: undefined })
    .andWhere('ts.due_at >= :dueTodayStart AND ts.due_at < :overdueNow', { dueTodayStart: today, overdueNow: now });
  return [earlier, countedUpTo(dueToday)];
}
