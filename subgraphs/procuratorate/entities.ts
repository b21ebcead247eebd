import { EntitySchema } from 'typeorm';

/** 检察监督事项: a matter the procuratorate opened on one case in the index. */
export interface SupervisionMatterRow {
  id: string; caseId: string; kind: string; status: 'OPEN' | 'CLOSED'; summary: string; notes: string | null;
  procuratorateCode: string; region: string; openedBy: string; openedAt: Date; closedBy: string | null; closedAt: Date | null;
}

/** 检察建议 to one bureau, optionally about one case, with its reply and rectification. */
export interface SuggestionRow {
  id: string; agencyCode: string; caseId: string | null; kind: string; content: string; harmOngoing: boolean;
  procuratorateCode: string; region: string; issuedBy: string; issuedAt: Date; replyDueAt: Date | null; replyDueRule: string;
  status: 'ISSUED' | 'REPLIED' | 'OBJECTED' | 'WITHDRAWN' | 'LITIGATION' | 'SUED' | 'LITIGATION_CLOSED'; repliedBy: string | null; repliedAt: Date | null; reply: string | null;
  rectified: boolean | null; rectification: string | null;
  /** 被建议单位: who the suggestion is addressed to (agencyCode is its unit code); the name when it is not in the directory. */
  recipientKind: 'ENFORCEMENT_BUREAU' | 'PUBLIC_SECURITY' | 'COURT' | 'OTHER_AUTHORITY'; recipientName: string | null;
  /** 签收: when the recipient received it (the reply period runs from then; replyDueAt is null until); 情况紧急: a shorter period in days. */
  receivedAt: Date | null; receivedBy: string | null; replyDays: number | null;
  /** 异议 and the procuratorate's 复核; 跟进监督: the procurator's verification of the rectification. */
  objection: string | null; objectedAt: Date | null; review: string | null; reviewReason: string | null; reviewedAt: Date | null;
  verification: string | null; verifiedAt: Date | null;
  /** 典型问题 (双向通报 at issuance) and the public-interest litigation stage (suggestion-stages.ts). */
  typical: boolean; litigationAt: Date | null; litigationReason: string | null;
  litigationDecision: string | null; litigationDecisionReason: string | null; litigationDecidedAt: Date | null;
}

export const SupervisionMatter = new EntitySchema<SupervisionMatterRow>({
  name: 'SupervisionMatter', tableName: 'supervision_matter',
  columns: {
    id: { type: 'uuid', primary: true },
    caseId: { name: 'case_id', type: 'uuid' },
    kind: { type: 'text' },
    status: { type: 'text' },
    summary: { type: 'text' },
    notes: { type: 'text', nullable: true },
    procuratorateCode: { name: 'procuratorate_code', type: 'text' },
    region: { type: 'text' },
    openedBy: { name: 'opened_by', type: 'text' },
    openedAt: { name: 'opened_at', type: 'timestamptz' },
    closedBy: { name: 'closed_by', type: 'text', nullable: true },
    closedAt: { name: 'closed_at', type: 'timestamptz', nullable: true },
  },
});

export const Suggestion = new EntitySchema<SuggestionRow>({
  name: 'ProcuratorialSuggestion', tableName: 'procuratorial_suggestion',
  columns: {
    id: { type: 'uuid', primary: true },
    agencyCode: { name: 'agency_code', type: 'text' },
    caseId: { name: 'case_id', type: 'uuid', nullable: true },
    kind: { type: 'text' },
    content: { type: 'text' },
    harmOngoing: { name: 'harm_ongoing', type: 'boolean' },
    procuratorateCode: { name: 'procuratorate_code', type: 'text' },
    region: { type: 'text' },
    issuedBy: { name: 'issued_by', type: 'text' },
    issuedAt: { name: 'issued_at', type: 'timestamptz' },
    replyDueAt: { name: 'reply_due_at', type: 'timestamptz', nullable: true },
    replyDueRule: { name: 'reply_due_rule', type: 'text' },
    status: { type: 'text' },
    repliedBy: { name: 'replied_by', type: 'text', nullable: true },
    repliedAt: { name: 'replied_at', type: 'timestamptz', nullable: true },
    reply: { type: 'text', nullable: true },
    rectified: { type: 'boolean', nullable: true },
    rectification: { type: 'text', nullable: true },
    recipientKind: { name: 'recipient_kind', type: 'text' },
    recipientName: { name: 'recipient_name', type: 'text', nullable: true },
    receivedAt: { name: 'received_at', type: 'timestamptz', nullable: true },
    receivedBy: { name: 'received_by', type: 'text', nullable: true },
    replyDays: { name: 'reply_days', type: 'int', nullable: true },
    objection: { type: 'text', nullable: true },
    objectedAt: { name: 'objected_at', type: 'timestamptz', nullable: true },
    review: { type: 'text', nullable: true },
    reviewReason: { name: 'review_reason', type: 'text', nullable: true },
    reviewedAt: { name: 'reviewed_at', type: 'timestamptz', nullable: true },
    verification: { type: 'text', nullable: true },
    verifiedAt: { name: 'verified_at', type: 'timestamptz', nullable: true },
    typical: { type: 'boolean', default: false },
    litigationAt: { name: 'litigation_at', type: 'timestamptz', nullable: true },
    litigationReason: { name: 'litigation_reason', type: 'text', nullable: true },
    litigationDecision: { name: 'litigation_decision', type: 'text', nullable: true },
    litigationDecisionReason: { name: 'litigation_decision_reason', type: 'text', nullable: true },
    litigationDecidedAt: { name: 'litigation_decided_at', type: 'timestamptz', nullable: true },
  },
});

export const entities = [SupervisionMatter, Suggestion];
