/** Justice's SDL for collaboration matters (included in schema.ts; collaboration.ts, collaboration-kinds.ts). */
const READ = '@requiresScopes(scopes: [["collaboration:request"], ["supervision:read"]])';

export const COLLABORATION_SDL = `
"""What a collaboration matter is (collaboration-kinds.ts)"""
enum CollaborationKind {
  "案件咨询: a bureau asks public security or the procuratorate; written answer in 7 days (中办发〔2011〕8号)"
  CONSULTATION
  "提前介入: a request that public security or the procuratorate intervene early; accepted or declined with reasons"
  EARLY_INTERVENTION
  "线索: a clue handed to another unit, answered with feedback (线索接受反馈, 线索协查)"
  CLUE
  "交办: a matter assigned by the justice bureau or the procuratorate to a bureau of its region, reported back by a deadline; 督办 when overdue"
  ASSIGNMENT
}

enum CollaborationStatus {
  "待答复"
  OPEN
  "已答复 / 已反馈 / 已报告"
  ANSWERED
  "提前介入: 同意"
  ACCEPTED
  "提前介入: 不予介入"
  DECLINED
}

"""
A collaboration matter between two units of the supervision system (协作): who asked whom about
what, by when the answer is due, and the answer. The requesting and the addressed unit read it,
and the supervisors of the addressed unit's region. Its subject and answer may name persons:
every release is audited.
"""
type CollaborationMatter @key(fields: "id") ${READ} {
  id: ID!
  kind: CollaborationKind!
  "the unit that opened it (its code)"
  requesterUnit: String!
  "the unit it is addressed to (its code)"
  addresseeUnit: String!
  "the addressed unit's region"
  region: String!
  "the case it concerns, if one (null if the caller may not read it)"
  case: EnforcementCase
  "咨询事项, 介入请求, 线索内容, 交办事项"
  subject: String!
  requestedAt: DateTime!
  "答复期限: the law's for 案件咨询, the requester's otherwise (null: none set)"
  answerDueAt: DateTime
  status: CollaborationStatus!
  "OPEN past answerDueAt, against the hub's clock"
  overdue: Boolean!
  "答复, 反馈, 办理结果; for 提前介入 the reasons to accept or decline"
  answer: String
  answeredAt: DateTime
  "督办: how many times the requester urged it"
  urgeCount: Int!
  lastUrgedAt: DateTime
}

type CollaborationMatterEdge { cursor: String! node: CollaborationMatter }
type CollaborationMatterConnection { edges: [CollaborationMatterEdge!]! pageInfo: PageInfo! }

input CollaborationRequestInput {
  kind: CollaborationKind!
  "the addressed unit's code: a bureau of the directory, PSB-<region>, PROC-<region> or JUS-<region>"
  addresseeUnit: String!
  caseId: ID
  subject: String!
  "required for ASSIGNMENT, optional for EARLY_INTERVENTION and CLUE, refused for CONSULTATION (the law sets it)"
  answerDueAt: DateTime
}

input CollaborationAnswerInput {
  answer: String!
  "ACCEPTED or DECLINED for 提前介入; ANSWERED (the default) for the other kinds"
  outcome: CollaborationStatus
}

extend type OverdueItems {
  "协作: open collaboration matters past their due date, among those the caller reads"
  collaborationMatters: [CollaborationMatter!] ${READ}
}

extend type InboxItem {
  "the collaboration matter, when the subject is one (null if the caller may not read it)"
  collaborationMatter: CollaborationMatter
}

extend type Query {
  collaborationMatter(id: ID!): CollaborationMatter ${READ}
  "Collaboration matters the caller reads, newest first; overdue: OPEN past answerDueAt"
  collaborationMatters(kind: CollaborationKind, status: CollaborationStatus, overdue: Boolean, first: Int, after: String, last: Int, before: String): CollaborationMatterConnection ${READ}
}

extend type Mutation {
  "Opens a matter from the caller's unit (案件咨询, 提前介入, 线索) or assigns one to a bureau of its region (交办); the addressed unit is notified"
  requestCollaboration(input: CollaborationRequestInput!): CollaborationMatter @requiresScopes(scopes: [["collaboration:request"], ["collaboration:assign"]])
  "The addressed unit's answer; the requester is notified"
  answerCollaboration(id: ID!, input: CollaborationAnswerInput!): CollaborationMatter @requiresScopes(scopes: [["collaboration:answer"]])
  "督办: the requester urges a matter open past its due date; the addressed unit is reminded"
  urgeCollaboration(id: ID!, note: String): CollaborationMatter @requiresScopes(scopes: [["collaboration:request"]])
}
`;
