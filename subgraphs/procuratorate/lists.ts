import { In } from 'typeorm';
import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { countOf, EMPTY_CONNECTION, keysetPage } from '../../kit/cursor';
import { mayFilter } from '../../kit/access';
import { isUuid, perRequest, uuidGroupLoader } from '../../kit/loaders';
import { isRegionCode, jurisdictionPrefix, Violations } from '../../kit/rules';
import { inclusiveEnd } from '../../kit/scalars';
import { Suggestion, SupervisionMatter, type SuggestionRow, type SupervisionMatterRow } from './entities';
import { Alert, mayReadAlert, type AlertRow } from './alerts';
import { mayReadSuggestion, suggestionReadSql, suggestionRule } from './resources/suggestion';
import { supervisionMatterReadSql, supervisionMatterRule } from './resources/supervision-matter';
import { alertRule } from './resources/alert';
import type { ProcuratorateLoaders } from './loaders';

// The procuratorate's lists a console drives (issue 12): suggestions and supervision matters at the
// root, filtered, sorted both ways, paged by the kit's keyset cursor with a count; and each case's
// suggestions and alerts. Every list reads only the rows the caller's grant reaches (resources/*.ts),
// the count included; filters only narrow that.

type Ctx = SubgraphContext<ProcuratorateLoaders>;

export const LIST_SDL = `
"""Filters of the suggestion list; each one narrows the suggestions the caller reads. From and To are inclusive; a date alone (2026-09-15) is that whole day in China Standard Time."""
input SuggestionFilter {
  "in one of these states (at least one)"
  status: [SuggestionStatus!]
  kind: SuggestionKind
  recipientKind: SuggestionRecipientKind
  "the recipient's unit code (a bureau of the directory, a public-security unit …)"
  agencyCode: ID
  "the issuing procuratorate"
  procuratorateCode: String
  "6-digit region code; a city or province code matches every county under it"
  region: String
  "about this case"
  caseId: ID
  "逾期: true, unanswered past replyDueAt by the hub's clock (still ISSUED); false, not so"
  overdue: Boolean
  "issued at or after"
  issuedFrom: DateTime
  "issued at or before"
  issuedTo: DateTime
}

"""The order of the suggestion list; a cursor belongs to the sort it was issued in (another sort refuses it: rule cursorSort)."""
enum SuggestionSort {
  "newest issued first (the default)"
  ISSUED_DESC
  "oldest issued first"
  ISSUED_ASC
}

"a suggestion the caller reads"
type SuggestionEdge { cursor: String! node: ProcuratorialSuggestion }
type SuggestionConnection {
  edges: [SuggestionEdge!]!
  pageInfo: PageInfo!
  "the suggestions the caller reads that match the filter (all pages), at most 10000: counted only when asked for"
  totalCount: Int!
  "true when there are more than 10000 such suggestions (totalCount is then 10000)"
  totalCountCapped: Boolean!
}

"""Filters of the supervision-matter list; each one narrows the matters the caller reads. From and To are inclusive; a date alone (2026-09-15) is that whole day in China Standard Time."""
input SupervisionMatterFilter {
  status: SupervisionStatus
  kind: SupervisionKind
  "the procuratorate that opened it"
  procuratorateCode: String
  "6-digit region code; a city or province code matches every county under it"
  region: String
  "on this case"
  caseId: ID
  "opened at or after"
  openedFrom: DateTime
  "opened at or before"
  openedTo: DateTime
}

"""The order of the supervision-matter list; a cursor belongs to the sort it was issued in."""
enum SupervisionMatterSort {
  "newest opened first (the default)"
  OPENED_DESC
  "oldest opened first"
  OPENED_ASC
}

"a supervision matter the caller reads"
type SupervisionMatterEdge { cursor: String! node: SupervisionMatter }
type SupervisionMatterConnection {
  edges: [SupervisionMatterEdge!]!
  pageInfo: PageInfo!
  "the matters the caller reads that match the filter (all pages), at most 10000: counted only when asked for"
  totalCount: Int!
  "true when there are more than 10000 such matters (totalCount is then 10000)"
  totalCountCapped: Boolean!
}

extend type EnforcementCase {
  "检察建议 about this case, those the caller reads (supervision:read over the bureau's region, or the addressed bureau), newest first"
  suggestions: [ProcuratorialSuggestion!]
  "以罚代刑 and repeat-offender alerts on this case, those the caller reads (supervision:read over the case's region), newest first"
  alerts: [Alert!] @requiresScopes(scopes: [["supervision:read"]])
}

extend type OverdueItems {
  "the overdue suggestions of \`suggestions\`, paged: longest waiting (earliest issued) first"
  suggestionsPage(first: Int, after: String, last: Int, before: String): SuggestionConnection
}

extend type Query {
  "检察建议 the caller reads (procurators and the justice bureau: their jurisdiction; a bureau: those addressed to it), newest issued first unless sorted otherwise"
  suggestions(filter: SuggestionFilter, sort: SuggestionSort = ISSUED_DESC, first: Int, after: String, last: Int, before: String): SuggestionConnection @requiresScopes(scopes: [["supervision:read"], ["suggestion:reply"]])
  "检察监督事项 of the caller's jurisdiction (supervision:read), newest opened first unless sorted otherwise"
  supervisionMatters(filter: SupervisionMatterFilter, sort: SupervisionMatterSort = OPENED_DESC, first: Int, after: String, last: Int, before: String): SupervisionMatterConnection @requiresScopes(scopes: [["supervision:read"]])
}
`;

interface SuggestionFilter {
  status?: string[]; kind?: string; recipientKind?: string; agencyCode?: string; procuratorateCode?: string; region?: string;
  caseId?: string; overdue?: boolean | null; issuedFrom?: Date; issuedTo?: Date;
}
interface MatterFilter {
  status?: string; kind?: string; procuratorateCode?: string; region?: string; caseId?: string; openedFrom?: Date; openedTo?: Date;
}
interface ListArgs<F, S> { filter?: F | null; sort?: S | null; first?: number | null; after?: string | null; last?: number | null; before?: string | null }

/** The checks every list filter shares, each broken rule noted (all at once: kit/rules.ts Violations). */
function commonFilters(qb: { andWhere(sql: string, params?: object): unknown }, alias: string, errors: Violations,
  f: { region?: string; caseId?: string }, range: { column: string; name: string; from?: Date; to?: Date }) {
  if (f.region) {
    if (!isRegionCode(f.region)) errors.add('filter.region', 'regionCode', 'must be a 6-digit administrative division code');
    else qb.andWhere(`${alias}.region LIKE :regionPrefix`, { regionPrefix: `${jurisdictionPrefix(f.region)}%` });
  }
  if (f.caseId) {
    if (!isUuid(f.caseId)) errors.add('filter.caseId', 'uuid', 'is not a case id (a UUID)');
    else qb.andWhere(`${alias}.case_id = :caseId`, { caseId: f.caseId });
  }
  const { column, name, from } = range;
  // A date alone is a whole day in China Standard Time (kit/scalars.ts): To takes the day's end.
  const to = range.to ? inclusiveEnd(range.to) : undefined;
  if (from && to && from > to) errors.add(`filter.${name}To`, 'range', `must not be before filter.${name}From`);
  if (from) qb.andWhere(`${alias}.${column} >= :${name}From`, { [`${name}From`]: from });
  if (to) qb.andWhere(`${alias}.${column} <= :${name}To`, { [`${name}To`]: to });
}

const SUGGESTION_SORTS = { ISSUED_DESC: 'DESC', ISSUED_ASC: 'ASC' } as const;
const MATTER_SORTS = { OPENED_DESC: 'DESC', OPENED_ASC: 'ASC' } as const;

function sortOf<S extends string>(sorts: Record<S, 'ASC' | 'DESC'>, sort: string, errors: Violations): 'ASC' | 'DESC' {
  const direction = sorts[sort as S];
  if (!direction) errors.add('sort', 'oneOf', `must be one of ${Object.keys(sorts).join(', ')}`);
  return direction ?? 'DESC';
}

export async function listSuggestions(ctx: Ctx, { filter, sort, ...page }: ListArgs<SuggestionFilter, string>) {
  const f = filter ?? {};
  const errors = new Violations();
  const qb = ctx.runtime.db.getRepository(Suggestion).createQueryBuilder('s');
  // The row rule first (either way in: supervision:read over the region, or the addressed bureau).
  const rule = suggestionReadSql(ctx.identity, 's');
  qb.where(rule.sql, rule.params);
  if (f.status) {
    if (!f.status.length) errors.add('filter.status', 'minItems', 'must name at least one state (leave the filter out instead)');
    else qb.andWhere('s.status IN (:...statuses)', { statuses: [...new Set(f.status)] });
  }
  if (f.kind) qb.andWhere('s.kind = :kind', { kind: f.kind });
  if (f.recipientKind) qb.andWhere('s.recipient_kind = :recipientKind', { recipientKind: f.recipientKind });
  if (f.agencyCode) qb.andWhere('s.agency_code = :agencyCode', { agencyCode: f.agencyCode });
  if (f.procuratorateCode) qb.andWhere('s.procuratorate_code = :procuratorateCode', { procuratorateCode: f.procuratorateCode });
  // 逾期 as ProcuratorialSuggestion.overdue says it: still ISSUED, its reply due before now.
  if (f.overdue === true) qb.andWhere(`s.status = 'ISSUED' AND s.reply_due_at < :now`, { now: ctx.runtime.now() });
  if (f.overdue === false) qb.andWhere(`NOT (s.status = 'ISSUED' AND s.reply_due_at IS NOT NULL AND s.reply_due_at < :now)`, { now: ctx.runtime.now() });
  commonFilters(qb, 's', errors, f, { column: 'issued_at', name: 'issued', from: f.issuedFrom, to: f.issuedTo });
  const key = sort ?? 'ISSUED_DESC';
  const direction = sortOf(SUGGESTION_SORTS, key, errors);
  errors.throwIfAny();
  const nobody = mayFilter(ctx.identity, suggestionRule, 'read').kind === 'none' && mayFilter(ctx.identity, suggestionRule, 'readAddressed').kind === 'none';
  if (nobody) return { ...EMPTY_CONNECTION, totalCount: 0, totalCountCapped: false };
  const counts = countOf(qb);
  const connection = await keysetPage(qb, {
    column: 's.issued_at', direction, timeOf: (r: SuggestionRow) => r.issuedAt, sortKey: key.toLowerCase(), ...page,
  });
  for (const { node } of connection.edges) ctx.loaders.suggestionById.prime(node.id, node);
  return { ...connection, ...counts };
}

export async function listSupervisionMatters(ctx: Ctx, { filter, sort, ...page }: ListArgs<MatterFilter, string>) {
  const f = filter ?? {};
  const errors = new Violations();
  const qb = ctx.runtime.db.getRepository(SupervisionMatter).createQueryBuilder('m');
  const rule = supervisionMatterReadSql(ctx.identity, 'm');
  qb.where(rule.sql, rule.params);
  if (f.status) qb.andWhere('m.status = :status', { status: f.status });
  if (f.kind) qb.andWhere('m.kind = :kind', { kind: f.kind });
  if (f.procuratorateCode) qb.andWhere('m.procuratorate_code = :procuratorateCode', { procuratorateCode: f.procuratorateCode });
  commonFilters(qb, 'm', errors, f, { column: 'opened_at', name: 'opened', from: f.openedFrom, to: f.openedTo });
  const key = sort ?? 'OPENED_DESC';
  const direction = sortOf(MATTER_SORTS, key, errors);
  errors.throwIfAny();
  if (mayFilter(ctx.identity, supervisionMatterRule, 'read').kind === 'none') return { ...EMPTY_CONNECTION, totalCount: 0, totalCountCapped: false };
  const counts = countOf(qb);
  const connection = await keysetPage(qb, {
    column: 'm.opened_at', direction, timeOf: (r: SupervisionMatterRow) => r.openedAt, sortKey: key.toLowerCase(), ...page,
  });
  for (const { node } of connection.edges) ctx.loaders.supervisionById.prime(node.id, node);
  return { ...connection, ...counts };
}

/** One statement per relation for a whole page of cases (kit/loaders.ts), newest first. */
const caseRelations = perRequest((runtime: SubgraphRuntime) => ({
  suggestions: uuidGroupLoader<SuggestionRow>((caseIds) => runtime.db.getRepository(Suggestion).find({
    where: { caseId: In(caseIds) }, order: { issuedAt: 'DESC', id: 'DESC' },
  }), (r) => r.caseId!),
  alerts: uuidGroupLoader<AlertRow>((caseIds) => runtime.db.getRepository(Alert).find({
    where: { caseId: In(caseIds) }, order: { raisedAt: 'DESC', id: 'DESC' },
  }), (r) => r.caseId),
}));

export const listQueries = {
  suggestions: (_: unknown, args: ListArgs<SuggestionFilter, string>, ctx: Ctx) => listSuggestions(ctx, args),
  supervisionMatters: (_: unknown, args: ListArgs<MatterFilter, string>, ctx: Ctx) => listSupervisionMatters(ctx, args),
};

/** OverdueItems.suggestionsPage: the suggestion list under overdue: true, oldest first (a cursor of its own sort). */
export const overduePageFields = {
  suggestionsPage: (_: { unit: string }, page: { first?: number | null; after?: string | null; last?: number | null; before?: string | null }, ctx: Ctx) =>
    listSuggestions(ctx, { filter: { overdue: true }, sort: 'ISSUED_ASC', ...page }),
};

/** The procuratorate's case fields beyond `supervision`: its suggestions and alerts, batched per page. */
export const caseListFields = {
  suggestions: async (c: { id: string }, _: unknown, ctx: Ctx) =>
    (await caseRelations(ctx).suggestions.load(c.id)).filter((row) => mayReadSuggestion(ctx.identity, row)),
  alerts: async (c: { id: string }, _: unknown, ctx: Ctx) => {
    if (mayFilter(ctx.identity, alertRule, 'read').kind === 'none') return [];
    return (await caseRelations(ctx).alerts.load(c.id)).filter((row) => mayReadAlert(ctx, row));
  },
};
