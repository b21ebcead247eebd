// The row rule of a procuratorial suggestion (检察建议): it belongs to the bureau it is addressed to,
// to the procuratorate that issued it, and to the bureau's region. Procurators and the justice
// bureau read it under supervision:read in their jurisdiction; the addressed bureau reads and
// answers it under suggestion:reply (《人民检察院检察建议工作规定》第十九条: the receiving body replies in writing).
import type { Identity } from '../../../kit/identity';
import { defineResource, mayAny, mayAnySql } from '../../../kit/access';
import type { SuggestionRow } from '../entities';
import { OWN_UNIT } from './supervision-matter';

export type SuggestionPlace = Pick<SuggestionRow, 'agencyCode' | 'procuratorateCode' | 'region'>;

const ADDRESSED_BUREAU = {
  text: 'only the bureau the suggestion is addressed to',
  check: (identity: Identity, s: SuggestionPlace) => !!identity.org && identity.org === s.agencyCode,
};

export const suggestionRule = defineResource<SuggestionPlace>({
  resource: 'suggestion',
  placeText: 'the addressed bureau and the issuing procuratorate; the bureau\'s region',
  place: (s) => ({ units: [s.agencyCode, s.procuratorateCode], region: s.region }),
  actions: {
    read: { scope: 'supervision:read' },
    readAddressed: { scope: 'suggestion:reply', when: ADDRESSED_BUREAU },
    /** To a bureau of the caller's jurisdiction (the place is the bureau's). */
    issue: { scope: 'supervision:write', when: OWN_UNIT },
    reply: { scope: 'suggestion:reply', when: ADDRESSED_BUREAU },
  },
});

/** Whether the caller reads the suggestion, by either way in. */
export function mayReadSuggestion(identity: Identity, s: SuggestionPlace): boolean {
  return mayAny(identity, suggestionRule, ['read', 'readAddressed'], s);
}

/** The read rule (either way in) as SQL on procuratorial_suggestion under `alias`, for list queries. */
export function suggestionReadSql(identity: Identity, alias: string) {
  return mayAnySql(identity, suggestionRule, {
    read: { units: [`${alias}.agency_code`, `${alias}.procuratorate_code`], region: `${alias}.region` },
    readAddressed: { units: [`${alias}.agency_code`], region: `${alias}.region`, callerIn: [`${alias}.agency_code`] },
  }, 'suggestionRead');
}
