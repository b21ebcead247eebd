import type { SubgraphContext } from '../../kit/module';
import { badInput } from '../../kit/errors';
import { mayFilter, requireScope, rowFilterSql } from '../../kit/access';
import type { PartyKind } from '../../kit/rules';
import { partyRule } from '../../kit/resources/party';
import { caseReadSql } from '../../kit/resources/case';
import { ELEMENT_BYTES, evaluateBlinded, PARTY_REF } from '../../kit/crypto/oprf';
import { log } from '../../kit/log';
import { CaseIndex, type CaseIndexRow } from './entities';
import { partyRefKey } from './party-refs';
import { lookupLimits, rateLimited, takeLookup } from './lookup-quota';
import type { JusticeLoaders } from './loaders';

/** More cases than any party plausibly has; the list is not paged. */
const MAX_CASES = 500;

const ELEMENT = new RegExp(`^[0-9a-f]{${ELEMENT_BYTES * 2}}$`);

/** The requests that have made their one lookup (or evaluation) already, however many aliases. */
const looked = new WeakSet<object>();

// A party lookup is blinded (issue 17; docs/party-references.md "Lookups"): justice never receives
// the number a procurator or public-security officer typed. The gateway checks it (GB 11643 /
// GB 32100), normalises and blinds it, and makes two requests here with the caller's identity:
//   1. Query.partyRefEvaluation(blinded): the OPRF evaluation of the blinded element and its
//      proof. THIS is the lookup that counts: whoever gets evaluations can compute the reference
//      of any number it guesses, so each one takes from the caller's lookup limit.
//   2. Query.partyCases(identifier: <the reference>, kind): the cases by the reference the gateway
//      unblinded after checking the proof against justice's pinned public key.
// Clients keep `partyCases(identifier, kind)` with the number; between the gateway and justice
// the argument carries the reference (64 hex digits), and justice refuses anything else.
// 个人信息保护法 第51条 (去标识化 as a security measure), 第73条.

/** Scope and reason, as every party lookup needs them; then one lookup per request. */
function admitLookup(ctx: SubgraphContext<JusticeLoaders>): void {
  const { identity } = ctx;
  requireScope(identity, 'party:lookup', 'a party lookup');
  // Missing reason: bad input naming the header and the rule, like any other missing input.
  if (!identity.reason?.trim()) throw badInput('X-Access-Reason', 'required', 'a party lookup needs a stated reason (X-Access-Reason header)');
  const request = ctx.loaders ?? ctx;
  if (looked.has(request)) {
    ctx.releases.push({ coordinate: 'Query.partyCases', entityId: 'rate-limit:request', decision: 'denied' });
    throw rateLimited('request', 1, 0);
  }
  looked.add(request);
}

/**
 * Query.partyRefEvaluation: the gateway's first step of a lookup. Lookups are not an oracle
 * (issue 8): one per request, a rate and a daily quota per caller (lookup-quota.ts), taken here,
 * by the caller (the person, never the gateway). Over the limit the answer is RATE_LIMITED,
 * nothing is evaluated, and the refusal goes to the audit log (decision denied, entity
 * `rate-limit:<period>`) so auditors see the burst. An evaluation is audited with the caller and
 * the key id (`evaluation:<keyId>`): justice has no number to name, and names none.
 */
export async function partyRefEvaluation(_: unknown, { blinded }: { blinded: string }, ctx: SubgraphContext<JusticeLoaders>): Promise<{ keyId: string; evaluated: string; proof: string }> {
  admitLookup(ctx);
  if (typeof blinded !== 'string' || !ELEMENT.test(blinded)) throw badInput('blinded', 'blindedElement', `must be a compressed P-256 point, ${ELEMENT_BYTES * 2} lowercase hex digits`);
  const caller = `${ctx.identity.sub}`;
  const taken = await takeLookup(ctx.runtime, caller, lookupLimits(ctx.runtime.env));
  if (!taken.ok) {
    ctx.releases.push({ coordinate: 'Query.partyCases', entityId: `rate-limit:${taken.period}`, decision: 'denied' });
    throw rateLimited(taken.period, taken.limit, taken.retryAfterSeconds);
  }
  let answer;
  try {
    answer = evaluateBlinded(partyRefKey(ctx.runtime), [blinded]);
  } catch {
    throw badInput('blinded', 'blindedElement', 'is not a point of the group');
  }
  ctx.releases.push({ coordinate: 'Query.partyCases', entityId: `evaluation:${answer.keyId}`, decision: 'full' });
  log.info('party lookup evaluated', { caller, keyId: answer.keyId });
  return { keyId: answer.keyId, evaluated: answer.evaluated[0], proof: answer.proof };
}

/**
 * Query.partyCases: the cases of one person or organisation in the index, across agencies, where
 * the caller's party:lookup grant covers the case (public security and procurators: their region).
 * `identifier` is the party reference the gateway unblinded (step 2 above): the index never holds
 * a number, and justice never receives one; a number here is refused and not logged. The lookup is
 * a release of personal data: it needs a stated reason, and it is audited with the reference as
 * the entity. Its quota was taken by the evaluation; one lookup per request still holds.
 */
export async function partyCases(_: unknown, { identifier, kind }: { identifier: string; kind: PartyKind }, ctx: SubgraphContext<JusticeLoaders>): Promise<CaseIndexRow[]> {
  const { identity } = ctx;
  requireScope(identity, 'party:lookup', 'a party lookup');
  if (!identity.reason?.trim()) throw badInput('X-Access-Reason', 'required', 'a party lookup needs a stated reason (X-Access-Reason header)');
  if (typeof identifier !== 'string' || !PARTY_REF.test(identifier)) {
    throw badInput('identifier', 'partyRef', 'justice takes the party reference the gateway made by blinding (64 hex digits), never a number');
  }
  admitLookup(ctx);
  const key = identifier;
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
