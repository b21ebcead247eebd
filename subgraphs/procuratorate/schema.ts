import { DATE_TIME, FEDERATION_LINK, PAGE_INFO, gql } from '../../kit/sdl';
import { ALERT_MUTATION_SDL, ALERT_QUERY_SDL, ALERT_SDL } from './alerts';
import { SCORECARD_ACCESS } from '../../kit/month';
import { ESCALATION_SDL } from '../../kit/notifications';
import { SCORE_RULES } from '../../kit/month';
import { SCORECARD_JUSTICE_SDL } from './scorecard';
import { currentVersion } from '../../kit/versioned-rules';
import { currentRule, periodText } from '../../kit/deadlines';
import { FILING_SUPERVISION_SDL } from './filing-supervision';
import { LIST_SDL } from './lists';
import { NON_PROSECUTION_SDL } from './non-prosecution';

/** The rule users are told about in the SDL; a month's score always uses the rule in force for that month. */
const CURRENT_SCORE_RULE = currentVersion(SCORE_RULES)!;
const SCORE_BASE = CURRENT_SCORE_RULE.base;
const SCORE_TERMS = CURRENT_SCORE_RULE.deductions.map((d) => `${d.points} × ${d.key}`).join(' − ');

export const typeDefs = gql`
${FEDERATION_LINK}
${DATE_TIME}
${PAGE_INFO}
${ALERT_SDL}
${NON_PROSECUTION_SDL}

"""A case of the index (owned by justice); the procuratorate adds its supervision to every case type."""
type EnforcementCase @key(fields: "id") @interfaceObject {
  id: ID!
  "检察监督: supervision matters the procuratorate opened on this case, those the caller reads (supervision:read over the case's region)"
  supervision: [SupervisionMatter!]
}

"""A bureau of the justice directory; the procuratorate adds the suggestions it received."""
type Agency @key(fields: "code") {
  code: ID!
  "检察建议 received by this bureau, those the caller reads (supervision:read over the bureau's region, or the bureau itself)"
  suggestions: [ProcuratorialSuggestion!]
}

"""一月一晒绩: a bureau's month (owned by justice); the procuratorate adds the suggestions the bureau received that month, where they stand now, and the score."""
type Scorecard @key(fields: "agencyCode month") ${SCORECARD_ACCESS} {
  agencyCode: ID!
  month: String!
  "检察建议 issued to the bureau that month"
  suggestionsReceived: Int!
  "written replies the bureau gave that month"
  suggestionsReplied: Int!
  "of those, replies with rectification (整改)"
  suggestionsRectified: Int!
  "reply periods that ended that month without a reply (不予回复)"
  suggestionsOverdue: Int!
  """
  The month's score under the scoring rule in force for the month (schema/scorecard.json; seed 001,
  weights unverified): base minus each deduction's points times its count, at least the floor.
  Currently ${SCORE_BASE} − ${SCORE_TERMS}.
  """
  score: Float! ${SCORECARD_JUSTICE_SDL.requires}
  "the id of the scoring rule the score used (schema/scorecard.json); a closed month keeps the one it was frozen with"
  scoreRule: String!
  "the score's deductions, one per measure of the rule, with the count and the points"
  scoreTerms: [ScoreTerm!]! ${SCORECARD_JUSTICE_SDL.requires}
  "when the suggestion figures were frozen (the month closed); null while the month is open"
  suggestionsFrozenAt: DateTime${SCORECARD_JUSTICE_SDL.external}
}

"""One deduction of a month's score: count × points."""
type ScoreTerm {
  measure: String!
  label: String!
  count: Int!
  points: Float!
  deducted: Float!
}

"""A bureau's place in a month's ranking; equal scores share a rank."""
type ScorecardRank ${SCORECARD_ACCESS} {
  "bureaus with activity first; a 零执法 bureau never ranks above one with activity"
  rank: Int!
  "零执法: the bureau entered no case that month (seed 003 零执法说明制度)"
  zeroEnforcement: Boolean!
  "why the bureau stands there: 零执法, and the score's formula with the rule version"
  explanation: String!
  scorecard: Scorecard
}

"""检察监督事项的类别"""
enum SupervisionKind {
  "案件审查"
  CASE_REVIEW
  "立案监督"
  FILING_SUPERVISION
  "移送监督"
  TRANSFER_SUPERVISION
  "公益诉讼"
  PUBLIC_INTEREST
}

enum SupervisionStatus { OPEN CLOSED }

"""检察监督事项: a matter a procuratorate opened on one case."""
type SupervisionMatter @key(fields: "id") @requiresScopes(scopes: [["supervision:read"]]) {
  id: ID!
  case: EnforcementCase
  kind: SupervisionKind!
  status: SupervisionStatus!
  summary: String!
  "internal notes: the procuratorate that opened the matter only (supervision:notes@unit)"
  notes: String @requiresScopes(scopes: [["supervision:notes"]])
  procuratorateCode: String!
  openedAt: DateTime!
  closedAt: DateTime
}

"""检察建议的类别"""
enum SuggestionKind {
  "纠正违法"
  CORRECTION
  "社会治理"
  SOCIAL_GOVERNANCE
  "公益诉讼"
  PUBLIC_INTEREST
  "再审"
  RETRIAL
  "其他"
  OTHER
}

"""ISSUED: awaiting the reply; OBJECTED: the recipient objected (异议), awaiting the procuratorate's review; REPLIED; WITHDRAWN on review"""
enum SuggestionStatus { ISSUED REPLIED OBJECTED WITHDRAWN }

"""复核 of an objection"""
enum SuggestionReview {
  "修改: the content is amended and the suggestion goes back to the recipient"
  AMEND
  "撤回"
  WITHDRAW
  "维持: the suggestion stands"
  MAINTAIN
}

"""跟进监督: the procurator's verification of the rectification"""
enum RectificationVerification {
  "整改到位"
  DONE
  "整改不到位"
  INSUFFICIENT
  "未整改"
  NOT_DONE
}

"""被建议单位的类别 (《人民检察院检察建议工作规定》): who a suggestion may be addressed to"""
enum SuggestionRecipientKind {
  "an enforcement bureau of the justice directory (行政执法机关)"
  ENFORCEMENT_BUREAU
  "a public-security unit (公安机关)"
  PUBLIC_SECURITY
  "a people's court (人民法院): the only recipient of a RETRIAL suggestion"
  COURT
  "another authority or unit (其他有关单位)"
  OTHER_AUTHORITY
}

"""The body a suggestion is addressed to."""
type SuggestionRecipient {
  kind: SuggestionRecipientKind!
  "its unit code (a bureau's directory code, a public-security unit's org code …)"
  code: String!
  "its name, for a recipient outside the directory"
  name: String
}

"""检察建议: issued to one recipient (a bureau, a public-security unit, a court, another authority), optionally about one case; the recipient replies in writing."""
type ProcuratorialSuggestion @key(fields: "id") @requiresScopes(scopes: [["supervision:read"], ["suggestion:reply"]]) {
  id: ID!
  "the bureau, when the recipient is an enforcement bureau of the directory"
  agency: Agency
  recipient: SuggestionRecipient!
  case: EnforcementCase
  kind: SuggestionKind!
  content: String!
  procuratorateCode: String!
  issuedAt: DateTime!
  "签收: when the recipient received it (signed for it, or the service the procuratorate recorded); the reply period runs from then"
  receivedAt: DateTime
  "情况紧急: the shorter reply period in days the procurator set, if any"
  replyDays: Int
  "when the written reply is due, counted from receipt (schema/deadlines.json: suggestionReply, publicInterestReply, publicInterestUrgentReply, or replyDays); null until received"
  replyDueAt: DateTime
  "unanswered past replyDueAt, by the hub's clock"
  overdue: Boolean!
  status: SuggestionStatus!
  repliedAt: DateTime
  reply: String
  "整改: whether the bureau states it has rectified"
  rectified: Boolean
  rectification: String
  "异议: the recipient's objection"
  objection: String
  objectedAt: DateTime
  "复核 of the objection by the issuing procuratorate"
  review: SuggestionReview
  reviewReason: String
  reviewedAt: DateTime
  "跟进监督: the procurator's verification of the rectification"
  verification: RectificationVerification
  verifiedAt: DateTime
  "抄送司法局 (seed 001): set once the suggestion goes unanswered past replyDueAt or is answered without rectification"
  escalation: SuggestionEscalation
}

${ESCALATION_SDL}
${FILING_SUPERVISION_SDL}
${LIST_SDL}

"""A matter of the justice bureau (owned by justice)."""
type JusticeSupervisionMatter @key(fields: "id", resolvable: false) {
  id: ID!
}

"""The copy of a suggestion to the justice bureau, and the result the justice bureau copied back (双向通报)."""
type SuggestionEscalation {
  reason: EscalationReason!
  escalatedAt: DateTime!
  "OPEN until the justice bureau's result arrives"
  status: JusticeSupervisionStatus!
  "处理结果 of the justice bureau"
  result: String
  resultAt: DateTime
  "the justice bureau's matter (supervision:read)"
  matter: JusticeSupervisionMatter
}

"""What is overdue for the caller's unit (owned by justice); the procuratorate adds the suggestions."""
type OverdueItems @key(fields: "unit") {
  unit: String!
  "unanswered past replyDueAt, among the suggestions the caller reads: procurators and the justice bureau those of their jurisdiction, a bureau those addressed to it"
  suggestions: [ProcuratorialSuggestion!]
}

input SupervisionInput { kind: SupervisionKind!, summary: String!, notes: String }

input SuggestionInput {
  "the recipient's unit code: a bureau of the directory, or a public-security unit, a court, another authority"
  agencyCode: ID!
  "who the suggestion goes to (default ENFORCEMENT_BUREAU); a RETRIAL suggestion goes to a COURT, a PUBLIC_INTEREST one to an administrative organ"
  recipientKind: SuggestionRecipientKind
  "required for a COURT or OTHER_AUTHORITY recipient (not in the directory)"
  recipientName: String
  "a case of that bureau, when the suggestion concerns one"
  caseId: ID
  kind: SuggestionKind!
  content: String!
  "情况紧急: a shorter reply period in calendar days from receipt, which must end before the rule's"
  replyDays: Int
  "PUBLIC_INTEREST only: the harm is ongoing (损害继续扩大), so the reply is due in ${periodText(currentRule('publicInterestUrgentReply'))}"
  harmOngoing: Boolean
}

input SuggestionReplyInput {
  reply: String!
  rectified: Boolean!
  "required when rectified is true"
  rectification: String
}

type Query {${ALERT_QUERY_SDL}
  "一月一晒绩: every bureau (under region, when given) ranked by the month's score, highest first"
  scorecardRanking(month: String!, region: String): [ScorecardRank!] ${SCORECARD_ACCESS}
  suggestion(id: ID!): ProcuratorialSuggestion
  supervisionMatter(id: ID!): SupervisionMatter
}

# Each mutation needs the scope it names (schema/policy.json) and the row rule of its resource
# (resources/*.ts) on the record it changes; its result is null when it is refused.
type Mutation {${ALERT_MUTATION_SDL}
  "检察监督: on a case of the caller's jurisdiction, in its procuratorate's name"
  openSupervision(caseId: ID!, input: SupervisionInput!): SupervisionMatter @requiresScopes(scopes: [["supervision:write"]])
  "the procuratorate that opened the matter only"
  closeSupervision(id: ID!): SupervisionMatter @requiresScopes(scopes: [["supervision:write"]])
  "检察建议: to a bureau of the caller's jurisdiction"
  issueSuggestion(input: SuggestionInput!): ProcuratorialSuggestion @requiresScopes(scopes: [["supervision:write"]])
  "the bureau the suggestion is addressed to only (《人民检察院检察建议工作规定》第十九条)"
  replyToSuggestion(id: ID!, input: SuggestionReplyInput!): ProcuratorialSuggestion @requiresScopes(scopes: [["suggestion:reply"]])
  "异议: the recipient objects instead of replying; nothing escalates while the procuratorate reviews it; once"
  objectToSuggestion(id: ID!, reason: String!): ProcuratorialSuggestion @requiresScopes(scopes: [["suggestion:reply"]])
  "复核: the issuing procuratorate amends (content required), withdraws or maintains; an amended or maintained suggestion's reply period runs anew"
  reviewSuggestionObjection(id: ID!, decision: SuggestionReview!, reason: String!, content: String): ProcuratorialSuggestion @requiresScopes(scopes: [["supervision:write"]])
  "跟进监督: the issuing procuratorate verifies the rectification after the reply; INSUFFICIENT or NOT_DONE copies a bureau's suggestion to the justice bureau; once"
  verifySuggestionRectification(id: ID!, outcome: RectificationVerification!): ProcuratorialSuggestion @requiresScopes(scopes: [["supervision:write"]])
  "签收: the recipient signs for the suggestion and its reply period starts (《人民检察院检察建议工作规定》第十九条: 自收到检察建议书之日起); once"
  acknowledgeSuggestion(id: ID!): ProcuratorialSuggestion @requiresScopes(scopes: [["suggestion:reply"]])
  "送达回证: the issuing procuratorate records when a recipient outside the hub (a court, another authority) received the suggestion; once"
  recordSuggestionService(id: ID!, receivedAt: DateTime!): ProcuratorialSuggestion @requiresScopes(scopes: [["supervision:write"]])
}
`;
