import { monthRange, type BureauMonth } from '../../kit/month';

// 一月一晒绩 (seed 001) grades each bureau on "the number of procuratorial suggestions AND
// supervision opinions received, and how they were rectified" (收到的检察建议和行政执法监督意见的数量及
// 整改落实情况). The opinions (行政执法监督意见书) are justice's own data, so justice counts them on the
// Scorecard it owns, frozen with casesEntered when the month closes (kit/month.ts); the
// procuratorate's score reads them through federation (@requires on score and scoreTerms).
// Each figure counts what happened in the month, so every event belongs to exactly one month.

export interface OpinionFigures {
  /** 行政执法监督意见书 issued to the bureau in the month */
  opinionsReceived: number;
  /** replies the bureau gave in the month */
  opinionsReplied: number;
  /** rectification deadlines that ended in the month (by `now`) without a reply, or with one given late (不予回复) */
  opinionsOverdue: number;
  /** verifications in the month that found the rectification insufficient or not done (不予整改、整改不到位) */
  opinionsNotRectified: number;
}

export const OPINION_MEASURES = ['opinionsReceived', 'opinionsReplied', 'opinionsOverdue', 'opinionsNotRectified'] as const;
/** Justice's figures on the Scorecard beside casesEntered: the opinions, and the case-file reviews (case-file-review.ts). */
export const JUSTICE_SCORECARD_MEASURES = [...OPINION_MEASURES, 'caseFileReviews', 'caseFileReviewsFailed'] as const;

type Db = { query(sql: string, parameters?: unknown[]): Promise<any> };

/** The opinion figures of each bureau-month: one statement for all of them. */
export async function countOpinions(db: Db, keys: readonly BureauMonth[], now: Date): Promise<OpinionFigures[]> {
  const ranges = keys.map((k) => monthRange(k.month)!);
  const rows: { i: number; received: number; replied: number; overdue: number; not_rectified: number }[] = await db.query(
    `SELECT k.i::int AS i,
       count(o.id) FILTER (WHERE o.issued_at >= k.start_at AND o.issued_at < k.end_at)::int AS received,
       count(o.id) FILTER (WHERE o.replied_at >= k.start_at AND o.replied_at < k.end_at)::int AS replied,
       count(o.id) FILTER (WHERE o.rectification_due_at >= k.start_at AND o.rectification_due_at < k.end_at AND o.rectification_due_at < $4
         AND (o.replied_at IS NULL OR o.replied_at > o.rectification_due_at))::int AS overdue,
       count(o.id) FILTER (WHERE o.verified_at >= k.start_at AND o.verified_at < k.end_at AND o.outcome IN ('INSUFFICIENT', 'NOT_RECTIFIED'))::int AS not_rectified
     FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS k(agency_code, start_at, end_at, i)
     LEFT JOIN supervision_opinion o ON o.agency_code = k.agency_code AND o.issued_at < k.end_at
       AND (o.issued_at >= k.start_at OR o.replied_at >= k.start_at OR o.rectification_due_at >= k.start_at OR o.verified_at >= k.start_at)
     GROUP BY k.i`,
    [keys.map((k) => k.agencyCode), ranges.map((r) => r.start), ranges.map((r) => r.end), now]);
  const byIndex = new Map(rows.map((r) => [r.i, r]));
  return keys.map((_, i) => {
    const r = byIndex.get(i + 1);
    return { opinionsReceived: r?.received ?? 0, opinionsReplied: r?.replied ?? 0, opinionsOverdue: r?.overdue ?? 0, opinionsNotRectified: r?.not_rectified ?? 0 };
  });
}

/** The SDL of the opinion figures on justice's Scorecard. */
export const SCORECARD_OPINION_FIELDS = `
  "行政执法监督意见书 issued to the bureau that month; null for a month frozen before the hub counted opinions"
  opinionsReceived: Int
  "replies the bureau gave to opinions that month"
  opinionsReplied: Int
  "rectification deadlines of opinions that ended that month without a reply (不予回复)"
  opinionsOverdue: Int
  "opinions the justice bureau verified that month as rectified insufficiently or not at all (不予整改、整改不到位)"
  opinionsNotRectified: Int
  "案卷评查: case files of the bureau the justice bureau reviewed that month (case-file-review.ts)"
  caseFileReviews: Int
  "of those, the files that scored below the checklist's pass mark"
  caseFileReviewsFailed: Int`;
