// The row rule of a 案卷评查 (case-file review, seed 003: 健全行政执法案卷管理和评查制度): a review
// belongs to the bureau whose case file was reviewed and to the justice bureau that reviewed it,
// and lies in the bureau's region. The justice bureau reviews the case files of its region and
// reads the reviews there, as does the procuratorate (the results count in the monthly scorecard
// it ranks); a bureau reads the reviews of its own files, no other bureau's.
import type { Identity } from '../../../kit/identity';
import { defineResource, mayAny, mayAnySql } from '../../../kit/access';

export interface CaseFileReviewPlace { agencyCode: string; reviewerUnit: string; region: string }

const OWN_BUREAU = {
  text: 'only the bureau whose case file was reviewed',
  check: (identity: Identity, r: CaseFileReviewPlace) => !!identity.org && identity.org === r.agencyCode,
};

export const caseFileReviewRule = defineResource<CaseFileReviewPlace>({
  resource: 'case-file review',
  placeText: "the reviewed bureau and the reviewing justice bureau; the bureau's region",
  place: (r) => ({ units: [r.agencyCode, r.reviewerUnit], region: r.region }),
  actions: {
    read: { scope: 'supervision:read' },
    readOwn: { scope: 'case:read', when: OWN_BUREAU },
    /** A case file of the caller's jurisdiction (the place is the case's bureau and region). */
    review: { scope: 'justice:review' },
  },
});

export function mayReadReview(identity: Identity, r: CaseFileReviewPlace): boolean {
  return mayAny(identity, caseFileReviewRule, ['read', 'readOwn'], r);
}

/** The read rule (either way in) as SQL on case_file_review under `alias`, for list queries. */
export function reviewReadSql(identity: Identity, alias: string) {
  return mayAnySql(identity, caseFileReviewRule, {
    read: { units: [`${alias}.agency_code`, `${alias}.reviewer_unit`], region: `${alias}.region` },
    readOwn: { units: [`${alias}.agency_code`], region: `${alias}.region`, callerIn: [`${alias}.agency_code`] },
  }, 'reviewRead');
}
