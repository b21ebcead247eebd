import { randomUUID } from 'node:crypto';
import { EntitySchema, In } from 'typeorm';
import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { EMPTY_CONNECTION, keysetPage, type PageArgs } from '../../kit/cursor';
import { notFound } from '../../kit/errors';
import { guardedUpdate } from '../../kit/guarded-update';
import { alertFlow } from './alert-flow';
import { may, mayFilter, requireMay, requireScope } from '../../kit/access';
import { uuidLoader } from '../../kit/loaders';
import { nudgeOutbox, type Queryable } from '../../kit/outbox';
import { receiveOnce } from '../../kit/receive-once';
import { INDEX_EVENT, type IndexEvent } from '../../kit/messages/index-event';
import { TRANSFER_EVENT } from '../../kit/messages/transfer-event';
import { alertReadSql, alertRule } from './resources/alert';
import { visible as visibleMatter } from './supervision';
import { SupervisionMatter, type SupervisionMatterRow } from './entities';
import type { ProcuratorateLoaders } from './loaders';
import { optionalText } from '../../kit/rules';
import { evaluateRepeat, evaluateThreshold, RULES, type Hit, type MetFigure, type PartyCase } from './thresholds';
import { requireText } from '../../kit/rules';
import { candidateOffences } from './screening';
import './metrics';
import { CASE_STATE_OUTBOX, reportSupervisionState } from './case-state';

// 以罚代刑 (fine instead of prosecution) and repeat-offender alerts. Justice forwards every case the
// index applies (party as a keyed hash, with the party's other cases across agencies); public
// security copies every new transfer (抄送) and reports its filing decisions. Each event is judged
// against schema/thresholds.json within seconds of reaching the index, by the rule in force at the
// conduct (从旧兼从轻). A decided case meeting a rule with no transfer becomes an alert for the
// procurators of its region (signal NOT_TRANSFERRED: 有案不移 / 以罚代刑). A transfer does not settle
// it (TRANSFERRED, public security has yet to decide); only a filed case (RESOLVED) or a
// procurator's dismissal with a reason (DISMISSED) does, and a refusal to file re-opens it as
// 有案不立 (signal NOT_FILED). The penalty an agency imposes after a refusal (310号令 第十条) is a
// new version of the same case: it refreshes that alert, it never raises a 以罚代刑 one. A
// procurator may convert an open alert into a supervision matter.

type Ctx = SubgraphContext<ProcuratorateLoaders>;

export type AlertKind = 'THRESHOLD' | 'REPEAT_OFFENDER';
export type AlertStatus = 'OPEN' | 'TRANSFERRED' | 'CONVERTED' | 'RESOLVED' | 'DISMISSED';
/** 有案不移 / 以罚代刑 (no transfer), or 有案不立 (transferred, public security refused to file). */
export type AlertSignal = 'NOT_TRANSFERRED' | 'NOT_FILED';

export interface AlertRow {
  id: string; caseId: string; kind: AlertKind; ruleCode: string; ruleVersion: string; citation: string;
  review: boolean; note: string | null; figures: MetFigure[]; priorCaseIds: string[];
  agencyCode: string; region: string; status: AlertStatus; raisedAt: Date; updatedAt: Date;
  resolvedAt: Date | null; transferId: string | null; convertedAt: Date | null; convertedBy: string | null; supervisionMatterId: string | null;
  signal: AlertSignal; dismissedAt: Date | null; dismissedBy: string | null; dismissalReason: string | null;
}

export const Alert = new EntitySchema<AlertRow>({
  name: 'Alert', tableName: 'alert',
  columns: {
    id: { type: 'uuid', primary: true },
    caseId: { name: 'case_id', type: 'uuid' },
    kind: { type: 'text' },
    ruleCode: { name: 'rule_code', type: 'text' },
    ruleVersion: { name: 'rule_version', type: 'text' },
    citation: { type: 'text' },
    review: { type: 'boolean' },
    note: { type: 'text', nullable: true },
    figures: { type: 'jsonb' },
    priorCaseIds: { name: 'prior_case_ids', type: 'uuid', array: true },
    agencyCode: { name: 'agency_code', type: 'text' },
    region: { type: 'text' },
    status: { type: 'text' },
    raisedAt: { name: 'raised_at', type: 'timestamptz' },
    updatedAt: { name: 'updated_at', type: 'timestamptz' },
    resolvedAt: { name: 'resolved_at', type: 'timestamptz', nullable: true },
    transferId: { name: 'transfer_id', type: 'uuid', nullable: true },
    convertedAt: { name: 'converted_at', type: 'timestamptz', nullable: true },
    convertedBy: { name: 'converted_by', type: 'text', nullable: true },
    supervisionMatterId: { name: 'supervision_matter_id', type: 'uuid', nullable: true },
    signal: { type: 'text' },
    dismissedAt: { name: 'dismissed_at', type: 'timestamptz', nullable: true },
    dismissedBy: { name: 'dismissed_by', type: 'text', nullable: true },
    dismissalReason: { name: 'dismissal_reason', type: 'text', nullable: true },
  },
});

export const ALERT_SDL = `
"""以罚代刑 (a case over a prosecution threshold, not transferred) or a repeat offender (行政处罚后又实施)"""
enum AlertKind { THRESHOLD REPEAT_OFFENDER }

"""
OPEN: a lead to act on; TRANSFERRED: the case was transferred, public security has yet to decide (not
settled); CONVERTED into a supervision matter; RESOLVED: public security filed the case (立案);
DISMISSED by a procurator, with the reason
"""
enum AlertStatus { OPEN TRANSFERRED CONVERTED RESOLVED DISMISSED }

"""What the lead is: 有案不移 / 以罚代刑 (no transfer), or 有案不立 (a transfer public security refused to file)"""
enum AlertSignal { NOT_TRANSFERRED NOT_FILED }

"""A figure of the case that met the rule, and the threshold it met."""
type AlertFigure {
  "the figure's name in the rule data (schema/thresholds.json), e.g. salesAmount, or a combination such as salesAmount×3+unsoldGoodsValue; priorPenalties for repeat offenders"
  name: String!
  value: Float!
  threshold: Float!
}

"""
A lead for the procuratorate: a case of the index that meets a prosecution-threshold rule with no
transfer, or a party's case after enough administrative penalties within the rule's window
(across agencies). Judged by the rule version in force at the conduct (conductAt; the decision
date when the agency recorded none), unless the one in force at the decision no longer makes it a
crime (从旧兼从轻). Only a filed transfer or a procurator's dismissal settles it. Visible under
supervision:read to the procurators and the justice bureau whose jurisdiction covers the case's region.
"""
type Alert @key(fields: "id") @requiresScopes(scopes: [["supervision:read"]]) {
  id: ID!
  case: EnforcementCase
  kind: AlertKind!
  "the offence code of the rule (e.g. CL140)"
  ruleCode: String!
  "the version of the rule in force at the case's decision (e.g. 2008)"
  ruleVersion: String!
  citation: String!
  "the rule needs a procurator's check before converting (qualitative offences, conditions the index cannot see)"
  review: Boolean!
  note: String
  figures: [AlertFigure!]!
  "REPEAT_OFFENDER: the party's earlier administrative penalties that count, from any agency"
  priorCases: [EnforcementCase!]
  status: AlertStatus!
  signal: AlertSignal!
  raisedAt: DateTime!
  "RESOLVED: when public security filed the case"
  resolvedAt: DateTime
  "DISMISSED: when, and the procurator's reason"
  dismissedAt: DateTime
  dismissalReason: String
  "CONVERTED: the supervision matter it became"
  supervision: SupervisionMatter
}

type AlertEdge { cursor: String! node: Alert }
type AlertConnection { edges: [AlertEdge!]! pageInfo: PageInfo! }
`;

export const ALERT_QUERY_SDL = `
  "以罚代刑 and repeat-offender alerts of the caller's jurisdiction (supervision:read), newest first"
  alerts(status: AlertStatus, first: Int, after: String, last: Int, before: String): AlertConnection @requiresScopes(scopes: [["supervision:read"]])`;

export const ALERT_MUTATION_SDL = `
  "Turns an OPEN alert into a supervision matter (移送监督) on its case, in one step: a procurator of the case's region"
  convertAlert(id: ID!, summary: String): SupervisionMatter @requiresScopes(scopes: [["supervision:write"]])
  "Dismisses an OPEN alert with the reason (e.g. the figures were corrected, the conduct is not a crime): a procurator of the case's region"
  dismissAlert(id: ID!, reason: String!): Alert @requiresScopes(scopes: [["supervision:write"]])`;

// ── incoming events ────────────────────────────────────────────────────────────────────────

const toDate = (v: string | null | undefined): Date | null => (v ? new Date(v) : null);


/** Serialises work on the same cases (an index event and a transfer copy may arrive together). */
async function lockCases(tx: Queryable, caseIds: string[]): Promise<void> {
  const ids = [...new Set(caseIds)].sort();
  if (!ids.length) return;
  await tx.query(`SELECT pg_advisory_xact_lock(k) FROM (SELECT hashtextextended(id, 0) AS k FROM unnest($1::text[]) AS id ORDER BY 1 OFFSET 0) s`, [ids]);
}

interface NewAlert { caseId: string; kind: AlertKind; agencyCode: string; region: string; hit: Hit; priorCaseIds: string[] }

/** Judges what the index applied: thresholds for the case, repeat rules across the party's cases. */
export function alertsFor(e: IndexEvent): NewAlert[] {
  const found: NewAlert[] = [];
  const decidedAt = toDate(e.decidedAt);
  const conductAt = toDate(e.conductAt);
  const recordedAt = new Date(e.recordedAt);
  // The party's history: this case and its others in the index, any agency.
  const others = e.partyCases ?? [];
  const history: PartyCase[] = [
    { caseId: e.caseId, offenceCode: e.offenceCode, actType: e.actType, decidedAt, region: e.region },
    ...others.map((o) => ({ caseId: o.caseId, offenceCode: o.offenceCode, actType: o.actType, decidedAt: toDate(o.decidedAt), region: o.region })),
  ];
  // 以罚代刑 is a decided case (the administrative decision taken) over a threshold: a case still
  // under investigation may yet be transferred, and is judged again at its decision (a new version).
  // Screened for its own offence code and every offence its 案由 maps to (screening.ts).
  if (decidedAt) {
    const facts = {
      region: e.region, partyKind: e.partyKind, decidedAt, conductAt, recordedAt,
      amountInvolved: e.amountInvolved, fineAmount: e.fineAmount, figures: e.figures ?? {}, attributes: e.attributes ?? {},
    };
    // 刑法 第二百零一条第四款: prior penalties that remove the first-offence exemption (the amounts still apply).
    const exemptionGone = evaluateRepeat(history, RULES, (c) => c.caseId === e.caseId, 'removesExemption');
    for (const offenceCode of candidateOffences({ caseType: e.caseType, cause: e.cause, offenceCode: e.offenceCode, at: conductAt ?? decidedAt })) {
      const hit = evaluateThreshold({ ...facts, offenceCode }, RULES);
      if (!hit) continue;
      const gone = exemptionGone.find((r) => r.ruleCode === hit.ruleCode);
      const judged = gone ? {
        ...hit, review: false,
        note: [hit.note, `${gone.figures[0].value} prior administrative penalties within the window (${gone.citation}): the first-offence exemption does not apply.`].filter(Boolean).join(' '),
      } : hit;
      found.push({ caseId: e.caseId, kind: 'THRESHOLD', agencyCode: e.agencyCode, region: e.region, hit: judged, priorCaseIds: gone?.priorCaseIds ?? [] });
    }
  }

  // Repeat offenders: judged are this case and the party's later cases (a late-recorded earlier
  // penalty can make a later case a repeat).
  const where = new Map<string, { agencyCode: string; region: string }>([[e.caseId, e], ...others.map((o) => [o.caseId, o] as const)]);
  const judged = (c: PartyCase) => c.caseId === e.caseId || (!!decidedAt && !!c.decidedAt && c.decidedAt > decidedAt);
  for (const hit of evaluateRepeat(history, RULES, judged)) {
    const at = where.get(hit.caseId)!;
    found.push({ caseId: hit.caseId, kind: 'REPEAT_OFFENDER', agencyCode: at.agencyCode, region: at.region, hit, priorCaseIds: hit.priorCaseIds });
  }
  return found;
}

/** What the procuratorate knows of a case's transfer: none, awaiting the filing decision, filed or refused. */
type TransferState = { transferId: string; filing: 'FILED' | 'REFUSED' | null } | undefined;

async function transferStates(tx: Queryable, caseIds: string[]): Promise<Map<string, TransferState>> {
  const rows: { case_id: string; transfer_id: string; filing: 'FILED' | 'REFUSED' | null }[] = await tx.query(
    `SELECT case_id, transfer_id, filing FROM transferred_case WHERE case_id = ANY($1::uuid[])`, [[...new Set(caseIds)]]);
  return new Map(rows.map((r) => [r.case_id, { transferId: r.transfer_id, filing: r.filing }]));
}

/**
 * POST /internal/case-events (from justice): judge each applied index event once. One alert per
 * case, kind and rule: a new version of the case refreshes it (whatever its status, the facts are
 * the case's latest) and never raises a second one. A new alert: with no transfer, OPEN 以罚代刑
 * (NOT_TRANSFERRED); with a transfer awaiting public security's decision, TRANSFERRED (a refusal
 * then re-opens it, whichever message arrives first); after a refusal, OPEN 有案不立 (NOT_FILED);
 * after a filing, none.
 */
export function applyIndexEvents(runtime: SubgraphRuntime, body: unknown) {
  return receiveOnce(runtime, INDEX_EVENT, body, async (tx, fresh) => {
    const found = fresh.flatMap(alertsFor);
    if (!found.length) return;
    await lockCases(tx, found.map((a) => a.caseId));
    const transfers = await transferStates(tx, found.map((a) => a.caseId));
    type Judged = NewAlert & { signal: AlertSignal | null; status: AlertStatus };
    const rows = new Map<string, Judged>();
    for (const a of found) {
      const t = transfers.get(a.caseId);
      // signal null: a filed case; its existing alerts are refreshed, none is raised.
      const [signal, status]: [AlertSignal | null, AlertStatus] = !t ? ['NOT_TRANSFERRED', 'OPEN']
        : t.filing === 'REFUSED' ? ['NOT_FILED', 'OPEN'] : t.filing === 'FILED' ? [null, 'RESOLVED'] : ['NOT_TRANSFERRED', 'TRANSFERRED'];
      rows.set(`${a.caseId}/${a.kind}/${a.hit.ruleCode}`, { ...a, signal, status });
    }
    const now = runtime.now();
    const payload = (list: Judged[]) => JSON.stringify(list.map((a) => ({
      id: randomUUID(), caseId: a.caseId, kind: a.kind, ruleCode: a.hit.ruleCode, ruleVersion: a.hit.ruleVersion, citation: a.hit.citation,
      review: a.hit.review, note: a.hit.note, figures: a.hit.figures, priorCaseIds: a.priorCaseIds, agencyCode: a.agencyCode, region: a.region,
      signal: a.signal, status: a.status, transferId: transfers.get(a.caseId)?.transferId ?? null,
    })));
    const all = [...rows.values()];
    // The case's latest facts on its existing alerts, whatever their status.
    await tx.query(`
      UPDATE alert a SET rule_version = x."ruleVersion", citation = x.citation, review = x.review, note = x.note, figures = x.figures,
        prior_case_ids = ARRAY(SELECT jsonb_array_elements_text(x."priorCaseIds"))::uuid[], agency_code = x."agencyCode", region = x.region, updated_at = $2
      FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, kind text, "ruleCode" text, "ruleVersion" text, citation text,
        review boolean, note text, figures jsonb, "priorCaseIds" jsonb, "agencyCode" text, region text)
      WHERE a.case_id = x."caseId" AND a.kind = x.kind AND a.rule_code = x."ruleCode"`, [payload(all), now]);
    const raised = all.filter((a) => a.signal);
    if (!raised.length) return;
    await tx.query(`
      INSERT INTO alert (id, case_id, kind, rule_code, rule_version, citation, review, note, figures, prior_case_ids,
        agency_code, region, status, signal, transfer_id, raised_at, updated_at)
      SELECT x.id, x."caseId", x.kind, x."ruleCode", x."ruleVersion", x.citation, x.review, x.note, x.figures,
        ARRAY(SELECT jsonb_array_elements_text(x."priorCaseIds"))::uuid[], x."agencyCode", x.region, x.status, x.signal, x."transferId", $2, $2
      FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "caseId" uuid, kind text, "ruleCode" text, "ruleVersion" text, citation text,
        review boolean, note text, figures jsonb, "priorCaseIds" jsonb, "agencyCode" text, region text, signal text, status text, "transferId" uuid)
      ON CONFLICT ON CONSTRAINT alert_once_per_rule DO NOTHING`, [payload(raised), now]);
  });
}

/**
 * POST /internal/transfer-events (from public security, 抄送): the case is transferred. Its open
 * alerts wait for public security's decision (TRANSFERRED); a transfer alone settles nothing.
 * A new transfer of a refused case (new evidence) waits again.
 */
export function applyTransferEvents(runtime: SubgraphRuntime, body: unknown) {
  return receiveOnce(runtime, TRANSFER_EVENT, body, async (tx, fresh) => {
    await lockCases(tx, fresh.map((e) => e.caseId));
    const payload = JSON.stringify(fresh.map((e) => ({ caseId: e.caseId, transferId: e.transferId, agencyCode: e.agencyCode, region: e.region, submittedAt: e.submittedAt })));
    const now = runtime.now();
    // A filing outcome may have arrived first (another outbox): the row is then there, with its outcome.
    await tx.query(`
      INSERT INTO transferred_case (case_id, transfer_id, agency_code, region, submitted_at)
      SELECT x."caseId", x."transferId", x."agencyCode", x.region, x."submittedAt"
      FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, "transferId" uuid, "agencyCode" text, region text, "submittedAt" timestamptz)
      ON CONFLICT (case_id) DO UPDATE SET transfer_id = excluded.transfer_id, submitted_at = excluded.submitted_at, filing = NULL, filing_at = NULL
      WHERE transferred_case.transfer_id <> excluded.transfer_id AND transferred_case.filing = 'REFUSED'`, [payload]);
    await tx.query(`
      UPDATE alert a SET transfer_id = t.transfer_id, updated_at = $2, status = 'TRANSFERRED'
      FROM transferred_case t WHERE t.case_id = a.case_id AND t.filing IS NULL AND a.status = ANY($3) AND t.case_id = ANY($1::uuid[])`,
    [fresh.map((e) => e.caseId), now, alertFlow.steps.transferred.from]);
  });
}

/** A filing decision of public security on a transferred case (its filing events, 抄送 to the procuratorate). */
export interface FilingOutcome {
  kind: string; // REFUSED, REFUSAL_UPHELD, FILED; other kinds are no outcome
  caseId: string; transferId: string; agencyCode: string; region: string;
  at: string;
}

/**
 * The alerts' side of public security's filing events, in the receiver's transaction: a filed case
 * resolves its alerts (not those a procurator converted or dismissed); a refusal, first or upheld
 * on reconsideration, re-opens them as 有案不立 (NOT_FILED) — the procuratorate's lead to supervise the filing.
 */
export async function applyFilingOutcomes(tx: Queryable, events: FilingOutcome[], now: Date): Promise<void> {
  const outcome = (kind: string) => (kind === 'FILED' ? 'FILED' : kind === 'REFUSED' || kind === 'REFUSAL_UPHELD' ? 'REFUSED' : null);
  const decided = events.map((e) => ({ ...e, filing: outcome(e.kind) })).filter((e) => e.filing);
  if (!decided.length) return;
  await lockCases(tx, decided.map((e) => e.caseId));
  for (const e of decided) {
    await tx.query(`
      INSERT INTO transferred_case (case_id, transfer_id, agency_code, region, submitted_at, filing, filing_at)
      VALUES ($1, $2, $3, $4, $5, $6, $5)
      ON CONFLICT (case_id) DO UPDATE SET transfer_id = excluded.transfer_id, filing = excluded.filing, filing_at = excluded.filing_at`,
    [e.caseId, e.transferId, e.agencyCode, e.region, e.at, e.filing]);
    if (e.filing === 'FILED') {
      await tx.query(`UPDATE alert SET status = 'RESOLVED', resolved_at = $2, transfer_id = $3, updated_at = $2
        WHERE case_id = $1 AND status = ANY($4)`, [e.caseId, now, e.transferId, alertFlow.steps.filed.from]);
    } else {
      await tx.query(`UPDATE alert SET status = 'OPEN', signal = 'NOT_FILED', resolved_at = NULL, transfer_id = $3, updated_at = $2
        WHERE case_id = $1 AND status = ANY($4)`, [e.caseId, now, e.transferId, alertFlow.steps.refused.from]);
    }
  }
}

// ── reading and converting ─────────────────────────────────────────────────────────────────

/** Alerts are supervision leads: read under supervision:read over the case's region (resources/alert.ts). */
export function mayReadAlert(ctx: Ctx, row: AlertRow): boolean {
  return may(ctx.identity, alertRule, 'read', row);
}

export function alertLoaders(runtime: SubgraphRuntime) {
  return {
    alertById: uuidLoader<AlertRow>((ids) => runtime.db.getRepository(Alert).findBy({ id: In(ids) }), (r) => r.id),
  };
}

/** A uuid[] column as a list, whichever way the driver hands it over. */
const uuidList = (value: string[] | string | null): string[] =>
  Array.isArray(value) ? value : typeof value === 'string' ? value.replace(/^\{|\}$/g, '').split(',').filter(Boolean) : [];

const visible = (ctx: Ctx, row: AlertRow | null) => (row && mayReadAlert(ctx, row) ? row : null);

export async function listAlerts(ctx: Ctx, status: AlertStatus | null | undefined, page: PageArgs = {}) {
  if (mayFilter(ctx.identity, alertRule, 'read').kind === 'none') return EMPTY_CONNECTION;
  const rule = alertReadSql(ctx.identity, 'a');
  const qb = ctx.runtime.db.getRepository(Alert).createQueryBuilder('a').where(rule.sql, rule.params);
  if (status) qb.andWhere('a.status = :status', { status });
  const connection = await keysetPage(qb, { column: 'a.raised_at', timeOf: (row) => row.raisedAt, ...page });
  // Prime the loader so entity fetches for this page cost no further statements.
  for (const { node } of connection.edges) ctx.loaders.alertById.prime(node.id, node);
  return connection;
}

export const alertQueries = {
  alerts: (_: unknown, { status, ...page }: { status?: AlertStatus | null; first?: number | null; after?: string | null; last?: number | null; before?: string | null }, ctx: Ctx) =>
    listAlerts(ctx, status, page),
};

export const alertMutations = {
  /** 以罚代刑线索 → 移送监督: the supervision matter and the alert's conversion commit together. */
  async convertAlert(_: unknown, { id, summary }: { id: string; summary?: string | null }, ctx: Ctx) {
    const { identity } = ctx;
    requireScope(identity, alertRule.actions.convert.scope, 'convert an alert');
    const alert = await ctx.loaders.alertById.load(id);
    if (!alert) throw notFound('Alert', id);
    // A procuratorate whose jurisdiction covers the case's region, in its own name.
    requireMay(identity, alertRule, 'convert', alert);
    const notOpen = (status: string) => `only an OPEN alert can be converted; this one is ${status}`;
    alertFlow.requireFrom('convert', alert, 'converting an alert');
    const text = optionalText('summary', summary, 2000) ?? (alert.kind === 'THRESHOLD'
      ? `以罚代刑线索: 达到${alert.ruleCode}立案追诉标准 (${alert.ruleVersion}) 未移送; ${alert.citation}`.slice(0, 2000)
      : `多次行政处罚线索: ${alert.ruleCode} (${alert.ruleVersion}); ${alert.citation}`.slice(0, 2000));
    const now = ctx.runtime.now();
    const matter: SupervisionMatterRow = {
      id: randomUUID(), caseId: alert.caseId, kind: 'TRANSFER_SUPERVISION', status: 'OPEN', summary: text, notes: null,
      procuratorateCode: identity.org!, region: alert.region, openedBy: identity.sub, openedAt: now, closedBy: null, closedAt: null,
    };
    await ctx.runtime.db.transaction(async (tx) => {
      await tx.getRepository(SupervisionMatter).insert(matter);
      await reportSupervisionState(tx, matter, now);
      // Guarded by the state seen: of two conversions (or a conversion and a transfer) one wins.
      await guardedUpdate<{ status: string }>(tx, {
        table: 'alert', id: alert.id, expect: { status: 'OPEN' }, returning: 'status',
        set: { status: 'CONVERTED', converted_at: now, converted_by: identity.sub, supervision_matter_id: matter.id, updated_at: now },
      }, { type: 'Alert', conflict: (current) => notOpen(current.status) });
    });
    nudgeOutbox(ctx.runtime, CASE_STATE_OUTBOX);
    ctx.loaders.alertById.clear(alert.id);
    ctx.loaders.supervisionById.clear(matter.id).prime(matter.id, matter);
    return matter;
  },

  /** A procurator settles an open lead with a reason (e.g. the figures were corrected, no crime): it stays on record. */
  async dismissAlert(_: unknown, { id, reason }: { id: string; reason: string }, ctx: Ctx) {
    const { identity } = ctx;
    requireScope(identity, alertRule.actions.convert.scope, 'dismiss an alert');
    const alert = await ctx.loaders.alertById.load(id);
    if (!alert || !mayReadAlert(ctx, alert)) throw notFound('Alert', id);
    // The same procuratorate that may convert it (resources/alert.ts).
    requireMay(identity, alertRule, 'convert', alert);
    const text = requireText('reason', reason, 2000);
    const notOpen = (status: string) => `only an OPEN alert can be dismissed; this one is ${status}`;
    alertFlow.requireFrom('dismiss', alert, 'dismissing an alert');
    const now = ctx.runtime.now();
    await guardedUpdate<{ status: string }>(ctx.runtime.db, {
      table: 'alert', id: alert.id, expect: { status: 'OPEN' }, returning: 'status',
      set: { status: 'DISMISSED', dismissed_at: now, dismissed_by: identity.sub, dismissal_reason: text, updated_at: now },
    }, { type: 'Alert', conflict: (current) => notOpen(current.status) });
    ctx.loaders.alertById.clear(alert.id);
    return ctx.loaders.alertById.load(alert.id);
  },
};

export const alertFields = {
  __resolveReference: async (ref: { id: string }, ctx: Ctx) => visible(ctx, await ctx.loaders.alertById.load(ref.id)),
  case: (row: AlertRow) => ({ __typename: 'EnforcementCase', id: row.caseId }),
  priorCases: (row: AlertRow) => uuidList(row.priorCaseIds).map((id) => ({ __typename: 'EnforcementCase', id })),
  supervision: async (row: AlertRow, _: unknown, ctx: Ctx) => (row.supervisionMatterId ? visibleMatter(ctx, await ctx.loaders.supervisionById.load(row.supervisionMatterId)) : null),
};
