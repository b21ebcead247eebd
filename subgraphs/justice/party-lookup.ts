import type { SubgraphContext } from '../kit/module';
import { badInput, forbidden } from '../kit/errors';
import { requirePartyIdentifier, type PartyKind } from '../kit/rules';
import { CaseIndex, type CaseIndexRow } from './entities';
import { partyKey } from './case-events';
import type { JusticeLoaders } from './loaders';

/** Who may match a party across agencies (besides holding `party:lookup`). */
const LOOKUP_ROLES = new Set(['procurator', 'psb_officer']);
/** More cases than any party plausibly has; the list is not paged. */
const MAX_CASES = 500;

/**
 * Query.partyCases: every case of one person or organisation in the index, across agencies and
 * regions. The index never holds the number: the identifier is checked (GB 11643 / GB 32100),
 * normalised and hashed with the index's key, and only the hash is looked up. The lookup itself
 * is a release of personal data: it needs a stated reason (X-Access-Reason), and it is audited
 * with the party key (never the number) as the entity.
 */
export async function partyCases(_: unknown, { identifier, kind }: { identifier: string; kind: PartyKind }, ctx: SubgraphContext<JusticeLoaders>): Promise<CaseIndexRow[]> {
  const { identity } = ctx;
  if (!LOOKUP_ROLES.has(identity.role)) throw forbidden('only public security and procurators may look a party up across agencies');
  // Missing reason: bad input naming the header and the rule, like any other missing input.
  if (!identity.reason?.trim()) throw badInput('X-Access-Reason', 'required', 'a party lookup needs a stated reason (X-Access-Reason header)');
  const normalised = requirePartyIdentifier('identifier', kind, identifier);
  if (!normalised) throw badInput('identifier', 'required', 'must not be empty');
  const key = partyKey(ctx.runtime.env.PARTY_KEY_SECRET!, kind, normalised);
  ctx.releases.push({ coordinate: 'Query.partyCases', entityId: key, decision: 'full' });
  const rows = await ctx.runtime.db.getRepository(CaseIndex).createQueryBuilder('c')
    .where('c.party_key = :key AND c.party_kind = :kind', { key, kind })
    .orderBy('c.decided_at', 'DESC', 'NULLS LAST').addOrderBy('c.recorded_at', 'DESC').addOrderBy('c.id', 'DESC')
    .limit(MAX_CASES).getMany();
  for (const row of rows) ctx.loaders.caseById.prime(row.id, row);
  return rows;
}
