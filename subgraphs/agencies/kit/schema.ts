import type { DocumentNode } from 'graphql';
import { ACT_TYPE, CASE_COMMON_FIELDS, DATE_TIME, FEDERATION_LINK, PARTY_KIND, gql } from '../../../kit/sdl';
import { publishedDecisionType, type AgencyKind } from '../registry';
import { PENALTY_KIND_SDL } from '../../../kit/publication';
import { graphqlType, ownEnumsSdl, typePrefix, type OwnField } from './fields';
import { ENFORCEMENT_STATUS_SDL } from './lifecycle';

/** The agency subgraph's SDL: its case type with the common and its own fields, and its mutation. */
/** The case's lifecycle figures (lifecycle.ts), the same in the record and the update input. */
const LIFECYCLE_INPUT = `  "违法行为发生时"
  conductAt: DateTime
  "违法所得 (yuan)"
  illegalGain: Float
  "致使公私财产损失 (yuan)"
  economicLoss: Float
  "罚缴 (yuan), a decided penalty only"
  paidAmount: Float
  paidAt: DateTime
  "执行情况, a decided penalty only"
  enforcementStatus: EnforcementStatus
  courtApplicationAt: DateTime
`;

export function agencyTypeDefs(kind: AgencyKind, ownFields: OwnField[]): DocumentNode {
  const own = ownFields.map((f) => `  "${f.label}"\n  ${f.name}: ${graphqlType(f, typePrefix(kind.caseType))}`).join('\n');
  return gql`
${FEDERATION_LINK}
${DATE_TIME}
${ACT_TYPE}
${PARTY_KIND}
${PENALTY_KIND_SDL}
${ENFORCEMENT_STATUS_SDL}
${ownEnumsSdl(typePrefix(kind.caseType), ownFields)}

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
  "违法行为发生时: the prosecution-threshold rule in force then applies (从旧兼从轻), not the decision's"
  conductAt: DateTime
  "违法所得 (yuan)"
  illegalGain: Float
  "致使公私财产损失 (yuan)"
  economicLoss: Float
  "罚缴: the fine paid so far (yuan)"
  paidAmount: Float
  "罚缴: when it was paid (in full or last)"
  paidAt: DateTime
  "执行情况 of the decided penalty"
  enforcementStatus: EnforcementStatus
  "申请人民法院强制执行的日期 (行政强制法 第五十三条: within three months after the periods for reconsideration and litigation end)"
  courtApplicationAt: DateTime
  "the case's current version: 1 at entry, one more per change"
  version: Int!
  "every version of the case, oldest first; corrections keep what they corrected"
  history: [CaseVersion!]!
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
${LIFECYCLE_INPUT}${own}
}

"""案件变更: a field left out is unchanged, null clears it; caseNumber, region and party do not change"""
input ${kind.caseType}UpdateInput {
  "变更理由 (e.g. 不予立案后依法作出行政处罚决定, 更正录入错误)"
  reason: String!
  "true: corrects what was recorded (更正); false: a new step of the case"
  correction: Boolean
  "the version the change was made on; a newer one on record refuses it (BAD_USER_INPUT stale)"
  expectedVersion: Int
  actType: EnforcementActType
  cause: String
  offenceCode: String
  amountInvolved: Float
  fineAmount: Float
  decidedAt: DateTime
  facts: String
  legalBasis: String
  penaltyKinds: [PenaltyKind!]
  involvesMinor: Boolean
  confidential: Boolean
${LIFECYCLE_INPUT}${own}
}

"""One version of a case: what changed, why, by whom, and the case's facts as they then stood"""
type CaseVersion @shareable {
  version: Int!
  changedAt: DateTime!
  "the officer (token subject) who recorded it"
  changedBy: String!
  reason: String!
  "更正: corrects what an earlier version recorded"
  correction: Boolean!
  "the fields this version changed (none at entry)"
  changedFields: [String!]!
  actType: EnforcementActType!
  cause: String
  offenceCode: String
  decidedAt: DateTime
  conductAt: DateTime
  penaltyKinds: [PenaltyKind!]!
  amountInvolved: Float
  fineAmount: Float
  illegalGain: Float
  economicLoss: Float
  paidAmount: Float
  paidAt: DateTime
  enforcementStatus: EnforcementStatus
  courtApplicationAt: DateTime
}

type Mutation {
  create${kind.caseType}(input: ${kind.caseType}Input!): ${kind.caseType} @requiresScopes(scopes: [["case:write"]])
  "案件变更 by the owning bureau: a new version of the same case, reported to the index"
  update${kind.caseType}(id: ID!, input: ${kind.caseType}UpdateInput!): ${kind.caseType} @requiresScopes(scopes: [["case:write"]])
}
`;
}
