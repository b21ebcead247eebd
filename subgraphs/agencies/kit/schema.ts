import type { DocumentNode } from 'graphql';
import { ACT_TYPE, CASE_COMMON_FIELDS, DATE_TIME, FEDERATION_LINK, PARTY_KIND, gql } from '../../../kit/sdl';
import { publishedDecisionType, type AgencyKind } from '../registry';
import { PENALTY_KIND_SDL } from '../../../kit/publication';
import { graphqlType, type OwnField } from './fields';

/** The agency subgraph's SDL: its case type with the common and its own fields, and its mutation. */
export function agencyTypeDefs(kind: AgencyKind, ownFields: OwnField[]): DocumentNode {
  const own = ownFields.map((f) => `  "${f.label}"\n  ${f.name}: ${graphqlType(f)}`).join('\n');
  return gql`
${FEDERATION_LINK}
${DATE_TIME}
${ACT_TYPE}
${PARTY_KIND}
${PENALTY_KIND_SDL}

type Agency @key(fields: "code", resolvable: false) { code: ID! }

# Key-less: puts party on the supergraph's EnforcementCase interface, planned to this subgraph.
interface EnforcementCase {
  id: ID!
  party: Party
}

"""当事人"""
type Party @shareable {
  kind: PartyKind!
  name: String!
  "身份证号 or 统一社会信用代码: in full for the owning bureau, and for public security and the procuratorate in their region with a stated reason; masked otherwise"
  idNumber: String @requiresScopes(scopes: [["personal:read"], ["personal:masked"]])
  phone: String @requiresScopes(scopes: [["personal:read"], ["personal:masked"]])
  address: String @requiresScopes(scopes: [["personal:read"], ["personal:masked"]])
}

# Key-less, like EnforcementCase: puts partyName on the supergraph's PublishedDecision interface,
# planned to the agency that owns the decision (justice's index says which).
interface PublishedDecision {
  id: ID!
  partyName: String
}

"""${kind.label}: a published penalty decision (阳光执法); the index (justice) lists it."""
type ${publishedDecisionType(kind)} implements PublishedDecision @key(fields: "id") {
  id: ID!
  "当事人名称: an organisation's name, a natural person's name; null unless the decision is published (no minors, no secrets, not a warning only)"
  partyName: String
}

"""${kind.label}"""
type ${kind.caseType} implements EnforcementCase @key(fields: "id") @requiresScopes(scopes: [["case:read"]]) {${CASE_COMMON_FIELDS}
  party: Party
  "案件事实"
  facts: String
  "法律依据"
  legalBasis: String
  "处罚种类 (ADMINISTRATIVE_PENALTY only)"
  penaltyKinds: [PenaltyKind!]!
  "涉及未成年人: never published"
  involvesMinor: Boolean!
  "涉及国家秘密或商业秘密: never published"
  confidential: Boolean!
${own}
}

input PartyInput {
  kind: PartyKind!
  name: String!
  idNumber: String
  phone: String
  address: String
}

input ${kind.caseType}Input {
  caseNumber: String!
  actType: EnforcementActType!
  cause: String!
  offenceCode: String
  party: PartyInput!
  amountInvolved: Float
  fineAmount: Float
  decidedAt: DateTime
  region: String!
  facts: String
  legalBasis: String
  "处罚种类, ADMINISTRATIVE_PENALTY only; left out: FINE when a fine is imposed, otherwise none (and then not published)"
  penaltyKinds: [PenaltyKind!]
  "涉及未成年人; also set when the party's ID number shows a minor at the decision date"
  involvesMinor: Boolean
  "涉及国家秘密或商业秘密"
  confidential: Boolean
${own}
}

type Mutation {
  create${kind.caseType}(input: ${kind.caseType}Input!): ${kind.caseType} @requiresScopes(scopes: [["case:write"]])
}
`;
}
