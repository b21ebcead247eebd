import { randomUUID } from 'node:crypto';
import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import type { Identity } from '../../kit/identity';
import { keysetPageSql } from '../../kit/cursor';
import { badInput, notFound } from '../../kit/errors';
import { guardedUpdate } from '../../kit/guarded-update';
import { isUuid, perRequest, uuidLoader } from '../../kit/loaders';
import { may, requireMay, requireScope } from '../../kit/access';
import { requireText, Violations } from '../../kit/rules';
import type { Queryable } from '../../kit/outbox';
import type { Notification } from '../../kit/notifications';
import { storeNotifications } from './inbox';
import { addressedBureau } from './addressed-bureau';
import { readableCase } from './cases';
import type { JusticeLoaders } from './loaders';
import { mayReadOpinion, opinionReadSql, supervisionOpinionRule } from './resources/supervision-opinion';
import { supervisionOpinionFlow, type SupervisionOpinionStatus } from './supervision-opinion-flow';

// 行政执法监督意见书 (domain.md §7, seed 001): the justice bureau's own supervision of a bureau's
// unlawful or improper enforcement — issued with its ground and a rectification deadline, replied
// to by the bureau, verified by the justice bureau; the procuratorate of the region is notified
// at issuance and of the verification (双向通报: 将相关情况通报区检察院).

type Ctx = SubgraphContext<JusticeLoaders>;

export const OPINION_GROUNDS = ['UNTRANSFERRED_CRIME', 'UNENFORCED_DECISION', 'ABUSED_DISCRETION', 'OTHER'] as const;
export const RECTIFICATION_OUTCOMES = ['RECTIFIED', 'INSUFFICIENT', 'NOT_RECTIFIED'] as const;
/** Who hears of an opinion at the procuratorate: the units that supervise enforcement in the region. */
const PROCURATORATE_SCOPE = 'supervision:write';

export interface SupervisionOpinionRow {
  id: string; agencyCode: string; issuingUnit: string; region: string; ground: (typeof OPINION_GROUNDS)[number]; caseId: string | null;
  facts: string; requirement: string; issuedAt: Date; issuedBy: string; rectificationDueAt: Date; status: SupervisionOpinionStatus;
  reply: string | null; rectified: boolean | null; repliedAt: Date | null; outcome: (typeof RECTIFICATION_OUTCOMES)[number] | null;
  verificationNote: string | null; verifiedAt: Date | null;
}

const COLUMNS = `id, agency_code AS "agencyCode", issuing_unit AS "issuingUnit", region, ground, case_id AS "caseId", facts, requirement,
  issued_at AS "issuedAt", issued_by AS "issuedBy", rectification_due_at AS "rectificationDueAt", status, reply, rectified,
  replied_at AS "repliedAt", outcome, verification_note AS "verificationNote", verified_at AS "verifiedAt"`;

export const opinionsOf = perRequest((runtime: SubgraphRuntime) =>
  uuidLoader<SupervisionOpinionRow>((ids) => runtime.db.query(`SELECT ${COLUMNS} FROM supervision_opinion WHERE id = ANY($1)`, [ids]), (r) => r.id));

const visible = (identity: Identity, row: SupervisionOpinionRow | null) => (row && mayReadOpinion(identity, row) ? row : null);

/** The opinion the caller may read, or NOT_FOUND (one it may not read is not shown to exist). */
async function readable(ctx: Ctx, id: string): Promise<SupervisionOpinionRow> {
  if (!isUuid(id)) throw badInput('id', 'uuid', 'is not an opinion id (a UUID)');
  const row = visible(ctx.identity, await opinionsOf(ctx).load(id));
  if (!row) throw notFound('SupervisionOpinion', id);
  return row;
}

function notices(row: SupervisionOpinionRow, kind: Notification['kind'], title: string, to: Notification['recipient'][], at: Date): (Notification & { id: string })[] {
  return to.map((recipient) => ({
    id: randomUUID(), recipient, kind, title, subjectType: 'SUPERVISION_OPINION', subjectId: row.id, region: row.region, occurredAt: at.toISOString(),
  }));
}

/**
 * One step of the flow: refused unless the opinion is in a state the step starts from; then one
 * guarded UPDATE holding the state seen, so of two concurrent steps one is written; the notices
 * go in the same transaction.
 */
async function step(ctx: Ctx, seen: SupervisionOpinionRow, key: keyof typeof supervisionOpinionFlow.steps, what: string,
  set: Record<string, unknown>, notify: (row: SupervisionOpinionRow, at: Date) => (Notification & { id: string })[]): Promise<SupervisionOpinionRow> {
  supervisionOpinionFlow.requireFrom(key, seen, what);
  supervisionOpinionFlow.to(key, set.status as SupervisionOpinionStatus);
  const now = ctx.runtime.now();
  const row = await ctx.runtime.db.transaction(async (tx) => {
    const updated = await guardedUpdate<SupervisionOpinionRow>(tx, {
      table: 'supervision_opinion', id: seen.id, expect: { status: seen.status }, set, returning: COLUMNS,
    }, { type: 'SupervisionOpinion', conflict: (current) => `${what}: opinion ${seen.id} is ${current.status} now; reload it` });
    await storeNotifications(tx as Queryable, notify(updated, now));
    return updated;
  });
  opinionsOf(ctx).clear(row.id).prime(row.id, row);
  return row;
}

interface OpinionInput { agencyCode: string; ground: SupervisionOpinionRow['ground']; caseId?: string | null; facts: string; requirement: string; rectificationDueAt: Date }
interface OpinionReplyInput { reply: string; rectified: boolean }

export const supervisionOpinionMutations = {
  /** 行政执法监督意见书 to a bureau of the caller's jurisdiction; every broken rule of the input at once. */
  async issueSupervisionOpinion(_: unknown, { input }: { input: OpinionInput }, ctx: Ctx) {
    const { identity, runtime } = ctx;
    requireScope(identity, supervisionOpinionRule.actions.issue.scope, 'issue a supervision opinion');
    const now = runtime.now();
    const v = new Violations();
    const facts = v.check(() => requireText('input.facts', input.facts, 5000), '');
    const requirement = v.check(() => requireText('input.requirement', input.requirement, 5000), '');
    if (!(input.rectificationDueAt instanceof Date) || input.rectificationDueAt.getTime() <= now.getTime()) {
      v.add('input.rectificationDueAt', 'future', 'must be after now: the bureau needs time to rectify');
    }
    const unit = identity.org ?? `user:${identity.sub}`;
    const { bureau, caseId } = await addressedBureau(ctx, v, input,
      (b, who) => may(who, supervisionOpinionRule, 'issue', { agencyCode: b.code, issuingUnit: unit, region: b.region }));
    const place = bureau ? { agencyCode: bureau.code, issuingUnit: unit, region: bureau.region } : null;
    v.throwIfAny();
    const id = randomUUID();
    const row = await runtime.db.transaction(async (tx) => {
      const [inserted]: SupervisionOpinionRow[] = await tx.query(`
        INSERT INTO supervision_opinion (id, agency_code, issuing_unit, region, ground, case_id, facts, requirement, issued_at, issued_by, rectification_due_at, status)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'ISSUED') RETURNING ${COLUMNS}`,
      [id, place!.agencyCode, place!.issuingUnit, place!.region, input.ground, caseId, facts, requirement, now, identity.sub, input.rectificationDueAt]);
      // To the bureau, and 通报区检察院: the procuratorate of the region hears of every opinion.
      await storeNotifications(tx, notices(inserted, 'SUPERVISION_OPINION_ISSUED', `行政执法监督意见书: ${inserted.agencyCode}`,
        [{ org: inserted.agencyCode }, { scope: PROCURATORATE_SCOPE, region: inserted.region }], now));
      return inserted;
    });
    opinionsOf(ctx).prime(row.id, row);
    return row;
  },

  /** The addressed bureau's written reply: whether it rectified and how. */
  async replyToSupervisionOpinion(_: unknown, { id, input }: { id: string; input: OpinionReplyInput }, ctx: Ctx) {
    const { identity } = ctx;
    requireScope(identity, supervisionOpinionRule.actions.reply.scope, 'reply to a supervision opinion');
    const opinion = await readable(ctx, id);
    requireMay(identity, supervisionOpinionRule, 'reply', opinion);
    const v = new Violations();
    const reply = v.check(() => requireText('input.reply', input.reply, 5000), '');
    if (typeof input.rectified !== 'boolean') v.add('input.rectified', 'required', 'must say whether the bureau rectified');
    v.throwIfAny();
    const now = ctx.runtime.now();
    return step(ctx, opinion, 'reply', 'replying to an opinion', {
      status: 'REPLIED', reply, rectified: input.rectified, replied_at: now, replied_by: identity.sub,
    }, (row, at) => notices(row, 'SUPERVISION_OPINION_REPLIED', `行政执法监督意见书回复: ${row.agencyCode}`, [{ org: row.issuingUnit }], at));
  },

  /** The justice bureau verifies the rectification and closes the opinion; the bureau and the procuratorate hear the outcome. */
  async verifySupervisionOpinion(_: unknown, { id, outcome, note }: { id: string; outcome: SupervisionOpinionRow['outcome']; note?: string | null }, ctx: Ctx) {
    const { identity } = ctx;
    requireScope(identity, supervisionOpinionRule.actions.verify.scope, 'verify a supervision opinion');
    const opinion = await readable(ctx, id);
    requireMay(identity, supervisionOpinionRule, 'verify', opinion);
    const v = new Violations();
    const text = note === null || note === undefined ? null : v.check(() => requireText('note', note, 5000), null);
    if (outcome !== 'RECTIFIED' && !text) v.add('note', 'required', 'must say what is insufficient or not rectified');
    v.throwIfAny();
    const now = ctx.runtime.now();
    return step(ctx, opinion, 'verify', 'verifying an opinion', {
      status: 'CLOSED', outcome, verification_note: text, verified_at: now, verified_by: identity.sub,
    }, (row, at) => notices(row, 'SUPERVISION_OPINION_VERIFIED', `行政执法监督意见书核查结果: ${row.agencyCode}`,
      [{ org: row.agencyCode }, { scope: PROCURATORATE_SCOPE, region: row.region }], at));
  },
};

export const supervisionOpinionQueries = {
  supervisionOpinion: async (_: unknown, { id }: { id: string }, ctx: Ctx) =>
    (isUuid(id) ? visible(ctx.identity, await opinionsOf(ctx).load(id)) : null),

  /** The opinions the caller may read, newest first; `overdue`: ISSUED past the rectification deadline. */
  async supervisionOpinions(_: unknown, args: { status?: SupervisionOpinionStatus | null; agencyCode?: string | null; overdue?: boolean | null; first?: number | null; after?: string | null; last?: number | null; before?: string | null }, ctx: Ctx) {
    const params: unknown[] = [];
    const rule = opinionReadSql(ctx.identity, 'o');
    const where = [rule.sql.replace(/:(\w+)/g, (_, name: string) => { params.push(rule.params[name]); return `$${params.length}`; })];
    if (args.status) { params.push(args.status); where.push(`o.status = $${params.length}`); }
    if (args.agencyCode) { params.push(args.agencyCode); where.push(`o.agency_code = $${params.length}`); }
    if (args.overdue !== null && args.overdue !== undefined) {
      params.push(ctx.runtime.now());
      where.push(`${args.overdue ? '' : 'NOT '}(o.status = 'ISSUED' AND o.rectification_due_at < $${params.length})`);
    }
    const connection = await keysetPageSql<SupervisionOpinionRow>(params, { column: 'o.issued_at', idColumn: 'o.id', timeOf: (row) => row.issuedAt, first: args.first, after: args.after, last: args.last, before: args.before },
      (page) => ctx.runtime.db.query(`SELECT ${COLUMNS} FROM supervision_opinion o WHERE ${where.join(' AND ')} AND ${page.where} ${page.orderLimit}`, params));
    // The SQL applied the row rule; the rule in code is checked again on every row (defense in depth).
    const edges = connection.edges.filter((edge) => mayReadOpinion(ctx.identity, edge.node));
    for (const { node } of edges) opinionsOf(ctx).prime(node.id, node);
    return { ...connection, edges };
  },
};

export const supervisionOpinionFields = {
  __resolveReference: async (ref: { id: string }, ctx: Ctx) => (isUuid(ref.id) ? visible(ctx.identity, await opinionsOf(ctx).load(ref.id)) : null),
  agency: (row: SupervisionOpinionRow, _: unknown, ctx: Ctx) => ctx.loaders.agencyByCode.load(row.agencyCode),
  case: (row: SupervisionOpinionRow, _: unknown, ctx: Ctx) => (row.caseId ? readableCase(ctx, row.caseId) : null),
  overdue: (row: SupervisionOpinionRow, _: unknown, ctx: Ctx) => row.status === 'ISSUED' && row.rectificationDueAt.getTime() < ctx.runtime.now().getTime(),
};

/** InboxItem.supervisionOpinion: the opinion a notification is about, if the caller may read it. */
export const inboxOpinionField = {
  supervisionOpinion: async (row: { subjectType: string; subjectId: string }, _: unknown, ctx: Ctx) =>
    (row.subjectType === 'SUPERVISION_OPINION' ? visible(ctx.identity, await opinionsOf(ctx).load(row.subjectId)) : null),
};
