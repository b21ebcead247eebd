// The row rule of a complaint or report from the public (投诉举报, seed 003 三(三) 投诉举报制度 and
// 四: the platform 受理各类行政执法举报、投诉): it belongs to the bureau complained about and to the
// justice bureau that received it, and lies in the bureau's region. The justice bureau of the
// region records and handles it and reads the complainant in full (with a stated reason, as a
// party's values); the procuratorate of the region reads it with the complainant masked; the
// bureau complained about reads the facts and the outcome, never who complained.
import type { Identity } from '../../../kit/identity';
import { defineResource, may, mayAny, mayAnySql } from '../../../kit/access';
import type { Decision } from '../../../kit/personal-data';

export interface ComplaintPlace { agencyCode: string; receivingUnit: string; region: string; anonymous?: boolean }

const OWN_BUREAU = {
  text: 'only the bureau complained about',
  check: (identity: Identity, r: ComplaintPlace) => !!identity.org && identity.org === r.agencyCode,
};
const NOT_THE_BUREAU = {
  text: 'never the bureau complained about',
  check: (identity: Identity, r: ComplaintPlace) => identity.org !== r.agencyCode,
};

export const complaintRule = defineResource<ComplaintPlace>({
  resource: 'complaint',
  placeText: "the bureau complained about and the receiving justice bureau; the bureau's region",
  place: (r) => ({ units: [r.agencyCode, r.receivingUnit], region: r.region }),
  actions: {
    read: { scope: 'supervision:read' },
    readOwn: { scope: 'case:read', when: OWN_BUREAU },
    /** 受理 and 办理: record it, make it a supervision opinion or dismiss it. */
    handle: { scope: 'complaint:handle' },
    /** The complainant in full: the receiving justice bureau, with a stated reason. */
    readComplainant: {
      scope: 'complaint:handle',
      when: { text: 'with a stated reason (X-Access-Reason); never the bureau complained about', check: (identity: Identity, r: ComplaintPlace) => !!identity.reason && NOT_THE_BUREAU.check(identity, r) },
    },
    /** The complainant masked (name's first character, phone 3 + 4 digits), never when anonymous. */
    readComplainantMasked: {
      scope: 'supervision:read',
      when: { text: 'not when anonymous; never the bureau complained about', check: (identity: Identity, r: ComplaintPlace) => !r.anonymous && NOT_THE_BUREAU.check(identity, r) },
    },
  },
});

export function mayReadComplaint(identity: Identity, r: ComplaintPlace): boolean {
  return mayAny(identity, complaintRule, ['read', 'readOwn'], r);
}

/** How much of the complainant's identity the caller gets. */
export function complainantDecision(identity: Identity, r: ComplaintPlace): Decision {
  if (may(identity, complaintRule, 'readComplainant', r)) return 'full';
  if (may(identity, complaintRule, 'readComplainantMasked', r) || may(identity, complaintRule, 'handle', r) && !r.anonymous && NOT_THE_BUREAU.check(identity, r)) return 'masked';
  return 'denied';
}

/** The read rule (either way in) as SQL on complaint under `alias`, for list queries. */
export function complaintReadSql(identity: Identity, alias: string) {
  return mayAnySql(identity, complaintRule, {
    read: { units: [`${alias}.agency_code`, `${alias}.receiving_unit`], region: `${alias}.region` },
    readOwn: { units: [`${alias}.agency_code`], region: `${alias}.region`, callerIn: [`${alias}.agency_code`] },
  }, 'complaintRead');
}
