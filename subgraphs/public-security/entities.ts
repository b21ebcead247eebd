import { EntitySchema, type EntitySchemaColumnOptions } from 'typeorm';
import type { Attachment, AttachmentKind } from './intake/attachments';

export type TransferStatus = 'SUBMITTED' | 'ACCEPTED' | 'MATERIALS_REQUESTED' | 'FILED' | 'NOT_FILED' | 'RECONSIDERATION_REQUESTED' | 'RECONSIDERATION_UPHELD'
  | 'RETURNED' | 'FORWARDED';
export type TransferDecision = 'FILE' | 'NOT_FILE';

/** 移送: one case's transfer to public security and every step of its handling. */
export interface TransferRow {
  id: string; caseId: string; agencyCode: string; region: string; status: TransferStatus;
  summary: string; materials: string[];
  submittedAt: Date; submittedBy: string; decisionDueAt: Date;
  acceptedAt: Date | null; acceptedBy: string | null; acceptingUnit: string | null;
  decidedAt: Date | null; decidedBy: string | null; decision: TransferDecision | null; decisionReason: string | null;
  reconsiderationRequestedAt: Date | null; reconsiderationRequestedBy: string | null; reconsiderationReason: string | null;
  reconsiderationDueAt: Date | null; reconsideredAt: Date | null; reconsideredBy: string | null;
  reconsiderationDecision: TransferDecision | null; reconsiderationDecisionReason: string | null;
  /** 立案, by decision, reconsideration or on the procuratorate's order; 立而不侦: when no progress draws a reminder, and when it drew one. */
  filedAt: Date | null; investigationReminderDueAt: Date | null; investigationRemindedAt: Date | null;
  /** 第六条: the five attachments as declared (intake/attachments.ts); empty for a transfer made with the free list only. */
  attachments: Attachment[];
  /** 补正 (intake/materials.ts): what public security asked for, when the bureau received it, when it is due and was completed. */
  materialsRequestedAt: Date | null; materialsRequestedBy: string | null; materialsMissing: AttachmentKind[] | null; materialsRequestNote: string | null;
  materialsReceivedAt: Date | null; materialsDueAt: Date | null; materialsCompletedAt: Date | null; materialsCompletedBy: string | null;
  /** 立案审查期限的延长 (intake/extension.ts): the level granted, who approved it, who recorded it and when. */
  filingExtensionLevel: string | null; filingExtensionApprovedBy: string | null; filingExtensionReason: string | null;
  filingExtendedAt: Date | null; filingExtendedBy: string | null;
  /** 转送 (intake/forward.ts): when, by whom and from which unit; the competent public-security unit, or the other authority by name; why. */
  forwardedAt: Date | null; forwardedBy: string | null; forwardedFrom: string | null;
  competentUnit: string | null; competentAuthority: string | null; forwardReason: string | null;
  /** 退回 (intake/forward.ts): the file returned to the bureau, with written reasons. */
  returnedAt: Date | null; returnedBy: string | null; returnReason: string | null;
  /** 重新移送 (intake/retransfer.ts): the earlier transfer of the case this one follows, and the new evidence it names; the later one that superseded this. */
  previousTransferId: string | null; newEvidence: string | null; supersededBy: string | null;
  version: number;
}

const at = (name: string, nullable = true): EntitySchemaColumnOptions => ({ name, type: 'timestamptz', nullable });
const text = (name: string, nullable = true): EntitySchemaColumnOptions => ({ name, type: 'text', nullable });

export const CaseTransfer = new EntitySchema<TransferRow>({
  name: 'CaseTransfer', tableName: 'case_transfer',
  columns: {
    id: { type: 'uuid', primary: true },
    // Several transfers per case over time, at most one open (migrations/1700000002400).
    caseId: { name: 'case_id', type: 'uuid' },
    agencyCode: text('agency_code', false),
    region: text('region', false),
    status: text('status', false),
    summary: text('summary', false),
    materials: { name: 'materials', type: 'text', array: true },
    submittedAt: at('submitted_at', false),
    submittedBy: text('submitted_by', false),
    decisionDueAt: at('decision_due_at', false),
    acceptedAt: at('accepted_at'),
    acceptedBy: text('accepted_by'),
    acceptingUnit: text('accepting_unit'),
    decidedAt: at('decided_at'),
    decidedBy: text('decided_by'),
    decision: text('decision'),
    decisionReason: text('decision_reason'),
    reconsiderationRequestedAt: at('reconsideration_requested_at'),
    reconsiderationRequestedBy: text('reconsideration_requested_by'),
    reconsiderationReason: text('reconsideration_reason'),
    reconsiderationDueAt: at('reconsideration_due_at'),
    reconsideredAt: at('reconsidered_at'),
    reconsideredBy: text('reconsidered_by'),
    reconsiderationDecision: text('reconsideration_decision'),
    reconsiderationDecisionReason: text('reconsideration_decision_reason'),
    filedAt: at('filed_at'),
    investigationReminderDueAt: at('investigation_reminder_due_at'),
    investigationRemindedAt: at('investigation_reminded_at'),
    attachments: { name: 'attachments', type: 'jsonb', default: () => "'[]'::jsonb" },
    materialsRequestedAt: at('materials_requested_at'),
    materialsRequestedBy: text('materials_requested_by'),
    materialsMissing: { name: 'materials_missing', type: 'text', array: true, nullable: true },
    materialsRequestNote: text('materials_request_note'),
    materialsReceivedAt: at('materials_received_at'),
    materialsDueAt: at('materials_due_at'),
    materialsCompletedAt: at('materials_completed_at'),
    materialsCompletedBy: text('materials_completed_by'),
    filingExtensionLevel: text('filing_extension_level'),
    filingExtensionApprovedBy: text('filing_extension_approved_by'),
    filingExtensionReason: text('filing_extension_reason'),
    filingExtendedAt: at('filing_extended_at'),
    filingExtendedBy: text('filing_extended_by'),
    forwardedAt: at('forwarded_at'),
    forwardedBy: text('forwarded_by'),
    forwardedFrom: text('forwarded_from'),
    competentUnit: text('competent_unit'),
    competentAuthority: text('competent_authority'),
    forwardReason: text('forward_reason'),
    returnedAt: at('returned_at'),
    returnedBy: text('returned_by'),
    returnReason: text('return_reason'),
    previousTransferId: { name: 'previous_transfer_id', type: 'uuid', nullable: true },
    newEvidence: text('new_evidence'),
    supersededBy: { name: 'superseded_by', type: 'uuid', nullable: true },
    version: { name: 'version', type: 'int' },
  },
});

const COLUMNS = Object.entries(CaseTransfer.options.columns) as [keyof TransferRow, EntitySchemaColumnOptions][];

/** The column of a property, for hand-written SQL. */
export function columnOf(property: keyof TransferRow): string {
  const found = COLUMNS.find(([p]) => p === property);
  if (!found) throw new Error(`case_transfer has no property ${String(property)}`);
  return found[1].name ?? String(property);
}

/** `RETURNING` list that gives raw SQL rows the entity's shape (camelCase properties). */
export const TRANSFER_COLUMNS = COLUMNS.map(([p, c]) => `${c.name ?? String(p)} AS "${String(p)}"`).join(', ');

export const entities = [CaseTransfer];
