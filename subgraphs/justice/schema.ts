import { gql, ACT_TYPE, CASE_COMMON_FIELDS, DATE_TIME, FEDERATION_LINK, PAGE_INFO } from '../kit/sdl';
import { AGENCY_KINDS } from '../agencies/registry';

// The index lists every agency's case type: federation requires the owner of an entity
// interface to define all of its implementations.
const implementations = AGENCY_KINDS.map((k) => `
"""${k.label}"""
type ${k.caseType} implements EnforcementCase @key(fields: "id") @requiresScopes(scopes: [["case:read"]]) {${CASE_COMMON_FIELDS}
}`).join('\n');

export const typeDefs = gql`
${FEDERATION_LINK}
${DATE_TIME}
${ACT_TYPE}
${PAGE_INFO}

"""执法主体: one bureau (局) of an enforcement system in one region."""
type Agency @key(fields: "code") {
  code: ID!
  name: String!
  kind: String!
  region: String!
  officers: [Officer!]!
  powerItems: [PowerItem!]!
}

"""执法人员 with an enforcement certificate (执法证)."""
type Officer {
  id: ID!
  name: String!
  certificateNumber: String!
  category: String!
  agency: Agency!
}

"""权力清单 item."""
type PowerItem {
  code: String!
  name: String!
  actType: EnforcementActType!
  legalBasis: String!
}

"""A case in the index (归集). The owning agency's subgraph resolves its party and own fields."""
interface EnforcementCase @key(fields: "id") {
  id: ID!
  caseNumber: String!
  agency: Agency!
  actType: EnforcementActType!
  cause: String!
  offenceCode: String
  amountInvolved: Float
  fineAmount: Float
  decidedAt: DateTime
  region: String!
  recordedAt: DateTime!
}
${implementations}

input CaseFilter {
  agencyCode: ID
  "6-digit region code; a city or province code matches every county under it"
  region: String
  actType: EnforcementActType
  offenceCode: String
  caseType: String
}

type CaseEdge { cursor: String! node: EnforcementCase! }
type CaseConnection { edges: [CaseEdge!]! pageInfo: PageInfo! }

type Viewer { subject: String! role: String! org: String region: String scopes: [String!]! }

input AgencyInput { code: ID! name: String! kind: String! region: String! }
input OfficerInput { agencyCode: ID! name: String! certificateNumber: String! category: String! }
input PowerItemInput { agencyCode: ID! code: String! name: String! actType: EnforcementActType! legalBasis: String! }

type Query {
  case(id: ID!): EnforcementCase @requiresScopes(scopes: [["case:read"]])
  cases(filter: CaseFilter, first: Int = 20, after: String): CaseConnection! @requiresScopes(scopes: [["case:read"]])
  "Who the gateway says the caller is: role, unit, region and the scopes the policy grants."
  viewer: Viewer! @authenticated
  agency(code: ID!): Agency
  agencies: [Agency!]!
}

type Mutation {
  registerAgency(input: AgencyInput!): Agency! @requiresScopes(scopes: [["directory:write"]])
  registerOfficer(input: OfficerInput!): Officer! @requiresScopes(scopes: [["directory:write"]])
  addPowerItem(input: PowerItemInput!): PowerItem! @requiresScopes(scopes: [["directory:write"]])
}
`;
