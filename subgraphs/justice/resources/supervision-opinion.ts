// The row rule of a 行政执法监督意见书 (a supervision opinion of the justice bureau to an
// enforcement bureau, domain.md §7; 《行政执法监督条例》 国务院令第825号): it belongs to the bureau it is
// addressed to and to the justice bureau that issued it, and lies in the bureau's region. The
// justice bureau and the procuratorate (notified of every opinion, seed 001 双向通报) read it
// within their region; the addressed bureau reads and answers it; the justice bureau of the
// region issues it and verifies the rectification.
import type { Identity } from '../../../kit/identity';
import { defineResource, mayAny, mayAnySql } from '../../../kit/access';

export interface SupervisionOpinionPlace { agencyCode: string; issuingUnit: string; region: string }

const ADDRESSED_BUREAU = {
  text: 'only the bureau the opinion is addressed to',
  check: (identity: Identity, o: SupervisionOpinionPlace) => !!identity.org && identity.org === o.agencyCode,
};

export const supervisionOpinionRule = defineResource<SupervisionOpinionPlace>({
  resource: 'supervision opinion',
  placeText: "the addressed bureau and the issuing justice bureau; the bureau's region",
  place: (o) => ({ units: [o.agencyCode, o.issuingUnit], region: o.region }),
  actions: {
    read: { scope: 'supervision:read' },
    readAddressed: { scope: 'suggestion:reply', when: ADDRESSED_BUREAU },
    /** To a bureau of the caller's jurisdiction (the place is the bureau's). */
    issue: { scope: 'justice:supervise' },
    reply: { scope: 'suggestion:reply', when: ADDRESSED_BUREAU },
    verify: { scope: 'justice:supervise' },
  },
});

/** Whether the caller reads the opinion, by either way in. */
export function mayReadOpinion(identity: Identity, o: SupervisionOpinionPlace): boolean {
  return mayAny(identity, supervisionOpinionRule, ['read', 'readAddressed'], o);
}

/** The read rule (either way in) as SQL on supervision_opinion under `alias`, for list queries. */
export function opinionReadSql(identity: Identity, alias: string) {
  return mayAnySql(identity, supervisionOpinionRule, {
    read: { units: [`${alias}.agency_code`, `${alias}.issuing_unit`], region: `${alias}.region` },
    readAddressed: { units: [`${alias}.agency_code`], region: `${alias}.region`, callerIn: [`${alias}.agency_code`] },
  }, 'opinionRead');
}
