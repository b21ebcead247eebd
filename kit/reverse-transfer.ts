import { randomUUID } from 'node:crypto';
import type { Identity } from './identity';
import { defineResource, requireCovers, requireMay, requireScope, type ResourceRule } from './access';
import { notFound } from './errors';
import { defineFlow } from './flow';
import { guardedUpdate, wrongState } from './guarded-update';
import { isUuid } from './loaders';
import type { SubgraphContext } from './module';
import { NOTIFICATION_OUTBOX, notify, type Notification } from './notifications';
import { nudgeOutbox, type Queryable } from './outbox';
import { Violations, optionalText, requireText } from './rules';

// 反向移送 (行刑反向衔接): a case that needs no criminal penalty but an administrative one goes back to
// the enforcement bureau that transferred it.
// - Public security, after not filing (不予立案, also when upheld on reconsideration):
//   国务院令第310号 第十三条 (2020年修订): 公安机关对发现的违法行为，经审查，没有犯罪事实，或者立案侦查后
//   认为犯罪事实显著轻微，不需要追究刑事责任，但依法应当追究行政责任的，应当及时将案件移送同级行政执法
//   机关，有关行政执法机关应当依法作出处理.
// - The procuratorate, after deciding not to prosecute (不起诉): 刑事诉讼法 第一百七十七条第三款: 对被
//   不起诉人需要给予行政处罚、处分或者需要没收其违法所得的，人民检察院应当提出检察意见，移送有关主管机关
//   处理。有关主管机关应当将处理结果及时通知人民检察院.
// - 行政处罚法 第二十七条 第一款: 对依法不需要追究刑事责任或者免予刑事处罚，但应当给予行政处罚的，司法
//   机关应当及时将案件移送有关行政机关.
// ONE mechanism for both senders: the input, its rules, the flow, the row rule, the stored shape,
// the inbox notices and the SDL are here; each owner keeps its own table (caseReturnTableSql in its
// migration) and the mutations that send a case back from its own record and acknowledge receipt.
// The bureau then records the penalty on the SAME case (its case update), which raises no new
// 以罚代刑 alert (the procuratorate's alerts know the transfer).

/** Why a case goes back: not filed (第十三条), refusal upheld on reconsideration, not prosecuted (刑诉法 第177条第3款). */
export const RETURN_GROUNDS = ['NOT_FILED', 'RECONSIDERATION_UPHELD', 'NON_PROSECUTION'] as const;
export type ReturnGround = (typeof RETURN_GROUNDS)[number];
export const RETURN_SENDERS = ['PUBLIC_SECURITY', 'PROCURATORATE'] as const;
export type ReturnSender = (typeof RETURN_SENDERS)[number];
export type ReturnStatus = 'RETURNED' | 'ACKNOWLEDGED';

export const reverseTransferFlow = defineFlow<ReturnStatus, 'returnForPenalty' | 'acknowledge'>({
  noun: 'return',
  title: 'A case sent back to the bureau for an administrative penalty (反向移送), by public security or the procuratorate',
  states: { RETURNED: '已移送行政处罚', ACKNOWLEDGED: '行政执法机关已签收' },
  steps: {
    returnForPenalty: { from: [], to: ['RETURNED'], by: 'returnTransferForPenalty (公安, 第十三条) or returnCaseAfterNonProsecution (检察院, 检察意见)' },
    acknowledge: { from: ['RETURNED'], to: ['ACKNOWLEDGED'], by: 'acknowledgeTransferReturn or acknowledgeProcuratorialOpinion' },
  },
});

/** One return as stored by its sender (its own `case_return` table). */
export interface CaseReturnRow {
  id: string; caseId: string; transferId: string; agencyCode: string; senderUnit: string; region: string;
  sender: ReturnSender; ground: ReturnGround; status: ReturnStatus;
  reason: string; materials: string[]; opinion: string | null;
  returnedAt: Date; returnedBy: string; acknowledgedAt: Date | null; acknowledgedBy: string | null; version: number;
}

export const CASE_RETURN_COLUMNS = `id, case_id AS "caseId", transfer_id AS "transferId", agency_code AS "agencyCode", sender_unit AS "senderUnit", region,
  sender, ground, status, reason, materials, opinion, returned_at AS "returnedAt", returned_by AS "returnedBy",
  acknowledged_at AS "acknowledgedAt", acknowledged_by AS "acknowledgedBy", version`;

const plainName = (table: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`case return table ${table} is not a plain SQL name`);
  return table;
};

/** The migration statements of an owner's table of returns: one per transfer of a case and sender (a case transferred again may come back again). */
export function caseReturnTableSql(table: string): string[] {
  plainName(table);
  return [`CREATE TABLE ${table} (
    id uuid PRIMARY KEY, case_id uuid NOT NULL, transfer_id uuid NOT NULL, agency_code text NOT NULL, sender_unit text NOT NULL,
    region text NOT NULL CHECK (region ~ '^[0-9]{6}$'), sender text NOT NULL CHECK (sender IN (${RETURN_SENDERS.map((s) => `'${s}'`).join(', ')})),
    ground text NOT NULL CHECK (ground IN (${RETURN_GROUNDS.map((g) => `'${g}'`).join(', ')})),
    status text NOT NULL CHECK (status IN ('RETURNED', 'ACKNOWLEDGED')),
    reason text NOT NULL, materials text[] NOT NULL, opinion text, returned_at timestamptz NOT NULL, returned_by text NOT NULL,
    acknowledged_at timestamptz, acknowledged_by text, version int NOT NULL DEFAULT 1,
    UNIQUE (case_id, transfer_id), CHECK ((status = 'ACKNOWLEDGED') = (acknowledged_at IS NOT NULL)))`,
  `CREATE INDEX ${table}_region ON ${table} (region text_pattern_ops)`];
}

export interface CaseReturnInput { reason: string; materials: string[]; opinion?: string | null }

const MAX_MATERIALS = 50;

/**
 * Reads a return's input, every broken rule at once: the reasons (理由), the materials sent with
 * it (案卷材料: at least one), and the opinion on the administrative penalty (处理意见; the
 * procuratorate's 检察意见, which the law requires of it: `opinionRequired`).
 */
export function readCaseReturn(violations: Violations, input: CaseReturnInput, options: { opinionRequired: boolean }): CaseReturnInput {
  const reason = violations.check(() => requireText('input.reason', input.reason, 5000), '');
  const listed = input.materials ?? [];
  if (!listed.length) violations.add('input.materials', 'required', 'name the materials sent back with the case (案卷材料)');
  if (listed.length > MAX_MATERIALS) violations.add('input.materials', 'maxItems', `may list at most ${MAX_MATERIALS} items`);
  const materials = listed.slice(0, MAX_MATERIALS).map((m, i) => violations.check(() => requireText(`input.materials.${i}`, m, 500), ''));
  const opinion = options.opinionRequired
    ? violations.check(() => requireText('input.opinion', input.opinion, 5000), null)
    : violations.check(() => optionalText('input.opinion', input.opinion, 5000), null);
  return { reason, materials, opinion };
}

export type NewCaseReturn = Pick<CaseReturnRow, 'caseId' | 'transferId' | 'agencyCode' | 'senderUnit' | 'region' | 'sender' | 'ground' | 'reason' | 'materials' | 'opinion' | 'returnedAt' | 'returnedBy'>;

/** Records a return in the sender's table, in the caller's transaction; one per transfer of the case: the unique key decides a race. */
async function insertCaseReturn(tx: Queryable, table: string, r: NewCaseReturn): Promise<CaseReturnRow> {
  const [row]: CaseReturnRow[] = await tx.query(
    `INSERT INTO ${plainName(table)} (id, case_id, transfer_id, agency_code, sender_unit, region, sender, ground, status, reason, materials, opinion, returned_at, returned_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'RETURNED', $9, $10, $11, $12, $13)
     ON CONFLICT (case_id, transfer_id) DO NOTHING RETURNING ${CASE_RETURN_COLUMNS}`,
    [randomUUID(), r.caseId, r.transferId, r.agencyCode, r.senderUnit, r.region, r.sender, r.ground, r.reason, r.materials, r.opinion, r.returnedAt, r.returnedBy]);
  if (!row) throw wrongState(`case ${r.caseId} has been sent back to its bureau already on this transfer: one return per transfer`);
  return row;
}

/** 签收: the bureau acknowledges receipt, guarded by the state it saw. */
function acknowledgeCaseReturn(tx: Queryable, table: string, seen: CaseReturnRow, by: string, at: Date): Promise<CaseReturnRow> {
  return guardedUpdate<CaseReturnRow>(tx, {
    table: plainName(table), id: seen.id, expect: { status: seen.status, version: seen.version }, version: 'version',
    set: { status: reverseTransferFlow.to('acknowledge', 'ACKNOWLEDGED'), acknowledged_at: at, acknowledged_by: by }, returning: CASE_RETURN_COLUMNS,
  }, { type: 'CaseReturn', conflict: (current) => `return ${seen.id} is ${current.status} now; reload it` });
}

/** Returns in the sender's table by id, by transfer or by case, latest first. */
export async function findCaseReturn(db: Queryable, table: string, by: { id: string } | { transferIds: string[] } | { caseIds: string[] }): Promise<CaseReturnRow[]> {
  const [column, value] = 'id' in by ? ['id', [by.id]] : 'transferIds' in by ? ['transfer_id', by.transferIds] : ['case_id', by.caseIds];
  return db.query(`SELECT ${CASE_RETURN_COLUMNS} FROM ${plainName(table)} WHERE ${column} = ANY($1::uuid[]) ORDER BY returned_at DESC, id`, [value]);
}

/** Sends a case back: the return and its notices (the bureau told, the other side copied) in one transaction. */
export async function sendCaseBack(ctx: SubgraphContext, table: string, r: NewCaseReturn): Promise<CaseReturnRow> {
  const row = await ctx.runtime.db.transaction(async (tx) => {
    const inserted = await insertCaseReturn(tx, table, r);
    await notify(tx, returnedNotices(inserted));
    return inserted;
  });
  nudgeOutbox(ctx.runtime, NOTIFICATION_OUTBOX);
  return row;
}

/**
 * 签收: the bureau acknowledges a case sent back, under the sender's row rule (caseReturnRule): the
 * caller's grant must reach the return, the return must be RETURNED, and the caller must be the
 * bureau; the sender is told. Nothing is written otherwise.
 */
export async function acknowledgeCaseBack(ctx: SubgraphContext, table: string, rule: CaseReturnRule, id: string): Promise<CaseReturnRow> {
  const what = 'an acknowledgement of a case sent back';
  const scope = rule.actions.acknowledge.scope;
  requireScope(ctx.identity, scope, what);
  const [seen] = isUuid(id) ? await findCaseReturn(ctx.runtime.db, table, { id }) : [];
  if (!seen) throw notFound('CaseReturn', id);
  requireCovers(ctx.identity, scope, rule.place(seen), `${what} on this return`);
  reverseTransferFlow.requireFrom('acknowledge', seen, what);
  requireMay(ctx.identity, rule, 'acknowledge', seen);
  const row = await ctx.runtime.db.transaction(async (tx) => {
    const acknowledged = await acknowledgeCaseReturn(tx, table, seen, ctx.identity.sub, ctx.runtime.now());
    await notify(tx, acknowledgedNotices(acknowledged));
    return acknowledged;
  });
  nudgeOutbox(ctx.runtime, NOTIFICATION_OUTBOX);
  return row;
}

const SENDER_NAMES: Record<ReturnSender, string> = { PUBLIC_SECURITY: '公安机关', PROCURATORATE: '人民检察院' };
const GROUND_NAMES: Record<ReturnGround, string> = { NOT_FILED: '不予立案', RECONSIDERATION_UPHELD: '复议维持不予立案', NON_PROSECUTION: '不起诉' };

const note = (r: CaseReturnRow, recipient: Notification['recipient'], kind: Notification['kind'], title: string, at: Date): Notification => ({
  recipient, kind, title, subjectType: 'CASE_RETURN', subjectId: r.id, region: r.region, occurredAt: at.toISOString(),
});

/**
 * The inbox notices of a return: the bureau is told at once (it must act on it); the other side
 * of the linkage in the region is copied (抄送): the procuratorate when public security sends a case
 * back, public security when the procuratorate does.
 */
function returnedNotices(r: CaseReturnRow): Notification[] {
  const title = `${SENDER_NAMES[r.sender]}移送行政处罚 (${GROUND_NAMES[r.ground]}): ${r.reason.slice(0, 80)}`;
  const copy = r.sender === 'PUBLIC_SECURITY' ? { scope: 'supervision:write', region: r.region } : { scope: 'transfer:decide', region: r.region };
  return [note(r, { org: r.agencyCode }, 'CASE_RETURNED', title, r.returnedAt), note(r, copy, 'CASE_RETURNED', `${title} (抄送)`, r.returnedAt)];
}

/** The sender is told the bureau received the case. */
function acknowledgedNotices(r: CaseReturnRow): Notification[] {
  return [note(r, { org: r.senderUnit }, 'CASE_RETURN_ACKNOWLEDGED', `${r.agencyCode} 已签收移送行政处罚的案件`, r.acknowledgedAt!)];
}

/**
 * The row rule of a sender's returns, one per owner (its resources/ module calls this): a return
 * belongs to the bureau it goes to, the sending unit and the case's region. `send` is the sender's
 * own scope and condition; the bureau alone acknowledges (transfer:write: the bureau's own cases).
 */
export type CaseReturnRule = ResourceRule<Pick<CaseReturnRow, 'agencyCode' | 'senderUnit' | 'region'>>;

export function caseReturnRule(resource: string, send: { scope: string; text: string }): CaseReturnRule {
  type Place = Pick<CaseReturnRow, 'agencyCode' | 'senderUnit' | 'region'>;
  return defineResource<Place>({
    resource,
    placeText: 'the bureau it is sent back to and the sending unit; the case\'s region',
    place: (r) => ({ units: [r.agencyCode, r.senderUnit], region: r.region }),
    actions: {
      read: { scope: 'case:read' },
      returnForPenalty: { scope: send.scope, when: { text: send.text, check: (identity: Identity, r: Place) => !!identity.org && identity.org === r.senderUnit } },
      acknowledge: { scope: 'transfer:write', when: { text: 'only the bureau the case is sent back to', check: (identity: Identity, r: Place) => !!identity.org && identity.org === r.agencyCode } },
    },
  });
}

/** The schema both senders share: the return as a value type each resolves for its own records. */
export const CASE_RETURN_SDL = `
"""Why a case went back to its bureau for an administrative penalty (反向移送)"""
enum CaseReturnGround {
  "不予立案: public security found no crime, or none needing a criminal penalty (国务院令第310号 第十三条)"
  NOT_FILED
  "复议维持不予立案: the refusal upheld on reconsideration"
  RECONSIDERATION_UPHELD
  "不起诉: the procuratorate decided not to prosecute and sends its 检察意见 (刑事诉讼法 第一百七十七条第三款)"
  NON_PROSECUTION
}

enum CaseReturnSender { PUBLIC_SECURITY PROCURATORATE }

enum CaseReturnStatus {
  "sent back; the bureau has not acknowledged it yet"
  RETURNED
  "签收: the bureau acknowledged receipt; it decides the administrative penalty on the same case"
  ACKNOWLEDGED
}

"""反向移送: a case sent back to the bureau that transferred it, for an administrative penalty (行政处罚法 第二十七条)"""
type CaseReturn @shareable {
  id: ID!
  "who sent it back"
  sender: CaseReturnSender!
  "the sending unit (the public-security unit, the procuratorate)"
  senderUnit: String!
  "the bureau it goes to"
  agencyCode: String!
  ground: CaseReturnGround!
  status: CaseReturnStatus!
  "why (理由)"
  reason: String!
  "the materials sent back with it (案卷材料)"
  materials: [String!]!
  "the opinion on the administrative penalty: the procuratorate's 检察意见, public security's 处理意见"
  opinion: String
  returnedAt: DateTime!
  "签收 by the bureau"
  acknowledgedAt: DateTime
}

input CaseReturnInput {
  "why the case needs an administrative, not a criminal, penalty"
  reason: String!
  "the materials sent back with it (at least one)"
  materials: [String!]!
  "the opinion on the administrative penalty (检察意见: required of the procuratorate)"
  opinion: String
}
`;
