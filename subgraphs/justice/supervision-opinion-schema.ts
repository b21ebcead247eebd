/** Justice's SDL for 行政执法监督意见书 (included in schema.ts). */
export const SUPERVISION_OPINION_SDL = `
"""Why the justice bureau issues an opinion (seed 001: 违法或者不当的行政执法行为)"""
enum SupervisionOpinionGround {
  "涉嫌犯罪未按规定移送"
  UNTRANSFERRED_CRIME
  "在法定期限内拒不执行行政处罚或其他行政决定"
  UNENFORCED_DECISION
  "滥用行政处罚自由裁量权"
  ABUSED_DISCRETION
  "其他违法或者不当的执法行为"
  OTHER
}

enum SupervisionOpinionStatus { ISSUED REPLIED CLOSED }

"""核查结果: what the justice bureau found of the bureau's rectification"""
enum RectificationOutcome { RECTIFIED INSUFFICIENT NOT_RECTIFIED }

"""
行政执法监督意见书 (domain.md §7): the justice bureau's opinion to a bureau on unlawful or improper
enforcement, with a rectification deadline; the bureau replies, the justice bureau verifies. The
procuratorate of the region is notified at issuance and of the verification (双向通报).
"""
type SupervisionOpinion @key(fields: "id") @requiresScopes(scopes: [["supervision:read"], ["suggestion:reply"]]) {
  id: ID!
  "the bureau it is addressed to"
  agency: Agency
  region: String!
  ground: SupervisionOpinionGround!
  "the case it concerns, if one (null if the caller may not read it)"
  case: EnforcementCase
  "违法或者不当的事实"
  facts: String!
  "纠正意见: what the bureau must do"
  requirement: String!
  issuedAt: DateTime!
  "整改期限, set by the justice bureau"
  rectificationDueAt: DateTime!
  status: SupervisionOpinionStatus!
  "ISSUED past rectificationDueAt, against the hub's clock"
  overdue: Boolean!
  reply: String
  rectified: Boolean
  repliedAt: DateTime
  outcome: RectificationOutcome
  verificationNote: String
  verifiedAt: DateTime
}

type SupervisionOpinionEdge { cursor: String! node: SupervisionOpinion }
type SupervisionOpinionConnection { edges: [SupervisionOpinionEdge!]! pageInfo: PageInfo! }

input SupervisionOpinionInput {
  agencyCode: String!
  ground: SupervisionOpinionGround!
  caseId: ID
  facts: String!
  requirement: String!
  rectificationDueAt: DateTime!
}

input SupervisionOpinionReplyInput {
  reply: String!
  "whether the bureau rectified"
  rectified: Boolean!
}

extend type InboxItem {
  "the supervision opinion, when the subject is one (null if the caller may not read it)"
  supervisionOpinion: SupervisionOpinion
}

extend type Query {
  supervisionOpinion(id: ID!): SupervisionOpinion @requiresScopes(scopes: [["supervision:read"], ["suggestion:reply"]])
  "Supervision opinions the caller may read, newest first; overdue: ISSUED past the rectification deadline"
  supervisionOpinions(status: SupervisionOpinionStatus, agencyCode: String, overdue: Boolean, first: Int, after: String, last: Int, before: String): SupervisionOpinionConnection @requiresScopes(scopes: [["supervision:read"], ["suggestion:reply"]])
}

extend type Mutation {
  "行政执法监督意见书 to a bureau of the caller's jurisdiction; the bureau and the procuratorate of the region are notified"
  issueSupervisionOpinion(input: SupervisionOpinionInput!): SupervisionOpinion @requiresScopes(scopes: [["justice:supervise"]])
  "The addressed bureau's written reply"
  replyToSupervisionOpinion(id: ID!, input: SupervisionOpinionReplyInput!): SupervisionOpinion @requiresScopes(scopes: [["suggestion:reply"]])
  "The justice bureau's verification of the rectification; closes the opinion"
  verifySupervisionOpinion(id: ID!, outcome: RectificationOutcome!, note: String): SupervisionOpinion @requiresScopes(scopes: [["justice:supervise"]])
}
`;
