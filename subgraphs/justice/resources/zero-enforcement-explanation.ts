// The row rule of a 零执法说明 (seed 003 三(三): 零执法说明制度): the explanation belongs to the
// bureau that enforced nothing in the month, and lies in its region. The bureau files it for
// itself; the justice bureau of the region reviews it (accepts or asks again) and reads it, as
// does the procuratorate, which ranks the month; no other bureau reads it.
import type { Identity } from '../../../kit/identity';
import { defineResource, mayAny, mayAnySql } from '../../../kit/access';

export interface ZeroEnforcementPlace { agencyCode: string; region: string }

const OWN_BUREAU = {
  text: 'only the bureau the explanation is of',
  check: (identity: Identity, r: ZeroEnforcementPlace) => !!identity.org && identity.org === r.agencyCode,
};

export const zeroEnforcementExplanationRule = defineResource<ZeroEnforcementPlace>({
  resource: 'zero-enforcement explanation',
  placeText: "the bureau; the bureau's region",
  place: (r) => ({ units: [r.agencyCode], region: r.region }),
  actions: {
    read: { scope: 'supervision:read' },
    readOwn: { scope: 'case:read', when: OWN_BUREAU },
    file: { scope: 'scorecard:explain', when: OWN_BUREAU },
    review: { scope: 'justice:review' },
  },
});

export function mayReadExplanation(identity: Identity, r: ZeroEnforcementPlace): boolean {
  return mayAny(identity, zeroEnforcementExplanationRule, ['read', 'readOwn'], r);
}

/** The read rule (either way in) as SQL on zero_enforcement_explanation under `alias`, for list queries. */
export function explanationReadSql(identity: Identity, alias: string) {
  return mayAnySql(identity, zeroEnforcementExplanationRule, {
    read: { units: [`${alias}.agency_code`], region: `${alias}.region` },
    readOwn: { units: [`${alias}.agency_code`], region: `${alias}.region`, callerIn: [`${alias}.agency_code`] },
  }, 'explanationRead');
}
