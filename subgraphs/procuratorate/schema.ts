import { DATE_TIME, FEDERATION_LINK, gql } from '../kit/sdl';

export const typeDefs = gql`
${FEDERATION_LINK}
${DATE_TIME}

"""A case of the index (owned by justice); the procuratorate adds its supervision to every case type."""
type EnforcementCase @key(fields: "id") @interfaceObject {
  id: ID!
  "检察监督: supervision matters the procuratorate opened on this case"
  supervision: [SupervisionMatter!]!
}

"""A bureau of the justice directory; the procuratorate adds the suggestions it received."""
type Agency @key(fields: "code") {
  code: ID!
  "检察建议 received by this bureau"
  suggestions: [ProcuratorialSuggestion!]!
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
  case: EnforcementCase!
  kind: SupervisionKind!
  status: SupervisionStatus!
  summary: String!
  "internal notes: the procuratorate that opened the matter only"
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

enum SuggestionStatus { ISSUED REPLIED }

"""检察建议: issued to one bureau, optionally about one of its cases; the bureau replies in writing."""
type ProcuratorialSuggestion @key(fields: "id") @requiresScopes(scopes: [["supervision:read"], ["suggestion:reply"]]) {
  id: ID!
  agency: Agency!
  case: EnforcementCase
  kind: SuggestionKind!
  content: String!
  procuratorateCode: String!
  issuedAt: DateTime!
  "when the written reply is due (rule table in the procuratorate subgraph, with citations)"
  replyDueAt: DateTime!
  status: SuggestionStatus!
  repliedAt: DateTime
  reply: String
  "整改: whether the bureau states it has rectified"
  rectified: Boolean
  rectification: String
}

input SupervisionInput { kind: SupervisionKind!, summary: String!, notes: String }

input SuggestionInput {
  agencyCode: ID!
  "a case of that bureau, when the suggestion concerns one"
  caseId: ID
  kind: SuggestionKind!
  content: String!
  "PUBLIC_INTEREST only: the harm is ongoing (损害继续扩大), so the reply is due in 15 days"
  harmOngoing: Boolean
}

input SuggestionReplyInput {
  reply: String!
  rectified: Boolean!
  "required when rectified is true"
  rectification: String
}

type Query {
  suggestion(id: ID!): ProcuratorialSuggestion
  supervisionMatter(id: ID!): SupervisionMatter
}

type Mutation {
  openSupervision(caseId: ID!, input: SupervisionInput!): SupervisionMatter! @requiresScopes(scopes: [["supervision:write"]])
  closeSupervision(id: ID!): SupervisionMatter! @requiresScopes(scopes: [["supervision:write"]])
  issueSuggestion(input: SuggestionInput!): ProcuratorialSuggestion! @requiresScopes(scopes: [["supervision:write"]])
  replyToSuggestion(id: ID!, input: SuggestionReplyInput!): ProcuratorialSuggestion! @requiresScopes(scopes: [["suggestion:reply"]])
}
`;
