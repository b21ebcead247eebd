import { ESCALATION_SDL } from '../../kit/notifications';

/** Justice's SDL for 行政执法监督 matters, the overdue view and the inbox (included in schema.ts). */
export const JUSTICE_SUPERVISION_SDL = `
${ESCALATION_SDL}

"""A procuratorial suggestion (owned by the procuratorate)."""
type ProcuratorialSuggestion @key(fields: "id", resolvable: false) {
  id: ID!
}

"""A transfer to public security (owned by public security)."""
type CaseTransfer @key(fields: "id", resolvable: false) {
  id: ID!
}

"""
行政执法监督 (seed 001, 双向通报): a procuratorial suggestion copied to the justice bureau because the
bureau did not reply by its due date, or replied without rectifying. The justice bureau records
how it handled it; the result is copied back to the procuratorate's suggestion.
"""
type JusticeSupervisionMatter @key(fields: "id") @requiresScopes(scopes: [["supervision:read"]]) {
  id: ID!
  "the suggestion copied"
  suggestion: ProcuratorialSuggestion
  "the bureau the suggestion was addressed to"
  agency: Agency!
  procuratorateCode: String!
  region: String!
  reason: EscalationReason!
  "the suggestion as copied: kind, content, dates and the reply, if any"
  suggestionKind: String!
  content: String!
  issuedAt: DateTime!
  replyDueAt: DateTime!
  reply: String
  openedAt: DateTime!
  status: JusticeSupervisionStatus!
  "处理结果, copied back to the procuratorate"
  result: String
  resultAt: DateTime
}

type JusticeSupervisionMatterEdge { cursor: String! node: JusticeSupervisionMatter }
type JusticeSupervisionMatterConnection { edges: [JusticeSupervisionMatterEdge!]! pageInfo: PageInfo! }

"""
What is overdue for the caller's unit. Each owner adds its own items: public security the
transfers past their decision or reconsideration deadline, the procuratorate the suggestions
unanswered past replyDueAt.
"""
type OverdueItems @key(fields: "unit") {
  "the caller's unit code"
  unit: String!
}

"""What a notification is about."""
enum InboxSubjectType { CASE_TRANSFER PROCURATORIAL_SUGGESTION JUSTICE_SUPERVISION_MATTER SUPERVISION_OPINION CASE_RETURN COLLABORATION_MATTER }

"""通报: what happened"""
enum InboxItemKind {
  "新移送案件 (to public security and the procuratorate of the region)"
  TRANSFER_SUBMITTED
  "立案 / 不予立案 (to the transferring bureau)"
  TRANSFER_DECIDED
  "提请复议 (to public security)"
  RECONSIDERATION_REQUESTED
  "复议决定 (to the transferring bureau)"
  RECONSIDERATION_DECIDED
  "立案监督: 提请立案监督 (to the procuratorate)"
  FILING_SUPERVISION_REQUESTED
  "立案监督: 要求说明不立案理由 (to public security)"
  FILING_EXPLANATION_REQUESTED
  "立案监督: 不立案理由说明 (to the procuratorate)"
  FILING_EXPLAINED
  "立案监督: 不立案理由成立 (to the bureau and public security)"
  FILING_REASONS_ACCEPTED
  "立案监督: 通知立案 (to public security and the bureau)"
  FILING_ORDERED
  "立案监督: 依通知立案 (to the procuratorate and the bureau)"
  FILED_ON_ORDER
  "立案监督: 纠正违法通知书 (to public security)"
  FILING_CORRECTION_NOTICE
  "立而不侦: a filed case without investigation progress for the reminder period (to the procuratorate and the unit that filed)"
  INVESTIGATION_REMINDER
  "补正: public security asks for the transfer's missing materials (to the transferring bureau)"
  TRANSFER_MATERIALS_REQUESTED
  "补正: the bureau completed the materials (to the accepting unit)"
  TRANSFER_MATERIALS_COMPLETED
  "立案审查期限的延长: the filing period of a transfer was extended (to the transferring bureau)"
  FILING_PERIOD_EXTENDED
  "转送: the transfer was forwarded to the competent unit or authority (to that unit, the transferring bureau and the procuratorate of the region)"
  TRANSFER_FORWARDED
  "退回: the file was returned to the transferring bureau with written reasons (to the bureau; copied to the procuratorate)"
  TRANSFER_RETURNED
  "涉案物品移交: the bureau handed over a filed case's seized items, or none were seized (to the accepting unit); 签收 (to the bureau)"
  SEIZED_ITEMS_HANDED_OVER SEIZED_ITEMS_NONE SEIZED_ITEMS_RECEIVED
  "反向移送: a case sent back for an administrative penalty (to the bureau; copied to the other side of the region); 签收 (to the sender)"
  CASE_RETURNED CASE_RETURN_ACKNOWLEDGED
  "检察建议 (to the bureau)"
  SUGGESTION_ISSUED
  "检察建议回复 (to the procuratorate)"
  SUGGESTION_REPLIED
  "检察建议抄送司法局 (to the justice bureau of the region)"
  SUGGESTION_ESCALATED
  "行政执法监督结果 (to the procuratorate)"
  ESCALATION_RESULT
  "典型问题: a suggestion copied at issuance (to the justice bureau of the region; 双向通报)"
  SUGGESTION_TYPICAL
  "公益诉讼: a public-interest suggestion moved to the litigation stage (to the issuing procuratorate)"
  SUGGESTION_LITIGATION
  "行政执法监督意见书 (to the bureau and the procuratorate of the region)"
  SUPERVISION_OPINION_ISSUED
  "行政执法监督意见书回复 (to the justice bureau that issued it)"
  SUPERVISION_OPINION_REPLIED
  "行政执法监督意见书核查结果 (to the bureau and the procuratorate of the region)"
  SUPERVISION_OPINION_VERIFIED
  "协作: 案件咨询, 提前介入, 线索, 交办 opened (to the addressed unit)"
  COLLABORATION_REQUESTED
  "协作: answered, feedback or report back (to the requesting unit)"
  COLLABORATION_ANSWERED
  "督办: an overdue matter urged (to the addressed unit)"
  COLLABORATION_URGED
  "督办: a matter open past its due date, noticed once by the platform (to both units)"
  COLLABORATION_OVERDUE
}

"""One entry of a unit's inbox; read state is per unit."""
type InboxItem {
  id: ID!
  kind: InboxItemKind!
  title: String!
  "the region of the matter"
  region: String!
  createdAt: DateTime!
  read: Boolean!
  readAt: DateTime
  subjectType: InboxSubjectType!
  subjectId: ID!
  "the transfer, when the subject is one (null if the caller may not read it)"
  transfer: CaseTransfer
  "the suggestion, when the subject is one (null if the caller may not read it)"
  suggestion: ProcuratorialSuggestion
  "the justice bureau's matter, when the subject is one (null if the caller may not read it)"
  justiceMatter: JusticeSupervisionMatter
}

type InboxEdge { cursor: String! node: InboxItem! }
type InboxConnection { edges: [InboxEdge!]! pageInfo: PageInfo! unreadCount: Int! }

"""A statutory period the hub computes deadlines with (schema/deadlines.json)."""
type DeadlineRule {
  "transferDecision, transferDelivery, filingDecision, reconsiderationRequest, reconsiderationAnswer, filingExplanation, filingOrder, suggestionReply, publicInterestReply, publicInterestUrgentReply"
  key: String!
  amount: Int!
  "hours, days or months"
  unit: String!
  "calendar (rolled to the next working day when the last day is a rest day) or working days"
  counting: String!
  citation: String!
  "first and last day (inclusive, Beijing date) a period starting then follows this rule; effectiveTo null: in force"
  effectiveFrom: String!
  effectiveTo: String
  note: String!
  "false while the citation comes from a secondary source"
  verified: Boolean!
}

extend type Query {
  "The statutory periods behind every …DueAt, with their citations (public: it is the law)"
  deadlineRules: [DeadlineRule!]!
  justiceSupervisionMatter(id: ID!): JusticeSupervisionMatter @requiresScopes(scopes: [["supervision:read"]])
  "行政执法监督 matters: the justice bureau's jurisdiction, or a procuratorate's own escalations, newest first"
  justiceSupervisionMatters(status: JusticeSupervisionStatus, first: Int, after: String, last: Int, before: String): JusticeSupervisionMatterConnection @requiresScopes(scopes: [["supervision:read"]])
  "What is overdue for the caller's unit (transfers, suggestions), computed against the hub's clock"
  overdue: OverdueItems @authenticated
  "The caller's unit's inbox, newest first"
  inbox(unreadOnly: Boolean = false, first: Int, after: String, last: Int, before: String): InboxConnection @authenticated
}

extend type Mutation {
  "The justice bureau records its handling of an escalated suggestion; the result is copied back to the procuratorate"
  recordSupervisionResult(id: ID!, result: String!): JusticeSupervisionMatter @requiresScopes(scopes: [["justice:supervise"]])
  "Marks entries of the caller's unit's inbox read; every id must be in that inbox"
  markInboxRead(ids: [ID!]!): [InboxItem!] @authenticated
}
`;
