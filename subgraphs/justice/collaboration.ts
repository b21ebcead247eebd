import { randomUUID } from 'node:crypto';
import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import type { Identity } from '../../kit/identity';
import { keysetPageSql } from '../../kit/cursor';
import { dueAt } from '../../kit/deadlines';
import { badInput, notFound } from '../../kit/errors';
import { guardedUpdate } from '../../kit/guarded-update';
import { isUuid, perRequest, uuidLoader } from '../../kit/loaders';
import { may, requireMay, requireScope } from '../../kit/access';
import { optionalText, requireText, Violations } from '../../kit/rules';
import type { Queryable } from '../../kit/outbox';
import type { Notification } from '../../kit/notifications';
import { storeNotifications } from './inbox';
import { readableCase } from './cases';
import type { JusticeLoaders } from './loaders';
import { collaborationMatterRule, matterReadSql, mayReadMatter } from './resources/collaboration-matter';
import {
  collaborationFlow, COLLABORATION_KINDS, KIND_SPECS, systemUnit, type CollaborationKind, type CollaborationStatus, type UnitKind,
} from './collaboration-kinds';

// Collaboration matters between the owners (collaboration-kinds.ts: the four kinds as data).
// The justice platform keeps them all: it already keeps every unit's inbox and the directory of
// units, and a matter belongs to two units of possibly different owners (a bureau and public
// security, the procuratorate and a bureau) — kept at one place, it is answered, listed and
// overdue in one way, without a message between owners for each step.

type Ctx = SubgraphContext<JusticeLoaders>;

export interface CollaborationRow {
  id: string; kind: CollaborationKind; requesterUnit: string; addresseeUnit: string; region: string; caseId: string | null;
  subject: string; requestedAt: Date; requestedBy: string; answerDueAt: Date | null; status: CollaborationStatus;
  answer: string | null; answeredAt: Date | null; urgeCount: number; lastUrgedAt: Date | null;
}

const COLUMNS = `id, kind, requester_unit AS "requesterUnit", addressee_unit AS "addresseeUnit", region, case_id AS "caseId", subject,
  requested_at AS "requestedAt", requested_by AS "requestedBy", answer_due_at AS "answerDueAt", status, answer, answered_at AS "answeredAt",
  urge_count AS "urgeCount", last_urged_at AS "lastUrgedAt"`;

const mattersOf = perRequest((runtime: SubgraphRuntime) =>
  uuidLoader<CollaborationRow>((ids) => runtime.db.query(`SELECT ${COLUMNS} FROM collaboration_matter WHERE id = ANY($1)`, [ids]), (r) => r.id));

const visible = (identity: Identity, row: CollaborationRow | null) => (row && mayReadMatter(identity, row) ? row : null);

async function readable(ctx: Ctx, id: string): Promise<CollaborationRow> {
  if (!isUuid(id)) throw badInput('id', 'uuid', 'is not a collaboration matter id (a UUID)');
  const row = visible(ctx.identity, await mattersOf(ctx).load(id));
  if (!row) throw notFound('CollaborationMatter', id);
  return row;
}

const isOverdue = (row: CollaborationRow, now: Date) => row.status === 'OPEN' && !!row.answerDueAt && row.answerDueAt.getTime() < now.getTime();

function notices(row: CollaborationRow, kind: Notification['kind'], title: string, to: string, at: Date): (Notification & { id: string })[] {
  return [{ id: randomUUID(), recipient: { org: to }, kind, title, subjectType: 'COLLABORATION_MATTER', subjectId: row.id, region: row.region, occurredAt: at.toISOString() }];
}

/** The kind and region of a unit of the supervision system: a bureau of the directory, or public security, a procuratorate, a justice bureau. */
async function unitOf(ctx: Ctx, code: string): Promise<{ kind: UnitKind; region: string } | null> {
  const system = systemUnit(code);
  if (system) return system;
  const bureau = await ctx.loaders.agencyByCode.load(code);
  return bureau ? { kind: 'BUREAU', region: bureau.region } : null;
}

interface RequestInput { kind: CollaborationKind; addresseeUnit: string; caseId?: string | null; subject: string; answerDueAt?: Date | null }
interface AnswerInput { answer: string; outcome?: CollaborationStatus | null }

export const collaborationMutations = {
  /** Opens a matter of any kind from the caller's unit; every broken rule at once, nothing written on any. */
  async requestCollaboration(_: unknown, { input }: { input: RequestInput }, ctx: Ctx) {
    const { identity, runtime } = ctx;
    const spec = KIND_SPECS[input.kind];
    if (!spec) throw badInput('input.kind', 'oneOf', `must be one of ${COLLABORATION_KINDS.join(', ')}`);
    const action = spec.openedBy;
    requireScope(identity, collaborationMatterRule.actions[action].scope, `open a ${spec.label} matter`);
    const requesterUnit = identity.org;
    if (!requesterUnit) throw badInput('input', 'unit', 'your token names no unit to open the matter from');
    const now = runtime.now();
    const v = new Violations();
    const subject = v.check(() => requireText('input.subject', input.subject, 5000), '');

    const code = v.check(() => requireText('input.addresseeUnit', input.addresseeUnit, 64), '');
    const addressee = code ? await unitOf(ctx, code) : null;
    let place: { requesterUnit: string; addresseeUnit: string; region: string } | null = null;
    if (code && !addressee) v.add('input.addresseeUnit', 'exists', `no unit with code ${code} in the directory`);
    else if (code === requesterUnit) v.add('input.addresseeUnit', 'notSelf', 'a unit does not address a matter to itself');
    else if (addressee && !spec.addressees.includes(addressee.kind)) {
      v.add('input.addresseeUnit', 'receives', `a ${spec.label} matter goes to ${spec.addressees.join(' or ')}, and ${code} is ${addressee.kind}`);
    } else if (addressee) {
      place = { requesterUnit, addresseeUnit: code, region: addressee.region };
      if (!may(identity, collaborationMatterRule, action, place)) {
        v.add('input.addresseeUnit', 'jurisdiction', `unit ${code} is outside your jurisdiction`);
        place = null;
      }
    }

    let caseId: string | null = null;
    if (input.caseId) {
      const indexed = isUuid(input.caseId) ? await readableCase(ctx, input.caseId) : null;
      if (!indexed) v.add('input.caseId', 'exists', `no case ${input.caseId} you may read in the case index`);
      else caseId = indexed.id;
    }

    // 答复期限: the law's for 案件咨询 (received on the platform the moment it is sent: receipt is
    // the request's instant), the requester's own for the other kinds, required for 交办.
    let answerDueAt: Date | null = null;
    const given = input.answerDueAt ?? null;
    if (typeof spec.due === 'object') {
      if (given) v.add('input.answerDueAt', 'byLaw', `the answer to a ${spec.label} is due by law (schema/deadlines.json ${spec.due.law}); set no date`);
      else answerDueAt = dueAt(spec.due.law, { receivedAt: now });
    } else if (!given) {
      if (spec.due === 'required') v.add('input.answerDueAt', 'required', `a ${spec.label} matter needs the date its report is due`);
    } else if (!(given instanceof Date) || given.getTime() <= now.getTime()) {
      v.add('input.answerDueAt', 'future', 'must be after now');
    } else answerDueAt = given;
    v.throwIfAny();

    const id = randomUUID();
    const row = await runtime.db.transaction(async (tx) => {
      const [inserted]: CollaborationRow[] = await tx.query(`
        INSERT INTO collaboration_matter (id, kind, requester_unit, addressee_unit, region, case_id, subject, requested_at, requested_by, answer_due_at, status)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'OPEN') RETURNING ${COLUMNS}`,
      [id, input.kind, place!.requesterUnit, place!.addresseeUnit, place!.region, caseId, subject, now, identity.sub, answerDueAt]);
      await storeNotifications(tx, notices(inserted, 'COLLABORATION_REQUESTED', `${spec.label}: ${inserted.requesterUnit}`, inserted.addresseeUnit, now));
      return inserted;
    });
    mattersOf(ctx).prime(row.id, row);
    return row;
  },

  /** The addressed unit's answer (答复, 反馈, 报告办理结果; 提前介入: accepted or declined, with reasons). */
  async answerCollaboration(_: unknown, { id, input }: { id: string; input: AnswerInput }, ctx: Ctx) {
    const { identity } = ctx;
    requireScope(identity, collaborationMatterRule.actions.answer.scope, 'answer a collaboration matter');
    const matter = await readable(ctx, id);
    requireMay(identity, collaborationMatterRule, 'answer', matter);
    const spec = KIND_SPECS[matter.kind];
    const v = new Violations();
    const answer = v.check(() => requireText('input.answer', input.answer, 5000), '');
    const outcome = input.outcome ?? (spec.outcomes.length === 1 ? spec.outcomes[0] : null);
    if (!outcome) v.add('input.outcome', 'required', `a ${spec.label} is answered ${spec.outcomes.join(' or ')}`);
    else if (!spec.outcomes.includes(outcome)) v.add('input.outcome', 'oneOf', `a ${spec.label} is answered ${spec.outcomes.join(' or ')}`);
    v.throwIfAny();
    collaborationFlow.requireFrom('answer', matter, 'answering a matter');
    const now = ctx.runtime.now();
    const row = await ctx.runtime.db.transaction(async (tx) => {
      const updated = await guardedUpdate<CollaborationRow>(tx, {
        table: 'collaboration_matter', id: matter.id, expect: { status: 'OPEN' },
        set: { status: collaborationFlow.to('answer', outcome!), answer, answered_at: now, answered_by: identity.sub }, returning: COLUMNS,
      }, { type: 'CollaborationMatter', conflict: (current) => `answering a matter: matter ${matter.id} is ${current.status} now; reload it` });
      await storeNotifications(tx as Queryable, notices(updated, 'COLLABORATION_ANSWERED', `${spec.label}答复: ${updated.addresseeUnit}`, updated.requesterUnit, now));
      return updated;
    });
    mattersOf(ctx).clear(row.id).prime(row.id, row);
    return row;
  },

  /** 督办: the requesting unit urges a matter still open past its due date; the addressed unit is reminded. */
  async urgeCollaboration(_: unknown, { id, note }: { id: string; note?: string | null }, ctx: Ctx) {
    const { identity } = ctx;
    requireScope(identity, collaborationMatterRule.actions.urge.scope, 'urge a collaboration matter');
    const matter = await readable(ctx, id);
    requireMay(identity, collaborationMatterRule, 'urge', matter);
    const v = new Violations();
    const text = v.check(() => optionalText('note', note, 2000), null);
    v.throwIfAny();
    collaborationFlow.requireFrom('urge', matter, 'urging a matter');
    const now = ctx.runtime.now();
    if (!isOverdue(matter, now)) throw badInput('id', 'overdue', `matter ${matter.id} is not past its due date; it is urged once overdue`);
    const spec = KIND_SPECS[matter.kind];
    const row = await ctx.runtime.db.transaction(async (tx) => {
      const updated = await guardedUpdate<CollaborationRow>(tx, {
        table: 'collaboration_matter', id: matter.id, expect: { status: 'OPEN', urge_count: matter.urgeCount },
        set: { urge_count: matter.urgeCount + 1, last_urged_at: now }, returning: COLUMNS,
      }, { type: 'CollaborationMatter', conflict: (current) => `urging a matter: matter ${matter.id} changed (${current.status}); reload it` });
      await storeNotifications(tx as Queryable, notices(updated, 'COLLABORATION_URGED', `督办${spec.label}: ${text ?? updated.requesterUnit}`, updated.addresseeUnit, now));
      return updated;
    });
    mattersOf(ctx).clear(row.id).prime(row.id, row);
    return row;
  },
};

interface ListArgs {
  kind?: CollaborationKind | null; status?: CollaborationStatus | null; overdue?: boolean | null;
  first?: number | null; after?: string | null; last?: number | null; before?: string | null;
}

/** The matters the caller reads, newest first (one page, keyset). */
async function listMatters(ctx: Ctx, args: ListArgs) {
  const params: unknown[] = [];
  const rule = matterReadSql(ctx.identity, 'm');
  const where = [rule.sql.replace(/:(\w+)/g, (_, name: string) => { params.push(rule.params[name]); return `$${params.length}`; })];
  if (args.kind) { params.push(args.kind); where.push(`m.kind = $${params.length}`); }
  if (args.status) { params.push(args.status); where.push(`m.status = $${params.length}`); }
  if (args.overdue !== null && args.overdue !== undefined) {
    params.push(ctx.runtime.now());
    where.push(`${args.overdue ? '' : 'NOT '}(m.status = 'OPEN' AND m.answer_due_at IS NOT NULL AND m.answer_due_at < $${params.length})`);
  }
  const connection = await keysetPageSql<CollaborationRow>(params, { column: 'm.requested_at', idColumn: 'm.id', timeOf: (row) => row.requestedAt, first: args.first, after: args.after, last: args.last, before: args.before },
    (page) => ctx.runtime.db.query(`SELECT ${COLUMNS} FROM collaboration_matter m WHERE ${where.join(' AND ')} AND ${page.where} ${page.orderLimit}`, params));
  // The SQL applied the row rule; the rule in code is checked again on every row (defense in depth).
  const edges = connection.edges.filter((edge) => mayReadMatter(ctx.identity, edge.node));
  for (const { node } of edges) mattersOf(ctx).prime(node.id, node);
  return { ...connection, edges };
}

export const collaborationQueries = {
  collaborationMatter: async (_: unknown, { id }: { id: string }, ctx: Ctx) =>
    (isUuid(id) ? visible(ctx.identity, await mattersOf(ctx).load(id)) : null),
  collaborationMatters: (_: unknown, args: ListArgs, ctx: Ctx) => listMatters(ctx, args),
};

/**
 * The subject and the answer are free text that may name persons (a clue names a suspect; a
 * consultation describes a party): each release is recorded for the audit log (kit/releases.ts),
 * like a party's name.
 */
const released = (field: 'subject' | 'answer') => (row: CollaborationRow, _: unknown, ctx: Ctx) => {
  const value = row[field];
  if (value !== null) ctx.releases.push({ coordinate: `CollaborationMatter.${field}`, entityId: row.id, decision: 'full' });
  return value;
};

export const collaborationFields = {
  __resolveReference: async (ref: { id: string }, ctx: Ctx) => (isUuid(ref.id) ? visible(ctx.identity, await mattersOf(ctx).load(ref.id)) : null),
  case: (row: CollaborationRow, _: unknown, ctx: Ctx) => (row.caseId ? readableCase(ctx, row.caseId) : null),
  overdue: (row: CollaborationRow, _: unknown, ctx: Ctx) => isOverdue(row, ctx.runtime.now()),
  subject: released('subject'),
  answer: released('answer'),
};

/** OverdueItems.collaborationMatters: open matters past their due date among those the caller reads. */
export const overdueCollaborationField = {
  collaborationMatters: async (_: unknown, __: unknown, ctx: Ctx) =>
    (await listMatters(ctx, { overdue: true, first: 100 })).edges.map((edge) => edge.node),
};

/** InboxItem.collaborationMatter: the matter a notification is about, if the caller may read it. */
export const inboxCollaborationField = {
  collaborationMatter: async (row: { subjectType: string; subjectId: string }, _: unknown, ctx: Ctx) =>
    (row.subjectType === 'COLLABORATION_MATTER' ? visible(ctx.identity, await mattersOf(ctx).load(row.subjectId)) : null),
};
