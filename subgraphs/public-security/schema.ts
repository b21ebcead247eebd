import { gql, DATE_TIME, FEDERATION_LINK, PAGE_INFO } from '../../kit/sdl';
import { SCORECARD_ACCESS } from '../../kit/month';
import { currentRule, periodText } from '../../kit/deadlines';
import { OVERDUE_PAGE_SDL } from './overdue-page';
import { INTAKE_SDL } from './intake/schema';

export const typeDefs = gql`
${FEDERATION_LINK}
${DATE_TIME}
${PAGE_INFO}
${OVERDUE_PAGE_SDL}
${INTAKE_SDL}

"""Every case of the index, seen from public security: its transfer (移送), if any."""
type EnforcementCase @key(fields: "id") @interfaceObject {
  id: ID!
  "移送: the case's transfer to public security, if any"
  transfer: CaseTransfer
}

"""一月一晒绩: a bureau's month (owned by justice); public security adds the transfers it made that month and where they stand now."""
type Scorecard @key(fields: "agencyCode month") ${SCORECARD_ACCESS} {
  agencyCode: ID!
  month: String!
  "移送: transfers the bureau submitted that month"
  transfersMade: Int!
  "of those, filed (立案), also after reconsideration"
  transfersFiled: Int!
  "of those, not filed (不予立案), the refusal standing or upheld on reconsideration"
  transfersNotFiled: Int!
  "of those, not decided yet (submitted, accepted, under reconsideration)"
  transfersPending: Int!
}

"""移送案件状态"""
enum TransferStatus { SUBMITTED ACCEPTED MATERIALS_REQUESTED FILED NOT_FILED RECONSIDERATION_REQUESTED RECONSIDERATION_UPHELD RETURNED FORWARDED }

"""立案 (FILE) or 不予立案 (NOT_FILE)"""
enum TransferDecision { FILE NOT_FILE }

"""移送: a suspected crime transferred by an enforcement bureau to public security (国务院令第310号)."""
type CaseTransfer @key(fields: "id") @requiresScopes(scopes: [["case:read"]]) {
  id: ID!
  "the case (case:read; null for a caller who may not read cases)"
  case: EnforcementCase
  "the transferring bureau"
  agencyCode: String!
  "the case's region (6-digit 行政区划代码)"
  region: String!
  status: TransferStatus!
  "移送书 summary"
  summary: String!
  "调查报告, 涉案物品清单, 检验报告/鉴定结论 …"
  materials: [String!]!
  submittedAt: DateTime!
  "受理"
  acceptedAt: DateTime
  "when the filing decision is due: from submission until accepted, then from acceptance (schema/deadlines.json: filingDecision), or from the completion of the materials after 补正, and under the case's extension if one was granted (filingExtension)"
  decisionDueAt: DateTime!
  "past the deadline of the step owed now (the filing decision, the answer to a reconsideration request, or under 补正 the bureau's completion of the materials), by the hub's clock"
  overdue: Boolean!
  decidedAt: DateTime
  decision: TransferDecision
  "书面理由, required when not filing"
  decisionReason: String
  "复议: requested by the transferring bureau within ${periodText(currentRule('reconsiderationRequest'))} of a refusal"
  reconsiderationRequestedAt: DateTime
  reconsiderationReason: String
  reconsiderationDueAt: DateTime
  reconsideredAt: DateTime
  "the answer to the reconsideration request"
  reconsiderationDecision: TransferDecision
  reconsiderationDecisionReason: String
  "侦查: classified; the accepting public-security unit and procurators of the region, with a stated reason (X-Access-Reason) only"
  investigation: Investigation @requiresScopes(scopes: [["investigation:read"]])
  "立案监督: what the procuratorate asked of public security on this transfer, if anything (要求说明不立案理由, 通知立案)"
  filingSupervision: FilingSupervisionRequest
  "立案: by decision, on reconsideration or on the procuratorate's order"
  filedAt: DateTime
  "立而不侦: when a filed case with no investigation progress draws a reminder, ${periodText(currentRule('investigationReminder'))} from the filing or the latest investigation record (schema/deadlines.json: investigationReminder)"
  investigationReminderDueAt: DateTime
  "when the reminder was sent to the procuratorate and the unit that filed"
  investigationRemindedAt: DateTime
  "filed and past investigationReminderDueAt, by the hub's clock"
  uninvestigated: Boolean!
}

"""立案监督事项 of the procuratorate (owned by the procuratorate)."""
type FilingSupervision @key(fields: "id", resolvable: false) {
  id: ID!
}

"""Where a filing-supervision request stands at public security."""
enum FilingSupervisionRequestStatus {
  "要求说明不立案理由 received: an explanation is owed"
  EXPLANATION_REQUESTED
  "explained; the procuratorate reviews the reasons"
  EXPLAINED
  "the procuratorate found the reasons sound (理由成立)"
  REASONS_ACCEPTED
  "通知立案 received: the case must be filed"
  FILING_ORDERED
  "纠正违法通知书 received: the order was not followed in time"
  CORRECTION_NOTICED
  "filed on the order (依通知立案)"
  FILED
}

"""立案监督 as public security holds it: the procuratorate's requests on one of its refused transfers, from their receipt (收到)."""
type FilingSupervisionRequest @key(fields: "id") @requiresScopes(scopes: [["case:read"]]) {
  "the procuratorate's matter id"
  id: ID!
  transfer: CaseTransfer
  "the procuratorate's matter"
  matter: FilingSupervision
  procuratorateCode: String!
  status: FilingSupervisionRequestStatus!
  "the procurator's reasons for asking"
  requestText: String
  explanationRequestedAt: DateTime!
  "收到: the period to explain runs from here"
  explanationReceivedAt: DateTime!
  "${periodText(currentRule('filingExplanation'))} from receipt (schema/deadlines.json: filingExplanation)"
  explanationDueAt: DateTime!
  "不立案理由说明"
  explanation: String
  explainedAt: DateTime
  reasonsAcceptedAt: DateTime
  "the procurator's reasons for ordering filing"
  orderText: String
  filingOrderedAt: DateTime
  "收到通知立案书: the period to file runs from here"
  orderReceivedAt: DateTime
  "${periodText(currentRule('filingOrder'))} from receipt of the order (schema/deadlines.json: filingOrder)"
  filingDueAt: DateTime
  correctionNoticedAt: DateTime
  filedAt: DateTime
  "when what public security owes now (an explanation, a filing) is due; null when it owes nothing"
  dueAt: DateTime
  "past dueAt, by the hub's clock"
  overdue: Boolean!
}

type FilingSupervisionRequestEdge { cursor: String! node: FilingSupervisionRequest }
type FilingSupervisionRequestConnection { edges: [FilingSupervisionRequestEdge!]! pageInfo: PageInfo! }

"""侦查情况 (classified)."""
type Investigation {
  summary: String!
  measures: [String!]!
  "举报人: classified; the accepting public-security unit only, with a stated reason (X-Access-Reason)"
  informant: Informant @requiresScopes(scopes: [["informant:read"]])
  updatedAt: DateTime!
}

type Informant {
  name: String!
  phone: String
}

input InvestigationInput {
  summary: String!
  measures: [String!]!
  informantName: String
  informantPhone: String
}

input TransferInput {
  "移送书 summary"
  summary: String!
  "a free list of further materials (older clients sent the attachments here)"
  materials: [String!]
  "国务院令第310号 第六条: each of the five attachments, provided or declared absent where allowed; every missing one is named at once"
  attachments: [TransferAttachmentInput!]
}

input TransferFilter {
  status: TransferStatus
  "6-digit region code; a city or province code matches every county under it"
  region: String
}

type TransferEdge { cursor: String! node: CaseTransfer }
type TransferConnection { edges: [TransferEdge!]! pageInfo: PageInfo! }

"""What is overdue for the caller's unit (owned by justice); public security adds the transfers."""
type OverdueItems @key(fields: "unit") {
  unit: String!
  "undecided past decisionDueAt, or a reconsideration unanswered past reconsiderationDueAt, among the transfers the caller reads (case:read over its region, or its own bureau)"
  transfers: [CaseTransfer!]
  "立案监督: explanations or filings owed past their due date (from receipt), among the requests the caller reads"
  filingSupervisionRequests: [FilingSupervisionRequest!]
}

type Query {
  transfer(id: ID!): CaseTransfer @requiresScopes(scopes: [["case:read"]])
  transfers(filter: TransferFilter, first: Int, after: String, last: Int, before: String): TransferConnection @requiresScopes(scopes: [["case:read"]])
  "立案监督 on the transfers the caller reads, newest first; open: those still owing an explanation or a filing"
  filingSupervisionRequests(open: Boolean = false, first: Int, after: String, last: Int, before: String): FilingSupervisionRequestConnection @requiresScopes(scopes: [["case:read"]])
}

# Each mutation needs the scope it names (schema/policy.json) and the transfer's row rule
# (resources/transfer.ts) on the record it changes; its result is null when it is refused.
type Mutation {
  "移送: by an officer of the bureau that owns the case"
  transferCase(caseId: ID!, input: TransferInput!): CaseTransfer @requiresScopes(scopes: [["transfer:write"]])
  "受理: by a public-security unit whose jurisdiction covers the case's region; it becomes the accepting unit"
  acceptTransfer(id: ID!): CaseTransfer @requiresScopes(scopes: [["transfer:decide"]])
  "立案 / 不予立案, with a reason when not filing: the accepting unit only (国务院令第310号 第八条)"
  decideTransfer(id: ID!, decision: TransferDecision!, reason: String): CaseTransfer @requiresScopes(scopes: [["transfer:decide"]])
  "复议: the transferring bureau asks public security to reconsider a refusal"
  requestReconsideration(id: ID!, reason: String!): CaseTransfer @requiresScopes(scopes: [["transfer:write"]])
  "复议决定: FILE files the case, NOT_FILE upholds the refusal: the accepting unit, which refused, only (第九条)"
  decideReconsideration(id: ID!, decision: TransferDecision!, reason: String!): CaseTransfer @requiresScopes(scopes: [["transfer:decide"]])
  "不立案理由说明: the accepting unit answers the procuratorate's request in writing (within ${periodText(currentRule('filingExplanation'))} of receipt)"
  explainNonFiling(id: ID!, explanation: String!): FilingSupervisionRequest @requiresScopes(scopes: [["transfer:decide"]])
  "依通知立案: the accepting unit files the case the procuratorate ordered filed (within ${periodText(currentRule('filingOrder'))} of receipt); the transfer becomes FILED"
  fileOnOrder(id: ID!): FilingSupervisionRequest @requiresScopes(scopes: [["transfer:decide"]])
  "Records or updates the investigation of an accepted transfer (the accepting unit only)."
  recordInvestigation(transferId: ID!, input: InvestigationInput!): CaseTransfer @requiresScopes(scopes: [["transfer:decide"]])
}
`;
