import { randomUUID } from 'node:crypto';
import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { keysetPageSql } from '../../kit/cursor';
import { guardedUpdate } from '../../kit/guarded-update';
import { isUuid, perRequest, uuidLoader } from '../../kit/loaders';
import { requireMay, requireScope } from '../../kit/access';
import { badInput, notFound } from '../../kit/errors';
import { monthClosed, monthRange, scorecardKey } from '../../kit/month';
import { requireText, Violations } from '../../kit/rules';
import type { JusticeLoaders } from './loaders';
import { explanationReadSql, mayReadExplanation, zeroEnforcementExplanationRule } from './resources/zero-enforcement-explanation';

// 零执法说明 (seed 003 三(三): 健全……零执法说明制度): a bureau that entered no case in a month (flagged
// 零执法 on its scorecard, subgraphs/justice/scorecard.ts) explains why; the justice bureau of the
// region accepts the explanation or returns it asking again, and the bureau may then file anew.
// The scorecard shows whether an explanation was given and accepted. The month must have closed:
// only a closed month's 零执法 is final (its casesEntered frozen, kit/month.ts). The seed sets no
// period for filing, so the hub sets none.

type Ctx = SubgraphContext<JusticeLoaders>;
export type ExplanationStatus = 'FILED' | 'ACCEPTED' | 'RETURNED';

export interface ExplanationRow {
  id: string; agencyCode: string; region: string; month: string; explanation: string; filedAt: Date; status: ExplanationStatus;
  reviewNote: string | null; reviewedAt: Date | null;
}

const COLUMNS = `id, agency_code AS "agencyCode", region, month, explanation, filed_at AS "filedAt", status, review_note AS "reviewNote", reviewed_at AS "reviewedAt"`;

const explanationsOf = perRequest((runtime: SubgraphRuntime) =>
  uuidLoader<ExplanationRow>((ids) => runtime.db.query(`SELECT ${COLUMNS} FROM zero_enforcement_explanation WHERE id = ANY($1)`, [ids]), (r) => r.id));

const visible = (ctx: Ctx, row: ExplanationRow | null) => (row && mayReadExplanation(ctx.identity, row) ? row : null);

export const zeroEnforcementMutations = {
  /** The caller's bureau explains a closed month in which it entered no case; again after the justice bureau returned it. */
  async fileZeroEnforcementExplanation(_: unknown, { month, explanation }: { month: string; explanation: string }, ctx: Ctx) {
    const { identity, runtime } = ctx;
    requireScope(identity, zeroEnforcementExplanationRule.actions.file.scope, 'file a 零执法说明');
    const now = runtime.now();
    const v = new Violations();
    const text = v.check(() => requireText('explanation', explanation, 5000), '');
    const range = monthRange(month);
    if (!range) v.add('month', 'month', "must be a month 'YYYY-MM'");
    else if (!monthClosed(range, now)) v.add('month', 'monthClosed', 'must be a month that has ended: its 零执法 is final only then');
    const bureau = identity.org ? await ctx.loaders.agencyByCode.load(identity.org) : null;
    if (!bureau) throw badInput('month', 'exists', 'your unit is not a bureau of the directory');
    const place = { agencyCode: bureau.code, region: bureau.region };
    requireMay(identity, zeroEnforcementExplanationRule, 'file', place);
    if (range && monthClosed(range, now)) {
      const figures = await ctx.loaders.indexFigures.load(scorecardKey(bureau.code, month));
      if (!(figures instanceof Error) && figures.figures.casesEntered > 0) {
        v.add('month', 'zeroEnforcementMonth', `your bureau entered ${figures.figures.casesEntered} case(s) in ${month}: nothing to explain`);
      }
    }
    v.throwIfAny();
    return runtime.db.transaction(async (tx) => {
      const [inserted]: ExplanationRow[] = await tx.query(`
        INSERT INTO zero_enforcement_explanation (id, agency_code, region, month, explanation, filed_at, filed_by, status)
        VALUES ($1, $2, $3, $4, $5, $6, $7, 'FILED') ON CONFLICT (agency_code, month) DO NOTHING RETURNING ${COLUMNS}`,
      [randomUUID(), bureau.code, bureau.region, month, text, now, identity.sub]);
      if (inserted) return inserted;
      // Filed before: anew only after the justice bureau returned it.
      const [{ id }]: { id: string }[] = await tx.query(`SELECT id FROM zero_enforcement_explanation WHERE agency_code = $1 AND month = $2`, [bureau.code, month]);
      return guardedUpdate<ExplanationRow>(tx, {
        table: 'zero_enforcement_explanation', id, expect: { status: 'RETURNED' }, returning: COLUMNS,
        set: { status: 'FILED', explanation: text, filed_at: now, filed_by: identity.sub, review_note: null, reviewed_at: null, reviewed_by: null },
      }, { type: 'ZeroEnforcementExplanation', conflict: (current) => `the 零执法说明 of ${month} is ${current.status}: file again only after it is returned` });
    });
  },

  /** The justice bureau accepts a filed explanation, or returns it with what is missing (要求重新说明). */
  async reviewZeroEnforcementExplanation(_: unknown, { id, accept, note }: { id: string; accept: boolean; note?: string | null }, ctx: Ctx) {
    const { identity, runtime } = ctx;
    requireScope(identity, zeroEnforcementExplanationRule.actions.review.scope, 'review a 零执法说明');
    if (!isUuid(id)) throw badInput('id', 'uuid', 'is not an explanation id (a UUID)');
    const seen = visible(ctx, await explanationsOf(ctx).load(id));
    if (!seen) throw notFound('ZeroEnforcementExplanation', id);
    requireMay(identity, zeroEnforcementExplanationRule, 'review', seen);
    const v = new Violations();
    const text = note === null || note === undefined ? null : v.check(() => requireText('note', note, 5000), null);
    if (!accept && !text) v.add('note', 'required', 'must say what the explanation lacks');
    v.throwIfAny();
    const row = await guardedUpdate<ExplanationRow>(runtime.db, {
      table: 'zero_enforcement_explanation', id, expect: { status: 'FILED' }, returning: COLUMNS,
      set: { status: accept ? 'ACCEPTED' : 'RETURNED', review_note: text, reviewed_at: runtime.now(), reviewed_by: identity.sub },
    }, { type: 'ZeroEnforcementExplanation', conflict: (current) => `the explanation is ${current.status}: only a FILED one is reviewed` });
    explanationsOf(ctx).clear(id).prime(id, row);
    return row;
  },
};

export const zeroEnforcementQueries = {
  /** The explanations the caller reads, newest first. */
  async zeroEnforcementExplanations(_: unknown, args: { status?: ExplanationStatus | null; month?: string | null; first?: number | null; after?: string | null; last?: number | null; before?: string | null }, ctx: Ctx) {
    const params: unknown[] = [];
    const rule = explanationReadSql(ctx.identity, 'e');
    const where = [rule.sql.replace(/:(\w+)/g, (_, name: string) => { params.push(rule.params[name]); return `$${params.length}`; })];
    if (args.status) { params.push(args.status); where.push(`e.status = $${params.length}`); }
    if (args.month) { params.push(args.month); where.push(`e.month = $${params.length}`); }
    const connection = await keysetPageSql<ExplanationRow>(params, { column: 'e.filed_at', idColumn: 'e.id', timeOf: (row) => row.filedAt, first: args.first, after: args.after, last: args.last, before: args.before },
      (page) => ctx.runtime.db.query(`SELECT ${COLUMNS} FROM zero_enforcement_explanation e WHERE ${where.join(' AND ')} AND ${page.where} ${page.orderLimit}`, params));
    const edges = connection.edges.filter((edge) => mayReadExplanation(ctx.identity, edge.node));
    return { ...connection, edges };
  },
};

/** Scorecard.zeroEnforcementExplanation: the month's explanation, if one was filed and the caller reads it. */
export const scorecardExplanationField = {
  async zeroEnforcementExplanation(s: { agencyCode: string; month: string }, _: unknown, ctx: Ctx) {
    const [row]: ExplanationRow[] = await ctx.runtime.db.query(`SELECT ${COLUMNS} FROM zero_enforcement_explanation WHERE agency_code = $1 AND month = $2`, [s.agencyCode, s.month]);
    return visible(ctx, row ?? null);
  },
};

export const zeroEnforcementFields = {
  agency: (row: ExplanationRow, _: unknown, ctx: Ctx) => ctx.loaders.agencyByCode.load(row.agencyCode),
  accepted: (row: ExplanationRow) => row.status === 'ACCEPTED',
};

const ACCESS = '@requiresScopes(scopes: [["supervision:read"], ["case:read"]])';

/** Justice's SDL for 零执法说明 (included in schema.ts). */
export const ZERO_ENFORCEMENT_SDL = `
enum ZeroEnforcementExplanationStatus { FILED ACCEPTED RETURNED }

"""零执法说明 (seed 003): a bureau's explanation of a month in which it entered no case; the justice bureau accepts it or returns it."""
type ZeroEnforcementExplanation ${ACCESS} {
  id: ID!
  agency: Agency
  region: String!
  month: String!
  explanation: String!
  filedAt: DateTime!
  status: ZeroEnforcementExplanationStatus!
  "the justice bureau accepted it"
  accepted: Boolean!
  "what the justice bureau found lacking (RETURNED), or its remark"
  reviewNote: String
  reviewedAt: DateTime
}

type ZeroEnforcementExplanationEdge { cursor: String! node: ZeroEnforcementExplanation }
type ZeroEnforcementExplanationConnection { edges: [ZeroEnforcementExplanationEdge!]! pageInfo: PageInfo! }

extend type Scorecard {
  "零执法说明 of the month: null when none was filed (or the caller may not read it); accepted says whether the justice bureau accepted it"
  zeroEnforcementExplanation: ZeroEnforcementExplanation ${ACCESS}
}

extend type Query {
  "零执法说明 the caller reads, newest first; status FILED lists those awaiting the justice bureau"
  zeroEnforcementExplanations(status: ZeroEnforcementExplanationStatus, month: String, first: Int, after: String, last: Int, before: String): ZeroEnforcementExplanationConnection ${ACCESS}
}

extend type Mutation {
  "the caller's bureau explains a closed month in which it entered no case (again after a return)"
  fileZeroEnforcementExplanation(month: String!, explanation: String!): ZeroEnforcementExplanation @requiresScopes(scopes: [["scorecard:explain"]])
  "the justice bureau accepts the explanation, or returns it with a note saying what is missing"
  reviewZeroEnforcementExplanation(id: ID!, accept: Boolean!, note: String): ZeroEnforcementExplanation @requiresScopes(scopes: [["justice:review"]])
}
`;
