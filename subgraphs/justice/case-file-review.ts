import { randomUUID } from 'node:crypto';
import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { keysetPageSql } from '../../kit/cursor';
import { isUuid, perRequest, uuidLoader } from '../../kit/loaders';
import { may, requireScope } from '../../kit/access';
import { monthRange, type BureauMonth } from '../../kit/month';
import { optionalText, requireText, Violations } from '../../kit/rules';
import { readRuleFile } from '../../kit/versioned-rules';
import type { JusticeLoaders } from './loaders';
import { readableCase } from './cases';
import { caseFileReviewRule, mayReadReview, reviewReadSql } from './resources/case-file-review';

// 案卷评查 (seed 003 三(三): 健全行政执法案卷管理和评查制度): a reviewer of the justice bureau scores a
// case file of its region against the checklist of schema/case-file-review.json (each item cites
// the article of 《行政处罚法》 it checks; the points are the hub's, verified:false), records a
// finding per item, and the file passes at the checklist's pass mark. A bureau reads the reviews
// of its own files; the failed reviews of a month count in the scorecard (caseFileReviewsFailed,
// schema/scorecard.json), the way seed 001 grades bureaus on the supervision they received.

type Ctx = SubgraphContext<JusticeLoaders>;

export interface ChecklistItem { code: string; points: number; title: string; citation: string }
export interface Checklist { id: string; citation: string; verified: boolean; passMark: number; items: ChecklistItem[] }

function readChecklist(): Checklist {
  const data = readRuleFile('case-file-review.json') as Checklist;
  const total = data.items.reduce((sum, item) => sum + item.points, 0);
  if (!data.id || !data.citation || !(data.passMark > 0 && data.passMark <= total)) throw new Error('schema/case-file-review.json: id, citation and a pass mark within the total are required');
  for (const item of data.items) {
    if (!/^[A-Z_]+$/.test(item.code) || !(item.points > 0) || !item.citation) throw new Error(`schema/case-file-review.json: item ${item.code} needs a code, positive points and a citation`);
  }
  if (new Set(data.items.map((i) => i.code)).size !== data.items.length) throw new Error('schema/case-file-review.json: item codes must be unique');
  return data;
}

export const CHECKLIST: Checklist = readChecklist();
const MAX_SCORE = CHECKLIST.items.reduce((sum, item) => sum + item.points, 0);

export interface Finding { item: string; score: number; points: number; finding: string | null }
export interface CaseFileReviewRow {
  id: string; caseId: string; agencyCode: string; region: string; reviewerUnit: string; reviewedAt: Date;
  checklist: string; score: number; maxScore: number; passed: boolean; findings: Finding[];
}

const COLUMNS = `id, case_id AS "caseId", agency_code AS "agencyCode", region, reviewer_unit AS "reviewerUnit", reviewed_at AS "reviewedAt",
  checklist, score::float8 AS score, max_score::float8 AS "maxScore", passed, findings`;

const reviewsOf = perRequest((runtime: SubgraphRuntime) =>
  uuidLoader<CaseFileReviewRow>((ids) => runtime.db.query(`SELECT ${COLUMNS} FROM case_file_review WHERE id = ANY($1)`, [ids]), (r) => r.id));

const visible = (ctx: Ctx, row: CaseFileReviewRow | null) => (row && mayReadReview(ctx.identity, row) ? row : null);

interface FindingInput { item: string; score: number; finding?: string | null }

/** Every broken rule of the findings at once: each item of the checklist scored once, within its points; a deduction says why. */
function checkFindings(v: Violations, findings: FindingInput[]): Finding[] {
  const byCode = new Map(CHECKLIST.items.map((i) => [i.code, i]));
  const seen = new Set<string>();
  const out: Finding[] = [];
  findings.forEach((f, i) => {
    const field = `input.findings[${i}]`;
    const item = byCode.get(f.item);
    if (!item) { v.add(`${field}.item`, 'oneOf', `${f.item} is not an item of checklist ${CHECKLIST.id}`); return; }
    if (seen.has(item.code)) { v.add(`${field}.item`, 'unique', `${item.code} is scored twice`); return; }
    seen.add(item.code);
    if (!(Number.isFinite(f.score) && f.score >= 0 && f.score <= item.points)) v.add(`${field}.score`, 'range', `must be from 0 to ${item.points} (${item.code})`);
    const text = v.check(() => optionalText(`${field}.finding`, f.finding, 2000), null);
    // 扣分须说明理由: a finding for every point deducted, so the bureau knows what to correct.
    if (f.score < item.points && !text) v.add(`${field}.finding`, 'required', `must say what is wrong where ${item.code} loses points`);
    out.push({ item: item.code, score: f.score, points: item.points, finding: text });
  });
  const missing = CHECKLIST.items.filter((i) => !seen.has(i.code)).map((i) => i.code);
  if (missing.length) v.add('input.findings', 'required', `must score every item of checklist ${CHECKLIST.id}; missing: ${missing.join(', ')}`);
  return out;
}

export const caseFileReviewMutations = {
  /** 案卷评查 of one case file of the caller's region; every broken rule of the input at once, one row written. */
  async reviewCaseFile(_: unknown, { input }: { input: { caseId: string; findings: FindingInput[] } }, ctx: Ctx) {
    const { identity, runtime } = ctx;
    requireScope(identity, caseFileReviewRule.actions.review.scope, 'review a case file');
    const v = new Violations();
    const reviewerUnit = identity.org ?? `user:${identity.sub}`;
    const indexed = isUuid(input.caseId) ? await readableCase(ctx, input.caseId) : null;
    // A case the reviewer may not read is answered like one of another region: its existence is not told.
    if (!indexed || !may(identity, caseFileReviewRule, 'review', { agencyCode: indexed.agencyCode, reviewerUnit, region: indexed.region })) {
      v.add('input.caseId', 'jurisdiction', `no case ${input.caseId} of your jurisdiction in the case index`);
    }
    const findings = checkFindings(v, Array.isArray(input.findings) ? input.findings : []);
    v.throwIfAny();
    const score = findings.reduce((sum, f) => sum + f.score, 0);
    const [row]: CaseFileReviewRow[] = await runtime.db.query(`
      INSERT INTO case_file_review (id, case_id, agency_code, region, reviewer_unit, reviewed_by, reviewed_at, checklist, score, max_score, passed, findings)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${COLUMNS}`,
    [randomUUID(), indexed!.id, indexed!.agencyCode, indexed!.region, reviewerUnit, identity.sub, runtime.now(), CHECKLIST.id, score, MAX_SCORE,
      score >= CHECKLIST.passMark, JSON.stringify(findings)]);
    reviewsOf(ctx).prime(row.id, row);
    return row;
  },
};

export const caseFileReviewQueries = {
  caseFileChecklist: () => CHECKLIST,
  caseFileReview: async (_: unknown, { id }: { id: string }, ctx: Ctx) => (isUuid(id) ? visible(ctx, await reviewsOf(ctx).load(id)) : null),

  /** The reviews the caller may read, newest first. */
  async caseFileReviews(_: unknown, args: { agencyCode?: string | null; passed?: boolean | null; first?: number | null; after?: string | null; last?: number | null; before?: string | null }, ctx: Ctx) {
    const params: unknown[] = [];
    const rule = reviewReadSql(ctx.identity, 'r');
    const where = [rule.sql.replace(/:(\w+)/g, (_, name: string) => { params.push(rule.params[name]); return `$${params.length}`; })];
    if (args.agencyCode) { params.push(args.agencyCode); where.push(`r.agency_code = $${params.length}`); }
    if (args.passed !== null && args.passed !== undefined) { params.push(args.passed); where.push(`r.passed = $${params.length}`); }
    const connection = await keysetPageSql<CaseFileReviewRow>(params, { column: 'r.reviewed_at', idColumn: 'r.id', timeOf: (row) => row.reviewedAt, first: args.first, after: args.after, last: args.last, before: args.before },
      (page) => ctx.runtime.db.query(`SELECT ${COLUMNS} FROM case_file_review r WHERE ${where.join(' AND ')} AND ${page.where} ${page.orderLimit}`, params));
    // The SQL applied the row rule; the rule in code is checked again on every row (defense in depth).
    const edges = connection.edges.filter((edge) => mayReadReview(ctx.identity, edge.node));
    for (const { node } of edges) reviewsOf(ctx).prime(node.id, node);
    return { ...connection, edges };
  },
};

export const caseFileReviewFields = {
  agency: (row: CaseFileReviewRow, _: unknown, ctx: Ctx) => ctx.loaders.agencyByCode.load(row.agencyCode),
  case: (row: CaseFileReviewRow, _: unknown, ctx: Ctx) => readableCase(ctx, row.caseId),
};

/** The scorecard's review figures of each bureau-month (reviewed_at in the month): one statement. */
export async function countCaseFileReviews(db: { query(sql: string, parameters?: unknown[]): Promise<any> }, keys: readonly BureauMonth[]):
  Promise<{ caseFileReviews: number; caseFileReviewsFailed: number }[]> {
  const ranges = keys.map((k) => monthRange(k.month)!);
  const rows: { i: number; reviewed: number; failed: number }[] = await db.query(
    `SELECT k.i::int AS i, count(r.id)::int AS reviewed, count(r.id) FILTER (WHERE NOT r.passed)::int AS failed
     FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS k(agency_code, start_at, end_at, i)
     LEFT JOIN case_file_review r ON r.agency_code = k.agency_code AND r.reviewed_at >= k.start_at AND r.reviewed_at < k.end_at
     GROUP BY k.i`,
    [keys.map((k) => k.agencyCode), ranges.map((r) => r.start), ranges.map((r) => r.end)]);
  const byIndex = new Map(rows.map((r) => [r.i, r]));
  return keys.map((_, i) => ({ caseFileReviews: byIndex.get(i + 1)?.reviewed ?? 0, caseFileReviewsFailed: byIndex.get(i + 1)?.failed ?? 0 }));
}

const REVIEW_ACCESS = '@requiresScopes(scopes: [["supervision:read"], ["case:read"]])';

/** Justice's SDL for 案卷评查 (included in schema.ts). */
export const CASE_FILE_REVIEW_SDL = `
"""One item of the 案卷评查 checklist (schema/case-file-review.json): what is checked, the article it checks, its points."""
type CaseFileChecklistItem { code: String! title: String! citation: String! points: Float! }

"""The 案卷评查 checklist as data; verified:false while the points are the hub's own (seed 003 gives none)."""
type CaseFileChecklist { id: String! citation: String! verified: Boolean! passMark: Float! items: [CaseFileChecklistItem!]! }

"""The reviewer's score and finding on one checklist item."""
type CaseFileFinding { item: String! score: Float! points: Float! finding: String }

"""
案卷评查 (seed 003): a justice bureau's review of one case file against the checklist; the file
passes at the checklist's pass mark. Read by the justice bureau and the procuratorate of the
region, and by the bureau whose file it is.
"""
type CaseFileReview ${REVIEW_ACCESS} {
  id: ID!
  "the reviewed case (null if the caller may not read it)"
  case: EnforcementCase
  "the bureau whose case file was reviewed"
  agency: Agency
  region: String!
  reviewedAt: DateTime!
  "the checklist id the review was scored with"
  checklist: String!
  score: Float!
  maxScore: Float!
  passed: Boolean!
  findings: [CaseFileFinding!]!
}

type CaseFileReviewEdge { cursor: String! node: CaseFileReview }
type CaseFileReviewConnection { edges: [CaseFileReviewEdge!]! pageInfo: PageInfo! }

input CaseFileFindingInput {
  "a checklist item code"
  item: String!
  "from 0 to the item's points"
  score: Float!
  "what is wrong; required where the item loses points"
  finding: String
}

input CaseFileReviewInput { caseId: ID! findings: [CaseFileFindingInput!]! }

extend type Query {
  "the 案卷评查 checklist in force"
  caseFileChecklist: CaseFileChecklist ${REVIEW_ACCESS}
  caseFileReview(id: ID!): CaseFileReview ${REVIEW_ACCESS}
  "the reviews the caller reads, newest first; passed: false lists the failed ones"
  caseFileReviews(agencyCode: String, passed: Boolean, first: Int, after: String, last: Int, before: String): CaseFileReviewConnection ${REVIEW_ACCESS}
}

extend type Mutation {
  "案卷评查 of a case file of the caller's region: every checklist item scored; all broken rules at once"
  reviewCaseFile(input: CaseFileReviewInput!): CaseFileReview @requiresScopes(scopes: [["justice:review"]])
}
`;
