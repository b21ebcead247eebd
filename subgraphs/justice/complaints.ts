import { randomUUID } from 'node:crypto';
import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { keysetPageSql } from '../../kit/cursor';
import { badInput, notFound } from '../../kit/errors';
import { guardedUpdate } from '../../kit/guarded-update';
import { isUuid, perRequest, uuidLoader } from '../../kit/loaders';
import { may, requireMay, requireScope } from '../../kit/access';
import { maskPhone } from '../../kit/personal-data';
import { requirePhone, requireText, Violations } from '../../kit/rules';
import { addressedBureau } from './addressed-bureau';
import type { JusticeLoaders } from './loaders';
import { opinionsOf } from './supervision-opinions';
import { mayReadOpinion } from './resources/supervision-opinion';
import { atRest, type SealedTable } from '../../kit/at-rest';
import { complainantDecision, complaintReadSql, complaintRule, mayReadComplaint } from './resources/complaint';

// 投诉举报 (seed 003 三(三) 坚持……投诉举报制度; 四 区行政执法监督平台 受理各类行政执法举报、投诉,
// 做到行政执法活动可投诉、可追溯、可监督): the justice bureau receives (受理) a complaint or report from
// the public about a bureau's enforcement, and either makes it a supervision matter — a
// 行政执法监督意见书 (supervision-opinions.ts) to that bureau, linked here — or dismisses it with
// its reasons; either way the complainant is answered (答复). The seed sets no period for the
// answer, so the justice bureau sets the due date when it receives the complaint (answerDueAt);
// one still RECEIVED past it is overdue.
//
// The complainant's name and phone are personal data (个人信息保护法 第28条: 敏感 where disclosure
// may harm them): in full only to the justice bureau of the region with a stated reason, masked to
// the procuratorate, and never to the bureau complained about (resources/complaint.ts). They are
// stored plain: justice has no data key (kit/at-rest.ts is set up for the agencies and public
// security only), so sealing them needs DATA_KEK_FILE for justice first.

type Ctx = SubgraphContext<JusticeLoaders>;
export type ComplaintStatus = 'RECEIVED' | 'HANDLED' | 'DISMISSED';

export interface ComplaintRow {
  id: string; agencyCode: string; receivingUnit: string; region: string; caseId: string | null; anonymous: boolean;
  complainantName: string | null; complainantPhone: string | null; facts: string; receivedAt: Date; answerDueAt: Date;
  status: ComplaintStatus; supervisionOpinionId: string | null; dismissalReasons: string | null; answer: string | null; closedAt: Date | null;
}

const COLUMNS = `id, agency_code AS "agencyCode", receiving_unit AS "receivingUnit", region, case_id AS "caseId", anonymous,
  complainant_name AS "complainantName", complainant_phone AS "complainantPhone", facts, received_at AS "receivedAt",
  answer_due_at AS "answerDueAt", status, supervision_opinion_id AS "supervisionOpinionId", dismissal_reasons AS "dismissalReasons",
  answer, closed_at AS "closedAt"`;

const complaintsOf = perRequest((runtime: SubgraphRuntime) =>
  uuidLoader<ComplaintRow>((ids) => runtime.db.query(`SELECT ${COLUMNS} FROM complaint WHERE id = ANY($1)`, [ids]), (r) => r.id));

async function readable(ctx: Ctx, id: string): Promise<ComplaintRow> {
  if (!isUuid(id)) throw badInput('id', 'uuid', 'is not a complaint id (a UUID)');
  const row = await complaintsOf(ctx).load(id);
  if (!row || !mayReadComplaint(ctx.identity, row)) throw notFound('Complaint', id);
  return row;
}

interface ComplaintInput { agencyCode: string; caseId?: string | null; anonymous: boolean; complainantName?: string | null; complainantPhone?: string | null; facts: string; answerDueAt: Date }

const maskName = (name: string) => `${[...name][0]}${'*'.repeat(Math.max([...name].length - 1, 1))}`;

/** Closes a RECEIVED complaint in one guarded UPDATE: of two concurrent closings one is written. */
async function close(ctx: Ctx, seen: ComplaintRow, set: Record<string, unknown>, what: string): Promise<ComplaintRow> {
  const row = await guardedUpdate<ComplaintRow>(ctx.runtime.db, {
    table: 'complaint', id: seen.id, expect: { status: 'RECEIVED' }, returning: COLUMNS,
    set: { ...set, closed_at: ctx.runtime.now(), closed_by: ctx.identity.sub },
  }, { type: 'Complaint', conflict: (current) => `${what}: complaint ${seen.id} is ${current.status}; only a RECEIVED one is handled` });
  complaintsOf(ctx).clear(row.id).prime(row.id, row);
  return row;
}

function answerOf(v: Violations, answer: unknown): string {
  return v.check(() => requireText('answer', answer, 5000), '');
}

export const complaintMutations = {
  /** 受理: the justice bureau records a complaint about a bureau of its region; every broken rule at once. */
  async recordComplaint(_: unknown, { input }: { input: ComplaintInput }, ctx: Ctx) {
    const { identity, runtime } = ctx;
    requireScope(identity, complaintRule.actions.handle.scope, 'record a complaint');
    const now = runtime.now();
    const v = new Violations();
    const facts = v.check(() => requireText('input.facts', input.facts, 5000), '');
    const name = input.complainantName ? v.check(() => requireText('input.complainantName', input.complainantName, 100), null) : null;
    const phone = v.check(() => requirePhone('input.complainantPhone', input.complainantPhone), null);
    // A named complaint is answered: the bureau needs someone to answer (an anonymous one may leave both out).
    if (!input.anonymous && !name) v.add('input.complainantName', 'required', 'a complaint that is not anonymous names the complainant');
    if (!input.anonymous && !phone && !v.errors.some((e) => e.extensions.field === 'input.complainantPhone')) {
      v.add('input.complainantPhone', 'required', 'a complaint that is not anonymous gives a phone to answer');
    }
    if (!(input.answerDueAt instanceof Date) || input.answerDueAt.getTime() <= now.getTime()) {
      v.add('input.answerDueAt', 'future', 'must be after now: the date by which the complainant is answered');
    }
    const unit = identity.org ?? `user:${identity.sub}`;
    const { bureau, caseId } = await addressedBureau(ctx, v, input,
      (b, who) => may(who, complaintRule, 'handle', { agencyCode: b.code, receivingUnit: unit, region: b.region }));
    const place = bureau ? { agencyCode: bureau.code, receivingUnit: unit, region: bureau.region } : null;
    v.throwIfAny();
    const id = randomUUID();
    const at = atRest(runtime);
    const [sealedName, sealedPhone] = [await at.seal(placeOf(id, 'complainant_name'), name), await at.seal(placeOf(id, 'complainant_phone'), phone)];
    const [row]: ComplaintRow[] = await runtime.db.query(`
      INSERT INTO complaint (id, agency_code, receiving_unit, region, case_id, anonymous, complainant_name, complainant_phone, facts, received_at, received_by, answer_due_at, status)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'RECEIVED') RETURNING ${COLUMNS}`,
    [id, place!.agencyCode, place!.receivingUnit, place!.region, caseId, !!input.anonymous, sealedName, sealedPhone, facts, now, identity.sub, input.answerDueAt]);
    complaintsOf(ctx).prime(row.id, row);
    return row;
  },

  /** The complaint became a supervision matter: the 行政执法监督意见书 issued to the same bureau, and the answer to the complainant. */
  async handleComplaint(_: unknown, { id, supervisionOpinionId, answer }: { id: string; supervisionOpinionId: string; answer: string }, ctx: Ctx) {
    requireScope(ctx.identity, complaintRule.actions.handle.scope, 'handle a complaint');
    const seen = await readable(ctx, id);
    requireMay(ctx.identity, complaintRule, 'handle', seen);
    const v = new Violations();
    const text = answerOf(v, answer);
    const opinion = isUuid(supervisionOpinionId) ? await opinionsOf(ctx).load(supervisionOpinionId) : null;
    if (!opinion || !mayReadOpinion(ctx.identity, opinion)) v.add('supervisionOpinionId', 'exists', `no supervision opinion ${supervisionOpinionId} you may read`);
    else if (opinion.agencyCode !== seen.agencyCode) v.add('supervisionOpinionId', 'ofAgency', `opinion ${supervisionOpinionId} is not addressed to bureau ${seen.agencyCode}`);
    v.throwIfAny();
    return close(ctx, seen, { status: 'HANDLED', supervision_opinion_id: opinion!.id, answer: text }, 'handle');
  },

  /** Dismissed (不予受理 / 不属实) with its reasons, and the answer to the complainant. */
  async dismissComplaint(_: unknown, { id, reasons, answer }: { id: string; reasons: string; answer: string }, ctx: Ctx) {
    requireScope(ctx.identity, complaintRule.actions.handle.scope, 'dismiss a complaint');
    const seen = await readable(ctx, id);
    requireMay(ctx.identity, complaintRule, 'handle', seen);
    const v = new Violations();
    const why = v.check(() => requireText('reasons', reasons, 5000), '');
    const text = answerOf(v, answer);
    v.throwIfAny();
    return close(ctx, seen, { status: 'DISMISSED', dismissal_reasons: why, answer: text }, 'dismiss');
  },
};

interface ListArgs { filter?: { status?: ComplaintStatus | null; agencyCode?: string | null; overdue?: boolean | null } | null; first?: number | null; after?: string | null; last?: number | null; before?: string | null }

export const complaintQueries = {
  /** The complaints the caller reads, newest first; overdue: still RECEIVED past the answer's due date. */
  async complaints(_: unknown, args: ListArgs, ctx: Ctx) {
    const params: unknown[] = [];
    const rule = complaintReadSql(ctx.identity, 'c');
    const where = [rule.sql.replace(/:(\w+)/g, (_, name: string) => { params.push(rule.params[name]); return `$${params.length}`; })];
    const f = args.filter ?? {};
    if (f.status) { params.push(f.status); where.push(`c.status = $${params.length}`); }
    if (f.agencyCode) { params.push(f.agencyCode); where.push(`c.agency_code = $${params.length}`); }
    if (f.overdue !== null && f.overdue !== undefined) {
      params.push(ctx.runtime.now());
      const overdue = `(c.status = 'RECEIVED' AND c.answer_due_at < $${params.length})`;
      where.push(f.overdue ? overdue : `NOT ${overdue}`);
    }
    const connection = await keysetPageSql<ComplaintRow>(params, { column: 'c.received_at', idColumn: 'c.id', timeOf: (row) => row.receivedAt, first: args.first, after: args.after, last: args.last, before: args.before },
      (page) => ctx.runtime.db.query(`SELECT ${COLUMNS} FROM complaint c WHERE ${where.join(' AND ')} AND ${page.where} ${page.orderLimit}`, params));
    return { ...connection, edges: connection.edges.filter((edge) => mayReadComplaint(ctx.identity, edge.node)) };
  },
  async complaint(_: unknown, { id }: { id: string }, ctx: Ctx) {
    return readable(ctx, id);
  },
};

/**
 * 投诉人 at rest: the name and phone are sealed with justice's data key (kit/at-rest.ts), each value
 * bound to its column and the complaint's row, and opened only in `complainant` below, when the row
 * rule released them (个人信息保护法 第51条). A database dump or backup holds neither.
 */
export const COMPLAINT_AT_REST: SealedTable = { table: 'complaint', idColumn: 'id', columns: ['complainant_name', 'complainant_phone'] };

const placeOf = (complaintId: string, column: string) => ({ table: 'complaint', column, rowId: complaintId });

export const complaintFields = {
  agency: (row: ComplaintRow, _: unknown, ctx: Ctx) => ctx.loaders.agencyByCode.load(row.agencyCode),
  overdue: (row: ComplaintRow, _: unknown, ctx: Ctx) => row.status === 'RECEIVED' && row.answerDueAt.getTime() < ctx.runtime.now().getTime(),
  /** 投诉人: under the row rule (resources/complaint.ts); every decision goes to the audit log. */
  async complainant(row: ComplaintRow, _: unknown, ctx: Ctx) {
    if (!row.complainantName && !row.complainantPhone) return null;
    const decision = complainantDecision(ctx.identity, row);
    ctx.releases.push({ coordinate: 'Complaint.complainant', entityId: row.id, decision });
    if (decision !== 'full' && decision !== 'masked') return null;
    // Opened only once released: a value moved to another row or column does not open (kit/at-rest.ts).
    const at = atRest(ctx.runtime);
    const name = await at.open(placeOf(row.id, 'complainant_name'), row.complainantName);
    const phone = await at.open(placeOf(row.id, 'complainant_phone'), row.complainantPhone);
    if (decision === 'full') return { name, phone };
    if (decision === 'masked') return { name: name && maskName(name), phone: phone && maskPhone(phone) };
    return null;
  },
  supervisionOpinion: async (row: ComplaintRow, _: unknown, ctx: Ctx) => {
    if (!row.supervisionOpinionId) return null;
    const opinion = await opinionsOf(ctx).load(row.supervisionOpinionId);
    return opinion && mayReadOpinion(ctx.identity, opinion) ? opinion : null;
  },
};

const ACCESS = '@requiresScopes(scopes: [["supervision:read"], ["case:read"]])';

/** Justice's SDL for 投诉举报 (included in schema.ts). */
export const COMPLAINT_SDL = `
enum ComplaintStatus { RECEIVED HANDLED DISMISSED }

"""投诉人 (personal data): in full to the justice bureau of the region with a stated reason, masked to the procuratorate, never to the bureau complained about; null when anonymous for all but the justice bureau."""
type Complainant {
  name: String
  phone: String
}

"""投诉举报 (seed 003): a complaint or report from the public about a bureau's enforcement, received by the justice bureau, made a supervision opinion or dismissed, and answered."""
type Complaint ${ACCESS} {
  id: ID!
  "the bureau complained about"
  agency: Agency
  region: String!
  caseId: ID
  anonymous: Boolean!
  complainant: Complainant @requiresScopes(scopes: [["complaint:handle"], ["supervision:read"]])
  facts: String!
  receivedAt: DateTime!
  "the date by which the complainant is answered, set by the justice bureau (the seed sets no period)"
  answerDueAt: DateTime!
  status: ComplaintStatus!
  "still RECEIVED past answerDueAt"
  overdue: Boolean!
  "the 行政执法监督意见书 it became (HANDLED)"
  supervisionOpinionId: ID
  supervisionOpinion: SupervisionOpinion
  "why it was dismissed (DISMISSED)"
  dismissalReasons: String
  "the answer given to the complainant (答复)"
  answer: String
  closedAt: DateTime
}

type ComplaintEdge { cursor: String! node: Complaint }
type ComplaintConnection { edges: [ComplaintEdge!]! pageInfo: PageInfo! }

input ComplaintFilter { status: ComplaintStatus agencyCode: String overdue: Boolean }

input ComplaintInput {
  "the bureau complained about (in the directory, in your region)"
  agencyCode: String!
  caseId: ID
  anonymous: Boolean!
  complainantName: String
  complainantPhone: String
  facts: String!
  answerDueAt: DateTime!
}

extend type Query {
  "complaints the caller reads, newest first"
  complaints(filter: ComplaintFilter, first: Int, after: String, last: Int, before: String): ComplaintConnection ${ACCESS}
  complaint(id: ID!): Complaint ${ACCESS}
}

extend type Mutation {
  "受理: the justice bureau records a complaint or report about a bureau of its region"
  recordComplaint(input: ComplaintInput!): Complaint @requiresScopes(scopes: [["complaint:handle"]])
  "the complaint became the given supervision opinion to the same bureau; the complainant is answered"
  handleComplaint(id: ID!, supervisionOpinionId: ID!, answer: String!): Complaint @requiresScopes(scopes: [["complaint:handle"]])
  "dismissed with its reasons; the complainant is answered"
  dismissComplaint(id: ID!, reasons: String!, answer: String!): Complaint @requiresScopes(scopes: [["complaint:handle"]])
}
`;
