import type { Identity } from './identity';
import { covers, may, reachOf, type RowPlace } from './access';
import type { SubgraphContext } from './module';
import { partyRule, type PartyPlace } from './resources/party';

export type Decision = 'full' | 'masked' | 'denied';

/** Who owns the record a personal value belongs to: the party rule (resources/party.ts) looks at this. */
export type Owner = PartyPlace;

/**
 * Row-level rule for personal data (个人信息), from the policy and the party rule alone: a caller
 * whose `personal:read` grant covers the case (own bureau, or region) sees it in full when it
 * states a reason; a caller who may read personal data at all, or holds `personal:masked` over
 * the case, sees it masked; the rest see nothing. The owners' machine identity gets nothing personal.
 */
export function personalDataDecision(identity: Identity, owner: Owner): Decision {
  if (may(identity, partyRule, 'read', owner)) return 'full';
  if (reachOf(identity, 'personal:read') || may(identity, partyRule, 'readMasked', owner)) return 'masked';
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

// Address masking (domain brief: an address shows no more than the district). An address is read
// as province, then a city or prefecture (市, 自治州, 盟, 地区), then a county-level district
// (区, 县, 旗, or a county-level 市). A 区 that names an estate or a zone (小区, 社区, 园区, 开发区, …)
// is not a district, and a part with a house number or a street word is never shown.
const CJK = '\\u4e00-\\u9fa5';
const PROVINCE = new RegExp(`^[${CJK}]{1,8}?(?:省|自治区|特别行政区)`);
const CITY = new RegExp(`^[${CJK}]{1,12}?(?:市|自治州|盟|地区)`);
const DISTRICT = new RegExp(`^[${CJK}]{1,10}?(?:区|县|旗)`);
const COUNTY_CITY = new RegExp(`^[${CJK}]{1,10}?市`);
/** Words of a place below the district: streets, villages, buildings. */
const BELOW_DISTRICT = /[路街道巷弄号村镇乡组栋楼室院]/;
/** Zones and estates that end in 区 but are not administrative districts. */
const NOT_A_DISTRICT = /(?:小区|社区|园区|开发区|工业区|高新区|景区|校区|厂区|矿区|营区|住宅区|商业区|保税区|示范区|试验区|功能区|片区|街区)$/;

function districtAt(rest: string): string {
  for (const pattern of [DISTRICT, COUNTY_CITY]) {
    const part = pattern.exec(rest)?.[0];
    if (part && !BELOW_DISTRICT.test(part) && !NOT_A_DISTRICT.test(part)) return part;
  }
  return '';
}

/** Up to the administrative district; else the city; else the province; never the street. */
export function maskAddress(value: string): string {
  const text = value.normalize('NFKC').replace(/\s+/g, '');
  const province = PROVINCE.exec(text)?.[0] ?? '';
  const afterProvince = text.slice(province.length);
  const city = CITY.exec(afterProvince)?.[0];
  if (!city || BELOW_DISTRICT.test(city)) return province;
  return province + city + districtAt(afterProvince.slice(city.length));
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

/**
 * releasePersonal for a value sealed at rest (kit/at-rest.ts): the row rule decides first and the
 * release is recorded; the value is opened only when something of it is released (in full or
 * masked), never for a caller who gets nothing.
 */
export async function releaseSealed(ctx: SubgraphContext, coordinate: string, owner: Owner, sealed: string | null, open: (sealed: string) => Promise<string | null>, mask: (v: string) => string): Promise<string | null> {
  if (sealed === null || sealed === undefined) return null;
  const decision = personalDataDecision(ctx.identity, owner);
  ctx.releases.push({ coordinate, entityId: owner.entityId, decision });
  if (decision === 'denied') return null;
  const value = await open(sealed);
  if (value === null) return null;
  return decision === 'full' ? value : mask(value);
}
