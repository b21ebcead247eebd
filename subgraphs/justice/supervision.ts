import { randomUUID } from 'node:crypto';
import type { Identity } from '../../kit/identity';
import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { keysetPageSql } from '../../kit/cursor';
import { notFound } from '../../kit/errors';
import { guardedUpdate, wrongState } from '../../kit/guarded-update';
import { perRequest, uuidLoader } from '../../kit/loaders';
import { enqueue, nudgeOutbox, type Channel } from '../../kit/outbox';
import { receiveOnce, type Received } from '../../kit/receive-once';
import { requireText } from '../../kit/rules';
import {
  ESCALATION_EVENT, ESCALATION_RESULT_EVENT, ESCALATION_RESULT_ROUTE, ESCALATION_ROUTE, type EscalationResultEvent,
} from '../../kit/notifications';
import { storeNotifications } from './inbox';
import { DEADLINE_RULES } from '../../kit/deadlines';
import { may, mayFilter, requireMay, requireScope, rowFilterSql } from '../../kit/access';
import { justiceMatterRule } from './resources/justice-matter';

// 行政执法监督 (seed 001, 双向通报): a procuratorial suggestion the bureau left unanswered or did
// not rectify is copied to the justice bureau, which handles it under its supervision powers and
// copies its result back to the procuratorate.

type Ctx = SubgraphContext;

export const ESCALATION_RESULT_OUTBOX = 'escalation_result_outbox';
/** 双向通报: the justice bureau's supervision results go back to the procuratorate. */
export const ESCALATION_RESULTS: Channel<EscalationResultEvent> = {
  to: 'procuratorate', route: ESCALATION_RESULT_ROUTE, table: ESCALATION_RESULT_OUTBOX, message: ESCALATION_RESULT_EVENT,
};

export interface JusticeMatterRow {
  id: string; suggestionId: string; agencyCode: string; procuratorateCode: string; region: string; reason: string;
  suggestionKind: string; content: string; issuedAt: Date; replyDueAt: Date; reply: string | null;
  openedAt: Date; status: 'OPEN' | 'CLOSED'; result: string | null; resultAt: Date | null;
}

const COLUMNS = `id, suggestion_id AS "suggestionId", agency_code AS "agencyCode", procuratorate_code AS "procuratorateCode", region, reason,
  suggestion_kind AS "suggestionKind", content, issued_at AS "issuedAt", reply_due_at AS "replyDueAt", reply,
  opened_at AS "openedAt", status, result, result_at AS "resultAt"`;

/** Who reads a matter: the row rule of resources/justice-matter.ts (supervision:read over its place). */
export function mayReadMatter(identity: Identity, row: JusticeMatterRow): boolean {
  return may(identity, justiceMatterRule, 'read', row);
}

function matterLoader(runtime: SubgraphRuntime) {
  return uuidLoader<JusticeMatterRow>((ids) => runtime.db.query(`SELECT ${COLUMNS} FROM justice_supervision_matter WHERE id = ANY($1)`, [ids]), (r) => r.id);
}

/** The per-request loader of matters. */
export const mattersOf = perRequest(matterLoader);

const visible = (ctx: Ctx, row: JusticeMatterRow | null) => (row && mayReadMatter(ctx.identity, row) ? row : null);

/** POST /internal/supervision-escalations: the procuratorate's copies; each escalation opens one matter (its id). */
export function receiveEscalations(runtime: SubgraphRuntime, body: unknown): Promise<Received> {
  return receiveOnce(runtime, ESCALATION_EVENT, body, async (tx, fresh) => {
    const opened = runtime.now();
    await tx.query(`
      INSERT INTO justice_supervision_matter (id, suggestion_id, agency_code, procuratorate_code, region, reason, suggestion_kind, content,
        issued_at, reply_due_at, reply, opened_at, status)
      SELECT x."escalationId", x."suggestionId", x."agencyCode", x."procuratorateCode", x.region, x.reason, x."suggestionKind", x.content,
        x."issuedAt", x."replyDueAt", x.reply, $2::timestamptz, 'OPEN'
      FROM jsonb_to_recordset($1::jsonb) AS x("escalationId" uuid, "suggestionId" uuid, "agencyCode" text, "procuratorateCode" text,
        region text, reason text, "suggestionKind" text, content text, "issuedAt" timestamptz, "replyDueAt" timestamptz, reply text)`,
    [JSON.stringify(fresh), opened]);
    // 通报: the justice bureau of the region learns of each new matter.
    await storeNotifications(tx, fresh.map((e) => ({
      id: e.eventId, recipient: { scope: 'justice:supervise', region: e.region }, kind: 'SUGGESTION_ESCALATED',
      title: `检察建议抄送司法局（${e.reason === 'OVERDUE' ? '逾期未回复' : '回复未整改'}）: ${e.agencyCode}`,
      subjectType: 'JUSTICE_SUPERVISION_MATTER', subjectId: e.escalationId, region: e.region, occurredAt: opened.toISOString(),
    })));
  });
}

export const justiceSupervisionQueries = {
  justiceSupervisionMatter: async (_: unknown, { id }: { id: string }, ctx: Ctx) => visible(ctx, await mattersOf(ctx).load(id)),

  /** The caller's matters (justice: its jurisdiction; procurators: their own escalations and region), newest first. */
  async justiceSupervisionMatters(_: unknown, { status, ...page }: { status?: string | null; first?: number | null; after?: string | null; last?: number | null; before?: string | null }, ctx: Ctx) {
    const { identity } = ctx;
    const params: unknown[] = [];
    const where: string[] = [];
    // The row rule as SQL (named parameters of rowFilterSql turned positional).
    const rule = rowFilterSql(mayFilter(identity, justiceMatterRule, 'read'), { units: ['procuratorate_code'], region: 'region' }, 'matter');
    where.push(rule.sql.replace(/:(\w+)/g, (_, name: string) => { params.push(rule.params[name]); return `$${params.length}`; }));
    if (status) { params.push(status); where.push(`status = $${params.length}`); }
    const connection = await keysetPageSql<JusticeMatterRow>(params, { column: 'opened_at', timeOf: (row) => row.openedAt, ...page },
      (page) => ctx.runtime.db.query(`SELECT ${COLUMNS} FROM justice_supervision_matter WHERE ${where.join(' AND ')} AND ${page.where} ${page.orderLimit}`, params));
    // The SQL applied the row rule; the rule in code is checked again on every row (defense in depth).
    const edges = connection.edges.filter((edge) => mayReadMatter(identity, edge.node));
    for (const { node } of edges) mattersOf(ctx).prime(node.id, node);
    return { ...connection, edges };
  },
};

export const justiceSupervisionMutations = {
  /** The justice bureau records how it handled the matter; the result goes back to the procuratorate. */
  async recordSupervisionResult(_: unknown, { id, result }: { id: string; result: string }, ctx: Ctx) {
    const { identity, runtime } = ctx;
    requireScope(identity, 'justice:supervise', 'recording a supervision result');
    const matter = await mattersOf(ctx).load(id);
    if (!matter) throw notFound('JusticeSupervisionMatter', id);
    requireMay(identity, justiceMatterRule, 'recordResult', matter);
    const text = requireText('result', result, 5000);
    const recorded = 'only an OPEN matter takes a result; this one has its result already';
    if (matter.status !== 'OPEN') throw wrongState(recorded);
    const now = runtime.now();
    const closed = await runtime.db.transaction(async (tx) => {
      const row = await guardedUpdate<JusticeMatterRow>(tx, {
        table: 'justice_supervision_matter', id: matter.id, expect: { status: 'OPEN' },
        set: { status: 'CLOSED', result: text, result_by: identity.sub, result_at: now }, returning: COLUMNS,
      }, { type: 'JusticeSupervisionMatter', conflict: () => recorded });
      // 抄送: the result goes back to the procuratorate (copied onto its suggestion) and into its inbox.
      const back: EscalationResultEvent = {
        escalationId: row.id, suggestionId: row.suggestionId, status: 'CLOSED', result: text, resultAt: now.toISOString(),
      };
      await enqueue(tx, ESCALATION_RESULTS, [back]);
      await storeNotifications(tx, [{
        id: randomUUID(), recipient: { org: row.procuratorateCode }, kind: 'ESCALATION_RESULT',
        title: `司法局行政执法监督结果: ${row.agencyCode}`, subjectType: 'PROCURATORIAL_SUGGESTION', subjectId: row.suggestionId,
        region: row.region, occurredAt: now.toISOString(),
      }]);
      return row;
    });
    nudgeOutbox(runtime, ESCALATION_RESULT_OUTBOX);
    mattersOf(ctx).clear(closed.id).prime(closed.id, closed);
    return closed;
  },
};

export const justiceMatterFields = {
  __resolveReference: async (ref: { id: string }, ctx: Ctx) => visible(ctx, await mattersOf(ctx).load(ref.id)),
  suggestion: (row: JusticeMatterRow) => ({ __typename: 'ProcuratorialSuggestion', id: row.suggestionId }),
  agency: (row: JusticeMatterRow, _: unknown, ctx: Ctx) => ctx.loaders.agencyByCode.load(row.agencyCode),
};

/** Query.overdue: the caller's unit; each owner adds its own overdue items to it. */
export const overdueQuery = {
  overdue: (_: unknown, __: unknown, ctx: Ctx) => ({ unit: ctx.identity.org ?? `user:${ctx.identity.sub}` }),
  deadlineRules: () => DEADLINE_RULES.map((r) => ({ ...r, amount: r.period.amount, unit: r.period.unit, verified: r.verified ?? false })),
};
export const overdueItemsFields = {
  __resolveReference: (ref: { unit: string }) => ({ unit: ref.unit }),
};

/** InboxItem.justiceMatter: the matter a notification is about, if the caller may read it. */
export const inboxMatterField = {
  justiceMatter: async (row: { subjectType: string; subjectId: string }, _: unknown, ctx: Ctx) =>
    (row.subjectType === 'JUSTICE_SUPERVISION_MATTER' ? visible(ctx, await mattersOf(ctx).load(row.subjectId)) : null),
};

export const JUSTICE_SUPERVISION_ROUTES = { [ESCALATION_ROUTE]: receiveEscalations };
