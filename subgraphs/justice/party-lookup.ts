import type { SubgraphContext } from '../../kit/module';
import { badInput } from '../../kit/errors';
import { mayFilter, requireScope, rowFilterSql } from '../../kit/access';
import { requirePartyIdentifier, type PartyKind } from '../../kit/rules';
import { partyRule } from '../../kit/resources/party';
import { caseReadSql } from '../../kit/resources/case';
import { CaseIndex, type CaseIndexRow } from './entities';
import { partyRefOf } from './party-refs';
import { lookupLimits, rateLimited, takeLookup } from './lookup-quota';
import type { JusticeLoaders } from './loaders';

/** More cases than any party plausibly has; the list is not paged. */
const MAX_CASES = 500;

/** The requests that have made their one lookup already (one per request, however many aliases). */
const looked = new WeakSet<object>();

/**
 * Query.partyCases: the cases of one person or organisation in the index, across agencies, where
 * the caller's party:lookup grant covers the case (public security and procurators: their region).
 * The index never holds the number: the identifier is checked (GB 11643 / GB 32100), normalised
 * and turned into its party reference (an OPRF under justice's key), and only that is looked up. The lookup itself is a release
 * of personal data: it needs a stated reason, and it is audited with the party key (never the
 * number) as the entity.
 *
 * Lookups are not an oracle (issue 8): one lookup per request, a rate and a daily quota per
 * caller (lookup-quota.ts). Over the limit the answer is RATE_LIMITED, nothing is looked up, and
 * the refusal goes to the audit log (decision denied, entity `rate-limit:<period>`) so auditors see
 * the burst.
 */
export async function partyCases(_: unknown, { identifier, kind }: { identifier: string; kind: PartyKind }, ctx: SubgraphContext<JusticeLoaders>): Promise<CaseIndexRow[]> {
  const { identity } = ctx;
  requireScope(identity, 'party:lookup', 'a party lookup');
  // Missing reason: bad input naming the header and the rule, like any other missing input.
  if (!identity.reason?.trim()) throw badInput('X-Access-Reason', 'required', 'a party lookup needs a stated reason (X-Access-Reason header)');
  const normalised = requirePartyIdentifier('identifier', kind, identifier, ctx.runtime.now());
  if (!normalised) throw badInput('identifier', 'required', 'must not be empty');

  const request = ctx.loaders ?? ctx;
  if (looked.has(request)) {
    ctx.releases.push({ coordinate: 'Query.partyCases', entityId: 'rate-limit:request', decision: 'denied' });
    throw rateLimited('request', 1, 0);
  }
  looked.add(request);
  const taken = await takeLookup(ctx.runtime, `${identity.sub}`, lookupLimits(ctx.runtime.env));
  if (!taken.ok) {
    ctx.releases.push({ coordinate: 'Query.partyCases', entityId: `rate-limit:${taken.period}`, decision: 'denied' });
    throw rateLimited(taken.period, taken.limit, taken.retryAfterSeconds);
  }

  // The reference under justice's OPRF key (party-refs.ts): the same function the agencies' blinded
  // references are, so the index matches them. (The number still reaches justice here, from the
  // gateway: blinding it on the caller's side is the next step of issue 17.)
  const key = partyRefOf(ctx.runtime, kind, normalised);
  ctx.releases.push({ coordinate: 'Query.partyCases', entityId: key, decision: 'full' });
  // Only the cases the caller's party:lookup grant covers, and that the case rule lets it read.
  const lookup = rowFilterSql(mayFilter(identity, partyRule, 'lookup'), { units: ['c.agency_code'], region: 'c.region' }, 'lookup');
  const read = caseReadSql(identity, { agencyCode: 'c.agency_code', region: 'c.region' });
  const rows = await ctx.runtime.db.getRepository(CaseIndex).createQueryBuilder('c')
    .where('c.party_key = :key AND c.party_kind = :kind', { key, kind })
    .andWhere(lookup.sql, lookup.params)
    .andWhere(read.sql, read.params)
    .orderBy('c.decided_at', 'DESC', 'NULLS LAST').addOrderBy('c.recorded_at', 'DESC').addOrderBy('c.id', 'DESC')
    .limit(MAX_CASES).getMany();
  for (const row of rows) ctx.loaders.caseById.prime(row.id, row);
  return rows;
}
