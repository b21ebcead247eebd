import { In } from 'typeorm';
import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { keysetPage, type PageArgs } from '../../kit/cursor';
import { inclusiveEnd } from '../../kit/scalars';
import { badInput } from '../../kit/errors';
import { uuidLoader } from '../../kit/loaders';
import { redactForPublication } from '../../kit/publication';
import { isRegionCode, jurisdictionPrefix } from '../../kit/rules';
import { AGENCY_KIND_BY_CASE_TYPE, publishedDecisionType } from '../agencies/registry';
import { CaseIndex, type CaseIndexRow } from './entities';
import type { JusticeLoaders } from './loaders';

// 阳光执法 (seed 004): published penalty decisions, for everyone, from the index. The index holds
// no personal data; the party's name is the owning agency's field (PublishedDecision.partyName),
// which that agency releases only for a publishable decision of its own.

type Ctx = SubgraphContext<JusticeLoaders>;

interface PublishedFilter { agencyCode?: string | null; region?: string | null; from?: Date | null; to?: Date | null }

export function publishedLoaders(runtime: SubgraphRuntime) {
  return {
    /** A published decision by id; null when there is none or it is not published. */
    publishedById: uuidLoader<CaseIndexRow>((ids) => runtime.db.getRepository(CaseIndex).findBy({ id: In(ids), publishable: true }), (r) => r.id),
  };
}

/** Query.publishedDecisions: newest decision first, by keyset over (decided_at, id). */
export async function listPublishedDecisions(ctx: Ctx, filter: PublishedFilter = {}, page: PageArgs = {}) {
  const qb = ctx.runtime.db.getRepository(CaseIndex).createQueryBuilder('c').where('c.publishable');
  if (filter.agencyCode) qb.andWhere('c.agency_code = :agencyCode', { agencyCode: filter.agencyCode });
  if (filter.region) {
    if (!isRegionCode(filter.region)) throw badInput('filter.region', 'regionCode', 'must be a 6-digit administrative division code');
    qb.andWhere('c.region LIKE :prefix', { prefix: `${jurisdictionPrefix(filter.region)}%` });
  }
  // "decided at or before": a date alone covers its whole day in China (kit/scalars.ts), as the case list's `…To`.
  const to = filter.to ? inclusiveEnd(filter.to) : null;
  if (filter.from && to && filter.from.getTime() > to.getTime()) {
    throw badInput('filter.to', 'notBeforeFrom', 'must not be earlier than filter.from');
  }
  if (filter.from) qb.andWhere('c.decided_at >= :from', { from: filter.from });
  if (to) qb.andWhere('c.decided_at <= :to', { to });
  const connection = await keysetPage(qb, { column: 'c.decided_at', timeOf: (row) => row.decidedAt!, ...page });
  // Prime the loader so entity fetches for this page cost no further statements.
  for (const { node } of connection.edges) ctx.loaders.publishedById.prime(node.id, node);
  return connection;
}

/** The fields of every PublishedDecision implementation: only what the law says is public. */
export const publishedDecisionFields = {
  __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.publishedById.load(ref.id),
  agency: (row: CaseIndexRow, _: unknown, ctx: Ctx) => ctx.loaders.agencyByCode.load(row.agencyCode),
  cause: (row: CaseIndexRow) => redactForPublication(row.cause),
  legalBasis: (row: CaseIndexRow) => redactForPublication(row.legalBasis),
  caseNumber: (row: CaseIndexRow) => redactForPublication(row.caseNumber),
};

export const publishedDecisionInterface = {
  ...publishedDecisionFields,
  __resolveType: (row: CaseIndexRow) => {
    const kind = AGENCY_KIND_BY_CASE_TYPE.get(row.caseType);
    return kind ? publishedDecisionType(kind) : null;
  },
};
