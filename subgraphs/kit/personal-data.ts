import type { Identity } from './identity';
import { covers, reachOf, type RowPlace } from './access';
import type { SubgraphContext } from './module';

export type Decision = 'full' | 'masked' | 'denied';

/** Who owns the record a personal value belongs to: the row-level rules look at this. */
export interface Owner { entityId: string; agencyCode: string; region: string }

/**
 * Row-level rule for personal data (个人信息), from the policy alone: a caller whose
 * `personal:read` grant covers the record (own bureau, or region) sees it in full when it states a
 * reason; a caller who may read personal data at all, or holds `personal:masked` over the record,
 * sees it masked; the rest see nothing. The hub's own service identity gets nothing personal.
 */
export function personalDataDecision(identity: Identity, owner: Owner): Decision {
  const place = { units: [owner.agencyCode], region: owner.region };
  if (covers(identity, 'personal:read', place)) return identity.reason ? 'full' : 'masked';
  if (reachOf(identity, 'personal:read') || covers(identity, 'personal:masked', place)) return 'masked';
  return 'denied';
}

/** 320706********1234: region prefix and last four; never the birth date (digits 7–14). */
export function maskIdNumber(value: string): string {
  if (value.length === 18 && /^\d{17}[\dX]$/.test(value)) return `${value.slice(0, 6)}********${value.slice(14)}`;
  // Unified social credit code: first and last four.
  if (value.length === 18) return `${value.slice(0, 4)}**********${value.slice(14)}`;
  return '*'.repeat(value.length);
}

/** 138****5678: three and four digits. */
export function maskPhone(value: string): string {
  return value.length >= 7 ? `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}` : '*'.repeat(value.length);
}

/** Up to the district (区/县), or the city when there is no district. */
export function maskAddress(value: string): string {
  const district = value.search(/[区县旗]/);
  if (district > 0) return value.slice(0, district + 1);
  const city = value.lastIndexOf('市');
  return city > 0 ? value.slice(0, city + 1) : '';
}

/**
 * Classified data (investigation details, informants): only a caller whose grant of `scope` covers
 * the record, and only with a stated purpose; nobody sees a masked form. `place` comes from the
 * resource's row rule.
 */
export function classifiedDecision(identity: Identity, scope: string, place: RowPlace): Decision {
  return covers(identity, scope, place) && identity.reason ? 'full' : 'denied';
}

export interface Release { coordinate: string; entityId: string; decision: Decision }

/** Resolves one personal value under the row rules and notes the release for the audit log. */
export function releasePersonal(ctx: SubgraphContext, coordinate: string, owner: Owner, value: string | null, mask: (v: string) => string): string | null {
  if (value === null || value === undefined) return null;
  const decision = personalDataDecision(ctx.identity, owner);
  ctx.releases.push({ coordinate, entityId: owner.entityId, decision });
  if (decision === 'full') return value;
  if (decision === 'masked') return mask(value);
  return null;
}
