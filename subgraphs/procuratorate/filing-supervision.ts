import { randomUUID } from 'node:crypto';
import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { keysetPageSql } from '../../kit/cursor';
import { currentRule, dueAt, isPast, periodText, ruleInEffect } from '../../kit/deadlines';
import { badInput, notFound } from '../../kit/errors';
import { guardedUpdate } from '../../kit/guarded-update';
import { filingSupervisionFlow as flow } from './filing-supervision-flow';
import { batchLoader, byKey, isUuid, perRequest } from '../../kit/loaders';
import { requireCovers, requireMay, requireScope } from '../../kit/access';
import {
  FILING_EVENT, FILING_NOTICE, FILING_NOTICE_ROUTE, type FilingEvent, type FilingNotice, type FilingNoticeKind,
} from '../../kit/messages/filing-supervision';
import { NOTIFICATION_OUTBOX, notify, type Notification } from '../../kit/notifications';
import { enqueue, nudgeOutbox, outboxWorkers, type Channel, type Queryable } from '../../kit/outbox';
import { receiveOnce, type Received } from '../../kit/receive-once';
import { applyFilingOutcomes } from './alerts';
import { optionalText, requireText } from '../../kit/rules';
import { filingSupervisionReadSql, filingSupervisionRule, mayReadFilingSupervisionMatter } from './resources/filing-supervision';

// 立案监督 (刑事诉讼法 第113条; 国务院令第310号 第九条; 刑诉规则 2019 第五百五十七条–第五百六十一条).
//
//   REFUSED ──提请立案监督 (bureau, 3 days)──▶ REQUESTED
//      └──────────────┬────────────────────────┘
//            要求说明不立案理由 (procurator)
//                     ▼
//          EXPLANATION_REQUESTED ──说明 (public security, 7 days from receipt)──▶ EXPLAINED
//                                                 理由成立 ◀──────────────────────────┤
//                                          REASONS_ACCEPTED                        通知立案
//                                                                                     ▼
//            FILED ◀──依通知立案 (public security, 15 days from receipt)── FILING_ORDERED
//              ▲                                                              │ overdue: 纠正违法通知书
//              └───────────────────────────────────────────────────── CORRECTION_NOTICED
//
// A matter opens when public security's refusal reaches the procuratorate (抄送, route
// filing-events); a refusal upheld on reconsideration renews it. Notices to public security go
// through the filing-notice outbox; public security records their receipt and reports it, with
// the due date counted from that receipt. A transfer filed by any path closes its matter as FILED.

type Ctx = SubgraphContext;

export type FilingSupervisionStatus = 'REFUSED' | 'REQUESTED' | 'EXPLANATION_REQUESTED' | 'EXPLAINED' | 'REASONS_ACCEPTED' | 'FILING_ORDERED' | 'CORRECTION_NOTICED' | 'FILED';

export interface FilingSupervisionRow {
  id: string; transferId: string; caseId: string; agencyCode: string; acceptingUnit: string | null; region: string; procuratorateCode: string | null;
  status: FilingSupervisionStatus; refusalStage: 'DECISION' | 'RECONSIDERATION'; refusedAt: Date; refusalReason: string | null;
  requestDueAt: Date; receivedAt: Date; requestedAt: Date | null; requestedBy: string | null; requestReason: string | null;
  explanationRequestedAt: Date | null; explanationRequestedBy: string | null; explanationRequestText: string | null;
  explanationReceivedAt: Date | null; explanationDueAt: Date | null;
  explanation: string | null; explainedAt: Date | null; explanationArrivedAt: Date | null; agencyAnswerDueAt: Date | null;
  decidedAt: Date | null; decidedBy: string | null; decision: 'REASONS_SOUND' | 'ORDER_FILING' | null; decisionReason: string | null;
  orderReceivedAt: Date | null; filingDueAt: Date | null; correctionNoticedAt: Date | null; correctionNoticedBy: string | null;
  filedAt: Date | null; version: number;
}

const snake = (property: string) => property.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const PROPERTIES: (keyof FilingSupervisionRow)[] = [
  'id', 'transferId', 'caseId', 'agencyCode', 'acceptingUnit', 'region', 'procuratorateCode', 'status', 'refusalStage', 'refusedAt', 'refusalReason',
  'requestDueAt', 'receivedAt', 'requestedAt', 'requestedBy', 'requestReason', 'explanationRequestedAt', 'explanationRequestedBy', 'explanationRequestText',
  'explanationReceivedAt', 'explanationDueAt', 'explanation', 'explainedAt', 'explanationArrivedAt', 'agencyAnswerDueAt',
  'decidedAt', 'decidedBy', 'decision', 'decisionReason', 'orderReceivedAt', 'filingDueAt', 'correctionNoticedAt', 'correctionNoticedBy', 'filedAt', 'version',
];
/** `column AS "property"` for every column: raw rows in the row's shape. */
const COLUMNS = PROPERTIES.map((p) => `${snake(p)} AS "${p}"`).join(', ');

/** 抄送 back: notices to public security's filing-notices route. */
export const FILING_NOTICE_OUTBOX = 'filing_notice_outbox';
const FILING_NOTICES: Channel<FilingNotice> = { to: 'public-security', route: FILING_NOTICE_ROUTE, table: FILING_NOTICE_OUTBOX, message: FILING_NOTICE };
export const filingNoticeWorkers = outboxWorkers(FILING_NOTICES);

const notice = (m: Pick<FilingSupervisionRow, 'transferId' | 'region'>, recipient: Notification['recipient'], kind: Notification['kind'], title: string, at: Date): Notification =>
  ({ recipient, kind, title, subjectType: 'CASE_TRANSFER', subjectId: m.transferId, region: m.region, occurredAt: at.toISOString() });

const sendNotice = (tx: Queryable, m: FilingSupervisionRow, kind: FilingNoticeKind, at: Date, text: string | null) => enqueue(tx, FILING_NOTICES, [{
  kind, matterId: m.id, transferId: m.transferId, procuratorateCode: m.procuratorateCode!, region: m.region, sentAt: at.toISOString(), text,
}]);

// ── public security's reports ──────────────────────────────────────────────────────────────────

/**
 * The bureau's window to ask the procuratorate (国务院令第310号 第九条): after a refusal it may ask
 * directly, in the 3 days it has to ask for reconsideration (reconsiderationRequest); after an
 * upheld refusal, 3 days from the reconsideration decision (supervisionRequest). Both run from the
 * bureau's receipt of the notice, which is the moment of the decision: the refusal reaches its
 * inbox when made.
 */
const requestDueAt = (stage: 'DECISION' | 'RECONSIDERATION', receivedAt: Date) =>
  dueAt(stage === 'DECISION' ? 'reconsiderationRequest' : 'supervisionRequest', { receivedAt });

async function applyEvent(runtime: SubgraphRuntime, tx: Queryable, e: FilingEvent): Promise<void> {
  const now = runtime.now();
  switch (e.kind) {
    case 'REFUSED':
    case 'REFUSAL_UPHELD': {
      const stage = e.kind === 'REFUSED' ? 'DECISION' : 'RECONSIDERATION';
      const at = new Date(e.at);
      // A refusal upheld on reconsideration renews a matter nobody has taken up yet.
      await tx.query(`
        INSERT INTO filing_supervision (id, transfer_id, case_id, agency_code, accepting_unit, region, status, refusal_stage, refused_at, refusal_reason, request_due_at, received_at)
        VALUES ($1, $2, $3, $4, $5, $6, 'REFUSED', $7, $8, $9, $10, $11)
        ON CONFLICT (transfer_id) DO UPDATE SET refusal_stage = EXCLUDED.refusal_stage, refused_at = EXCLUDED.refused_at,
          refusal_reason = EXCLUDED.refusal_reason, request_due_at = EXCLUDED.request_due_at, version = filing_supervision.version + 1
        WHERE filing_supervision.status = 'REFUSED'`,
      [randomUUID(), e.transferId, e.caseId, e.agencyCode, e.acceptingUnit, e.region, stage, at, e.text, requestDueAt(stage, at), now]);
      return;
    }
    case 'NOTICE_RECEIVED':
      if (e.notice === 'EXPLANATION_REQUESTED') {
        await tx.query(`UPDATE filing_supervision SET explanation_received_at = $2, explanation_due_at = $3, version = version + 1 WHERE id = $1`, [e.matterId, e.at, e.dueAt]);
      } else if (e.notice === 'FILING_ORDERED') {
        await tx.query(`UPDATE filing_supervision SET order_received_at = $2, filing_due_at = $3, version = version + 1 WHERE id = $1`, [e.matterId, e.at, e.dueAt]);
      }
      return;
    case 'EXPLAINED':
      // The procuratorate received the explanation now: the bureau is to be told within 10 days if the reasons stand (explanationToAgency).
      await tx.query(`UPDATE filing_supervision SET status = 'EXPLAINED', explanation = $2, explained_at = $3, explanation_arrived_at = $4,
          agency_answer_due_at = $5, version = version + 1
        WHERE id = $1 AND status = ANY($6)`, [e.matterId, e.text, e.at, now, dueAt('explanationToAgency', { receivedAt: now }), flow.steps.explained.from]);
      return;
    case 'FILED':
      await tx.query(`UPDATE filing_supervision SET status = 'FILED', filed_at = $2, version = version + 1
        WHERE transfer_id = $1 AND status = ANY($3)`, [e.transferId, e.at, flow.steps.filed.from]);
      return;
  }
}

/** POST /internal/filing-events: public security's reports, each applied once, in order. */
export function receiveFilingEvents(runtime: SubgraphRuntime, body: unknown): Promise<Received> {
  return receiveOnce(runtime, FILING_EVENT, body, async (tx, fresh) => {
    for (const e of fresh) await applyEvent(runtime, tx, e);
    await applyFilingOutcomes(tx, fresh, runtime.now()); // the alerts' side: filed resolves, a refusal re-opens as 有案不立
  });
}

// ── reading ────────────────────────────────────────────────────────────────────────────────────

const mattersOf = perRequest((runtime) => ({
  byId: batchLoader<string, FilingSupervisionRow | null>(async (ids) => {
    const wanted = ids.filter(isUuid);
    const rows: FilingSupervisionRow[] = wanted.length ? await runtime.db.query(`SELECT ${COLUMNS} FROM filing_supervision WHERE id = ANY($1)`, [wanted]) : [];
    return byKey(ids, rows, (r) => r.id);
  }),
  byCase: batchLoader<string, FilingSupervisionRow | null>(async (ids) => {
    const rows: FilingSupervisionRow[] = await runtime.db.query(`SELECT ${COLUMNS} FROM filing_supervision WHERE case_id = ANY($1)`, [ids.filter(isUuid)]);
    return byKey(ids, rows, (r) => r.caseId);
  }),
}));

export const mayReadFilingSupervision = (ctx: Ctx, m: FilingSupervisionRow) => mayReadFilingSupervisionMatter(ctx.identity, m);
const readable = (ctx: Ctx, m: FilingSupervisionRow | null) => (m && mayReadFilingSupervision(ctx, m) ? m : null);

interface ListArgs { status?: FilingSupervisionStatus | null; first?: number | null; after?: string | null; last?: number | null; before?: string | null }

/** The procurator's queue (and each party's list): matters the caller reads, newest refusal first. */
async function listFilingSupervisions(ctx: Ctx, { status, ...page }: ListArgs) {
  const rule = filingSupervisionReadSql(ctx.identity, 'f');
  // rowFilterSql speaks TypeORM's named parameters; here they become positional ones.
  const params: unknown[] = [];
  const named = new Map<string, number>();
  let where = rule.sql.replace(/:(\w+)/g, (_, name: string) => {
    if (!named.has(name)) { params.push(rule.params[name]); named.set(name, params.length); }
    return `$${named.get(name)}`;
  });
  if (status) { params.push(status); where += ` AND f.status = $${params.length}`; }
  return keysetPageSql<FilingSupervisionRow>(params, { column: 'f.received_at', idColumn: 'f.id', timeOf: (row) => row.receivedAt, ...page },
    (page) => ctx.runtime.db.query(`SELECT ${COLUMNS} FROM filing_supervision f WHERE ${where} AND ${page.where} ${page.orderLimit}`, params));
}

export const filingSupervisionQueries = {
  filingSupervisions: (_: unknown, args: ListArgs, ctx: Ctx) => listFilingSupervisions(ctx, args),
  filingSupervision: async (_: unknown, { id }: { id: string }, ctx: Ctx) => readable(ctx, await mattersOf(ctx).byId.load(id)),
};

/** EnforcementCase.filingSupervision: the case's matter, if the caller reads it. */
export const caseFilingSupervisionFields = {
  filingSupervision: async (c: { id: string }, _: unknown, ctx: Ctx) => readable(ctx, await mattersOf(ctx).byCase.load(c.id)),
};

export const filingSupervisionFields = {
  __resolveReference: async (ref: { id: string }, ctx: Ctx) => readable(ctx, await mattersOf(ctx).byId.load(ref.id)),
  case: (m: FilingSupervisionRow) => ({ __typename: 'EnforcementCase', id: m.caseId }),
  transfer: (m: FilingSupervisionRow) => ({ __typename: 'CaseTransfer', id: m.transferId }),
  /** Public security's explanation is late, by the hub's clock. */
  explanationOverdue: (m: FilingSupervisionRow, _: unknown, ctx: Ctx) => m.status === 'EXPLANATION_REQUESTED' && isPast(m.explanationDueAt, ctx.runtime.now()),
  /** An order to file not followed by its due date: a 纠正违法通知书 is due. */
  correctionDue: (m: FilingSupervisionRow, _: unknown, ctx: Ctx) => m.status === 'FILING_ORDERED' && isPast(m.filingDueAt, ctx.runtime.now()),
};

// ── the steps ──────────────────────────────────────────────────────────────────────────────────

type Step = 'request' | 'requireExplanation' | 'decide';

/** The matter, if the caller's grant reaches it, it is in one of `states`, and the step's condition holds; nothing is written otherwise. */
async function requireStep(ctx: Ctx, m: FilingSupervisionRow, step: Step, flowStep: keyof typeof flow.steps, what: string): Promise<FilingSupervisionRow> {
  requireCovers(ctx.identity, filingSupervisionRule.actions[step].scope, filingSupervisionRule.place(m), `${what} on this filing supervision matter`);
  flow.requireFrom(flowStep, m, what);
  requireMay(ctx.identity, filingSupervisionRule, step, m);
  return m;
}

async function requireMatter(ctx: Ctx, id: string): Promise<FilingSupervisionRow> {
  const m = await mattersOf(ctx).byId.load(id);
  if (!m) throw notFound('FilingSupervision', id);
  return m;
}

/** One guarded transition with its notices and messages, in one transaction. */
async function advance(ctx: Ctx, seen: FilingSupervisionRow, set: Record<string, unknown>,
  effects: (tx: Queryable, row: FilingSupervisionRow) => Promise<void>): Promise<FilingSupervisionRow> {
  const row = await ctx.runtime.db.transaction(async (tx) => {
    const changed = await guardedUpdate<FilingSupervisionRow>(tx, {
      table: 'filing_supervision', id: seen.id, expect: { status: seen.status, version: seen.version }, version: 'version', returning: COLUMNS, set,
    }, { type: 'FilingSupervision', conflict: (now) => `filing supervision matter ${seen.id} is ${now.status} now, no longer ${seen.status}; reload it` });
    await effects(tx, changed);
    return changed;
  });
  nudgeOutbox(ctx.runtime, FILING_NOTICE_OUTBOX);
  nudgeOutbox(ctx.runtime, NOTIFICATION_OUTBOX);
  mattersOf(ctx).byId.clear(row.id).prime(row.id, row);
  return row;
}

export const filingSupervisionMutations = {
  /** 提请立案监督: the transferring bureau asks the procuratorate, within its window after the refusal (第九条). */
  async requestFilingSupervision(_: unknown, { transferId, reason }: { transferId: string; reason: string }, ctx: Ctx) {
    requireScope(ctx.identity, filingSupervisionRule.actions.request.scope, 'ask for filing supervision');
    const [found]: FilingSupervisionRow[] = isUuid(transferId)
      ? await ctx.runtime.db.query(`SELECT ${COLUMNS} FROM filing_supervision WHERE transfer_id = $1`, [transferId]) : [];
    if (!found) throw badInput('transferId', 'refused', `no refusal to file transfer ${transferId} has reached the procuratorate`);
    const seen = await requireStep(ctx, found, 'request', 'request', 'a request for filing supervision');
    const requestReason = requireText('reason', reason, 5000);
    const now = ctx.runtime.now();
    if (isPast(seen.requestDueAt, now)) {
      const rule = ruleInEffect(seen.refusalStage === 'DECISION' ? 'reconsiderationRequest' : 'supervisionRequest', new Date(seen.refusedAt));
      throw badInput('transferId', 'deadline', `filing supervision may be asked for within ${periodText(rule)} of receiving the ${seen.refusalStage === 'DECISION' ? 'refusal' : 'reconsideration decision'} (国务院令第310号 第九条), until ${new Date(seen.requestDueAt).toISOString()}`);
    }
    return advance(ctx, seen, { status: flow.to('request', 'REQUESTED'), requested_at: now, requested_by: ctx.identity.sub, request_reason: requestReason }, async (tx, row) => {
      await notify(tx, [notice(row, { scope: 'supervision:write', region: row.region }, 'FILING_SUPERVISION_REQUESTED', `提请立案监督: ${row.agencyCode}`, now)]);
    });
  },

  /** 要求说明不立案理由: a procuratorate takes the matter up in its name and asks public security to explain. */
  async requireFilingExplanation(_: unknown, { id, reason }: { id: string; reason?: string | null }, ctx: Ctx) {
    requireScope(ctx.identity, filingSupervisionRule.actions.requireExplanation.scope, 'ask public security to explain a refusal');
    const seen = await requireStep(ctx, await requireMatter(ctx, id), 'requireExplanation', 'requireExplanation', 'a request to explain the refusal');
    const text = optionalText('reason', reason, 5000);
    const now = ctx.runtime.now();
    return advance(ctx, seen, {
      status: flow.to('requireExplanation', 'EXPLANATION_REQUESTED'), procuratorate_code: ctx.identity.org, explanation_requested_at: now, explanation_requested_by: ctx.identity.sub,
      explanation_request_text: text,
    }, async (tx, row) => {
      await sendNotice(tx, row, 'EXPLANATION_REQUESTED', now, text);
      await notify(tx, [notice(row, { org: row.agencyCode }, 'FILING_EXPLANATION_REQUESTED', `检察院已要求公安机关说明不立案理由 (${row.procuratorateCode})`, now)]);
    });
  },

  /**
   * 理由成立 or 通知立案 on public security's explanation. Reasons found sound are told to the bureau
   * at once (the 10 days of explanationToAgency are met by the decision itself, agencyAnswerDueAt).
   */
  async decideFilingSupervision(_: unknown, { id, decision, reason }: { id: string; decision: 'REASONS_SOUND' | 'ORDER_FILING'; reason: string }, ctx: Ctx) {
    requireScope(ctx.identity, filingSupervisionRule.actions.decide.scope, 'decide on a filing supervision matter');
    const seen = await requireStep(ctx, await requireMatter(ctx, id), 'decide', 'decide', 'a decision on the explanation');
    const text = requireText('reason', reason, 5000);
    const now = ctx.runtime.now();
    const sound = decision === 'REASONS_SOUND';
    return advance(ctx, seen, {
      status: flow.to('decide', sound ? 'REASONS_ACCEPTED' : 'FILING_ORDERED'), decided_at: now, decided_by: ctx.identity.sub, decision, decision_reason: text,
    }, async (tx, row) => {
      await sendNotice(tx, row, sound ? 'REASONS_ACCEPTED' : 'FILING_ORDERED', now, text);
      await notify(tx, [notice(row, { org: row.agencyCode }, sound ? 'FILING_REASONS_ACCEPTED' : 'FILING_ORDERED',
        sound ? `检察院认为不立案理由成立: ${text.slice(0, 60)}` : `检察院通知公安机关立案 (${row.procuratorateCode})`, now)]);
    });
  },

  /** 纠正违法通知书: an order to file not followed within filingOrder of its receipt. */
  async issueFilingCorrectionNotice(_: unknown, { id }: { id: string }, ctx: Ctx) {
    requireScope(ctx.identity, filingSupervisionRule.actions.decide.scope, 'issue a correction notice');
    const seen = await requireStep(ctx, await requireMatter(ctx, id), 'decide', 'correctionNotice', 'a correction notice');
    const now = ctx.runtime.now();
    if (!isPast(seen.filingDueAt, now)) {
      const due = seen.filingDueAt ? `until ${new Date(seen.filingDueAt).toISOString()}` : 'from its receipt, which public security has not yet reported';
      throw badInput('id', 'notOverdue', `public security has ${periodText(currentRule('filingOrder'))} to file on the order, ${due}`);
    }
    return advance(ctx, seen, { status: flow.to('correctionNotice', 'CORRECTION_NOTICED'), correction_noticed_at: now, correction_noticed_by: ctx.identity.sub }, async (tx, row) => {
      await sendNotice(tx, row, 'CORRECTION_NOTICE', now, null);
    });
  },
};

// ── SDL ────────────────────────────────────────────────────────────────────────────────────────

export const FILING_SUPERVISION_SDL = `
"""Where a filing-supervision matter stands (立案监督)."""
enum FilingSupervisionStatus {
  "public security refused to file (or upheld its refusal); nobody has taken the matter up"
  REFUSED
  "the transferring bureau asked the procuratorate (提请立案监督)"
  REQUESTED
  "the procuratorate asked public security to explain (要求说明不立案理由)"
  EXPLANATION_REQUESTED
  "public security explained; the procuratorate reviews the reasons"
  EXPLAINED
  "the reasons stand (理由成立); the bureau was told"
  REASONS_ACCEPTED
  "the procuratorate ordered filing (通知立案)"
  FILING_ORDERED
  "the order was not followed in time: 纠正违法通知书 issued"
  CORRECTION_NOTICED
  "the transfer was filed"
  FILED
}

enum FilingRefusalStage { DECISION RECONSIDERATION }

"""The procurator's review of public security's explanation"""
enum FilingSupervisionDecision {
  "理由成立: the refusal stands; the bureau is told"
  REASONS_SOUND
  "通知立案: public security must file"
  ORDER_FILING
}

"""A transfer of public security (owned by public security)."""
type CaseTransfer @key(fields: "id", resolvable: false) {
  id: ID!
}

"""立案监督: one refused transfer under the procuratorate's supervision, from the refusal (抄送) to the filing."""
type FilingSupervision @key(fields: "id") @requiresScopes(scopes: [["supervision:read"], ["case:read"]]) {
  id: ID!
  case: EnforcementCase
  transfer: CaseTransfer
  agencyCode: String!
  "the public-security unit that refused"
  acceptingUnit: String
  region: String!
  "the procuratorate that took the matter up, once one has"
  procuratorateCode: String
  status: FilingSupervisionStatus!
  refusalStage: FilingRefusalStage!
  refusedAt: DateTime!
  "不予立案理由 (or the reconsideration decision's reasons)"
  refusalReason: String
  "until when the bureau may ask for filing supervision: ${periodText(currentRule('reconsiderationRequest'))} from the refusal, ${periodText(currentRule('supervisionRequest'))} from an upheld one (国务院令第310号 第九条)"
  requestDueAt: DateTime!
  requestedAt: DateTime
  requestReason: String
  explanationRequestedAt: DateTime
  "when public security received the request (收到)"
  explanationReceivedAt: DateTime
  "${periodText(currentRule('filingExplanation'))} from public security's receipt (filingExplanation)"
  explanationDueAt: DateTime
  explanationOverdue: Boolean!
  "不立案理由说明"
  explanation: String
  explainedAt: DateTime
  "when the explanation reached the procuratorate (收到)"
  explanationArrivedAt: DateTime
  "the bureau is told within ${periodText(currentRule('explanationToAgency'))} of the explanation's arrival when the reasons stand (explanationToAgency)"
  agencyAnswerDueAt: DateTime
  decidedAt: DateTime
  decision: FilingSupervisionDecision
  decisionReason: String
  "when public security received the order to file (收到)"
  orderReceivedAt: DateTime
  "${periodText(currentRule('filingOrder'))} from public security's receipt of the order (filingOrder)"
  filingDueAt: DateTime
  "an order not followed by filingDueAt: a 纠正违法通知书 is due"
  correctionDue: Boolean!
  correctionNoticedAt: DateTime
  filedAt: DateTime
}

type FilingSupervisionEdge { cursor: String! node: FilingSupervision }
type FilingSupervisionConnection { edges: [FilingSupervisionEdge!]! pageInfo: PageInfo! }

extend type EnforcementCase {
  "立案监督 of the case's refused transfer, if any (supervision:read over the region, or the bureau and the refusing unit)"
  filingSupervision: FilingSupervision
}

extend type Query {
  "The queue of refusals (有案不立) and their supervision, newest refusal first: procurators and the justice bureau of the region, the bureau and the refusing unit their own"
  filingSupervisions(status: FilingSupervisionStatus, first: Int, after: String, last: Int, before: String): FilingSupervisionConnection @requiresScopes(scopes: [["supervision:read"], ["case:read"]])
  filingSupervision(id: ID!): FilingSupervision @requiresScopes(scopes: [["supervision:read"], ["case:read"]])
}

extend type Mutation {
  "提请立案监督: the bureau whose transfer was refused, within its window (requestDueAt)"
  requestFilingSupervision(transferId: ID!, reason: String!): FilingSupervision @requiresScopes(scopes: [["transfer:write"]])
  "要求说明不立案理由: a procuratorate of the region takes the matter up in its name"
  requireFilingExplanation(id: ID!, reason: String): FilingSupervision @requiresScopes(scopes: [["supervision:write"]])
  "理由成立 or 通知立案, on public security's explanation: the procuratorate that took the matter up"
  decideFilingSupervision(id: ID!, decision: FilingSupervisionDecision!, reason: String!): FilingSupervision @requiresScopes(scopes: [["supervision:write"]])
  "纠正违法通知书: an order to file not followed by filingDueAt"
  issueFilingCorrectionNotice(id: ID!): FilingSupervision @requiresScopes(scopes: [["supervision:write"]])
}`;
