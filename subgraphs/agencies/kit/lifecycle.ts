import { badInput } from '../../../kit/errors';
import { requireAmount, requirePastDate, Violations } from '../../../kit/rules';

export { Violations };
import type { Queryable } from '../../../kit/outbox';
import type { CaseEvent } from '../../../kit/messages/case-event';
import type { AgencyKind } from '../registry';
import type { CaseRow, PartyRow } from './entities';
import { attributesOf, figuresOf, type OwnField } from './fields';

// A case's lifecycle after its entry (录入): the decision (处罚决定), what it found (违法所得,
// 公私财产损失), payment (罚缴) and enforcement (执行, 行政强制法 第五十三条: an agency without
// its own power of enforcement applies to the people's court within three months after the
// periods for reconsideration and litigation end). Shared by the create and update mutations.

/** 执行情况 of a decided penalty. */
export const ENFORCEMENT_STATUSES = [
  ['UNPAID', '未履行'],
  ['INSTALMENTS', '延期或者分期缴纳 (行政处罚法 第六十六条)'],
  ['PARTLY_PAID', '部分履行'],
  ['PAID', '已履行'],
  ['APPLIED_TO_COURT', '已申请人民法院强制执行 (行政强制法 第五十三条)'],
  ['ENFORCED', '已强制执行'],
] as const;

export const ENFORCEMENT_STATUS_SDL = `
"""执行情况 of a decided penalty"""
enum EnforcementStatus {
${ENFORCEMENT_STATUSES.map(([name, label]) => `  "${label}"\n  ${name}`).join('\n')}
}`;

/** The lifecycle's columns, as the GraphQL field names of the case (and of its input). */
export const LIFECYCLE_FIELDS = ['conductAt', 'illegalGain', 'economicLoss', 'paidAmount', 'paidAt', 'enforcementStatus', 'courtApplicationAt'] as const;

type Input = Record<string, any>;

export interface Lifecycle {
  conductAt: Date | null; illegalGain: number | null; economicLoss: number | null; paidAmount: number | null; paidAt: Date | null;
  enforcementStatus: string | null; courtApplicationAt: Date | null;
}

/** Reads the lifecycle fields of an input (absent: null). */
export function lifecycleOf(input: Input, now: Date, v: Violations): Lifecycle {
  const date = (name: string) => v.check(() => requirePastDate(`input.${name}`, input[name], now), null);
  const amount = (name: string) => v.check(() => requireAmount(`input.${name}`, input[name]), null);
  return {
    conductAt: date('conductAt'), illegalGain: amount('illegalGain'), economicLoss: amount('economicLoss'),
    paidAmount: amount('paidAmount'), paidAt: date('paidAt'),
    enforcementStatus: (input.enforcementStatus as string | null | undefined) ?? null, courtApplicationAt: date('courtApplicationAt'),
  };
}

/** The rules between the fields of the whole case (after an update: the case as it will be). */
export function checkCaseCoherence(c: Pick<CaseRow, 'actType' | 'decidedAt' | 'fineAmount'> & Lifecycle, v: Violations): void {
  const decided = c.actType === 'ADMINISTRATIVE_PENALTY' && !!c.decidedAt;
  // 违法行为发生时 precedes the decision that punishes it.
  if (c.conductAt && c.decidedAt && c.conductAt > c.decidedAt) v.add('input.conductAt', 'beforeDecision', 'must not be after decidedAt');
  // 罚缴 and 执行 follow a decided penalty (行政处罚法 第六十六条, 第七十二条).
  const needsDecision = (field: keyof Lifecycle, value: unknown) => {
    if (value !== null && !decided) v.add(`input.${field}`, 'decidedPenaltyOnly', 'applies to a decided ADMINISTRATIVE_PENALTY only (decidedAt set)');
  };
  needsDecision('paidAmount', c.paidAmount);
  needsDecision('paidAt', c.paidAt);
  needsDecision('enforcementStatus', c.enforcementStatus);
  needsDecision('courtApplicationAt', c.courtApplicationAt);
  if (c.paidAmount !== null && (c.fineAmount ?? 0) < c.paidAmount) v.add('input.paidAmount', 'notAboveFine', 'must not exceed fineAmount');
  if (c.paidAt && c.decidedAt && c.paidAt < c.decidedAt) v.add('input.paidAt', 'afterDecision', 'must not be before decidedAt');
  if (c.courtApplicationAt && c.decidedAt && c.courtApplicationAt < c.decidedAt) v.add('input.courtApplicationAt', 'afterDecision', 'must not be before decidedAt');
  if (c.enforcementStatus === 'APPLIED_TO_COURT' && !c.courtApplicationAt) {
    v.add('input.courtApplicationAt', 'requiredWhenAppliedToCourt', 'must state when the application to the people\'s court was made (行政强制法 第五十三条)');
  }
  if (c.enforcementStatus === 'PAID' && c.fineAmount && c.paidAmount !== c.fineAmount) {
    v.add('input.paidAmount', 'paidInFull', 'must equal fineAmount when enforcementStatus is PAID');
  }
}

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

/** What the index hears of a case, at one version (kit/messages/case-event.ts). */
export function caseEventOf(kind: AgencyKind, ownFields: OwnField[], row: CaseRow, party: Pick<PartyRow, 'kind' | 'idNumber'>): CaseEvent {
  return {
    caseId: row.id, caseType: kind.caseType, version: row.version, agencyCode: row.agencyCode, caseNumber: row.caseNumber,
    actType: row.actType, cause: row.cause, offenceCode: row.offenceCode, amountInvolved: row.amountInvolved,
    fineAmount: row.fineAmount, decidedAt: iso(row.decidedAt), conductAt: iso(row.conductAt),
    region: row.region, recordedAt: iso(row.recordedAt)!,
    party: { kind: party.kind, ref: null }, // the relay adds the keyed reference (party-ref.ts); never the number
    // What the index needs to publish the decision (阳光执法); never the party's name.
    legalBasis: row.legalBasis, penaltyKinds: row.penaltyKinds, involvesMinor: row.involvesMinor, confidential: row.confidential,
    // The figures the threshold rules read (schema/thresholds.json "figures"): the kit's and the agency's own.
    figures: {
      illegalGain: row.illegalGain ?? null, economicLoss: row.economicLoss ?? null,
      ...figuresOf(ownFields, row),
    },
    // The agency's own text fields (e.g. pollutant): the threshold rules read some of them.
    attributes: attributesOf(ownFields, row),
  };
}

/** One version of the case into its history, as the row now stands (in the writer's transaction). */
export async function writeVersion(tx: Queryable, caseId: string,
  change: { at: Date; by: string; reason: string; changedFields: string[]; correction: boolean }): Promise<void> {
  await tx.query(`INSERT INTO case_version (case_id, version, changed_at, changed_by, reason, changed_fields, correction, snapshot)
    SELECT c.id, c.version, $2, $3, $4, $5, $6, to_jsonb(c) - 'party_id' FROM enforcement_case c WHERE c.id = $1`,
  [caseId, change.at, change.by, change.reason, change.changedFields, change.correction]);
}
