import { gql, ACT_TYPE, CASE_COMMON_FIELDS, DATE_TIME, FEDERATION_LINK, PAGE_INFO, PARTY_KIND } from '../../kit/sdl';
import { AGENCY_KINDS, publishedDecisionType } from '../agencies/registry';
import { PENALTY_KIND_SDL } from '../../kit/publication';
import { SCORECARD_ACCESS } from '../../kit/month';
import { JUSTICE_SUPERVISION_SDL } from './supervision-schema';
import { SUPERVISION_OPINION_SDL } from './supervision-opinion-schema';
import { PARTY_LOOKUP_SDL } from './party-lookup-schema';
import { COLLABORATION_SDL } from './collaboration-schema';
import { SCORECARD_OPINION_FIELDS } from './scorecard-opinions';
import { CASE_FILE_REVIEW_SDL } from './case-file-review';
import { ZERO_ENFORCEMENT_SDL } from './zero-enforcement';
import { COMPLAINT_SDL } from './complaints';

/** Who registered a directory entry: for the units of the supervision system, not the public. */
const REGISTRATION_ACCESS = '@requiresScopes(scopes: [["case:read"], ["supervision:read"], ["directory:write"]])';

// The index lists every agency's case type: federation requires the owner of an entity
// interface to define all of its implementations.
const implementations = AGENCY_KINDS.map((k) => `
"""${k.label}"""
type ${k.caseType} implements EnforcementCase @key(fields: "id") @requiresScopes(scopes: [["case:read"]]) {${CASE_COMMON_FIELDS}
}`).join('\n');

// 阳光执法: one published-decision type per agency, like the case types; the agency adds partyName.
const PUBLISHED_FIELDS = `
  id: ID!
  "决定书文号"
  caseNumber: String!
  agency: Agency!
  "案由"
  cause: String!
  "法律依据"
  legalBasis: String
  "处罚种类"
  penaltyKinds: [PenaltyKind!]!
  "罚款 (yuan)"
  fineAmount: Float
  "处罚决定日期"
  decidedAt: DateTime!
  region: String!
  partyKind: PartyKind`;
const publishedImplementations = AGENCY_KINDS.map((k) => `
"""${k.label}: a published penalty decision"""
type ${publishedDecisionType(k)} implements PublishedDecision @key(fields: "id") {${PUBLISHED_FIELDS}
}`).join('\n');

export const typeDefs = gql`
${FEDERATION_LINK}
${DATE_TIME}
${ACT_TYPE}
${PAGE_INFO}
${PENALTY_KIND_SDL}
${PARTY_KIND}

"""执法主体: one bureau (局) of an enforcement system in one region."""
type Agency @key(fields: "code") {
  code: ID!
  name: String!
  kind: String!
  region: String!
  officers: [Officer!]!
  powerItems: [PowerItem!]!
  "who registered this entry and when: units of the supervision system only, never the public (null for entries older than the record)"
  registration: Registration ${REGISTRATION_ACCESS}
  "一月一晒绩: the bureau's scorecard of a month ('YYYY-MM', China Standard Time), for the units that take part"
  scorecard(month: String!): Scorecard ${SCORECARD_ACCESS}
}

"""
一月一晒绩 (seed 001): one bureau's month. Published monthly to the units of the supervision
system (bureaus, public security, procuratorate, justice bureau), not to the public. Each owner
contributes its own figures: the index its cases, public security the transfers, the
procuratorate the suggestions and the score.
"""
type Scorecard @key(fields: "agencyCode month") ${SCORECARD_ACCESS} {
  agencyCode: ID!
  "'YYYY-MM', China Standard Time"
  month: String!
  agency: Agency!
  "录入: cases this bureau entered into the index that month"
  casesEntered: Int!
  "零执法 (seed 003 零执法说明制度): no case entered that month; such a bureau is listed after every bureau with activity in scorecardRanking"
  zeroEnforcement: Boolean!
  "when casesEntered was frozen (the month closed, kit/month.ts); null while the month is open"
  casesEnteredFrozenAt: DateTime${SCORECARD_OPINION_FIELDS}
}

"""执法人员 with an enforcement certificate (执法证)."""
type Officer {
  id: ID!
  name: String!
  certificateNumber: String!
  category: String!
  agency: Agency!
  "who registered this entry and when: units of the supervision system only, never the public (null for entries older than the record)"
  registration: Registration ${REGISTRATION_ACCESS}
}

"""权力清单 item."""
type PowerItem {
  code: String!
  name: String!
  actType: EnforcementActType!
  legalBasis: String!
  "who registered this entry and when: units of the supervision system only, never the public (null for entries older than the record)"
  registration: Registration ${REGISTRATION_ACCESS}
}

"""Who registered a directory entry (执法主体名录), and when."""
type Registration {
  "the registrar's subject"
  by: String!
  "the registrar's unit code"
  org: String
  at: DateTime!
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

"""
阳光执法: a published administrative penalty decision. Public: no personal data but the party's
name (the owning agency's field); minors' cases, state or trade secrets, warnings only and acts
other than penalties are never listed.
"""
interface PublishedDecision @key(fields: "id") {${PUBLISHED_FIELDS}
}
${publishedImplementations}

input PublishedDecisionFilter {
  agencyCode: ID
  "6-digit region code; a city or province code matches every county under it"
  region: String
  "decided at or after"
  from: DateTime
  "decided at or before; a date alone (2026-09-30) takes that whole day in China"
  to: DateTime
}

type PublishedDecisionEdge { cursor: String! node: PublishedDecision! }
type PublishedDecisionConnection { edges: [PublishedDecisionEdge!]! pageInfo: PageInfo! }

"""执法系统: the kind of an enforcement bureau (Agency.kind)."""
enum AgencyKind {
${AGENCY_KINDS.map((k) => `  "${k.label}"\n  ${k.kind}`).join('\n')}
}

"""
Filters of the case list; each one narrows the cases the caller may read (never widens them).
Dates are instants with an explicit offset ('2026-09-15T00:00:00+08:00'), or a date alone,
which is that whole day in China Standard Time (decidedFrom: "2026-09-15" from 00:00+08:00,
decidedTo: "2026-09-30" up to 23:59:59.999+08:00); From and To are inclusive.
"""
input CaseFilter {
  agencyCode: ID
  "6-digit region code; a city or province code matches every county under it"
  region: String
  actType: EnforcementActType
  offenceCode: String
  "an EnforcementCase implementation (e.g. MarketRegulationCase); any other name is refused"
  caseType: String
  "执法系统: cases of bureaus of this kind"
  agencyKind: AgencyKind
  "录入: recorded into the index at or after"
  recordedFrom: DateTime
  "录入: recorded at or before"
  recordedTo: DateTime
  "处罚决定日期 at or after (undecided cases drop out)"
  decidedFrom: DateTime
  "处罚决定日期 at or before"
  decidedTo: DateTime
  "true: decided cases only; false: undecided cases only"
  decided: Boolean
  "决定书文号 / 案件编号 containing this text (case-insensitive; 1 to 100 characters)"
  caseNumber: String
  "案由 containing this text (case-insensitive; 1 to 100 characters)"
  cause: String
  "移送: the case's transfer to public security is in one of these states (at least one)"
  transferStatus: [TransferStatus!]
  "true: transferred to public security (any state); false: never transferred"
  transferred: Boolean
  "检察监督: OPEN a supervision matter is open on the case; CLOSED it has matters, all closed; NONE it has none"
  supervisionStatus: CaseSupervisionStatus
  "逾期: true, the deadline public security is waiting on (filing decision, reconsideration answer) has passed by the hub's clock; false, none has"
  overdue: Boolean
}

"""移送 states, as public security owns them (CaseTransfer.status)"""
enum TransferStatus { SUBMITTED ACCEPTED MATERIALS_REQUESTED FILED NOT_FILED RECONSIDERATION_REQUESTED RECONSIDERATION_UPHELD RETURNED FORWARDED }

"""检察监督 of a case, for the case list"""
enum CaseSupervisionStatus {
  "a supervision matter is open on the case"
  OPEN
  "the case has supervision matters, all closed"
  CLOSED
  "no supervision matter was opened on the case"
  NONE
}

"""
The order of the case list. A cursor belongs to the sort it was issued in: passed with another
sort it is refused (BAD_USER_INPUT, rule cursorSort).
"""
enum CaseSort {
  "newest recorded first (the default)"
  RECORDED_DESC
  "oldest recorded first"
  RECORDED_ASC
  "latest decision first; decided cases only"
  DECIDED_DESC
  "earliest decision first; decided cases only"
  DECIDED_ASC
}

"a case the caller may read (the row rule filters the list; null only if a subgraph withholds it)"
type CaseEdge { cursor: String! node: EnforcementCase }
type CaseConnection {
  edges: [CaseEdge!]!
  pageInfo: PageInfo!
  "the cases the caller may read that match the filter (all pages), at most 10000: counted only when asked for"
  totalCount: Int!
  "true when there are more than 10000 such cases (totalCount is then 10000)"
  totalCountCapped: Boolean!
}

type Viewer { subject: String! role: String! org: String region: String scopes: [String!]! }

input AgencyInput { code: ID! name: String! kind: String! region: String! }
input OfficerInput { agencyCode: ID! name: String! certificateNumber: String! category: String! }
input PowerItemInput { agencyCode: ID! code: String! name: String! actType: EnforcementActType! legalBasis: String! }

type Query {
  "A case of the index; null when there is none or it lies outside the caller's reach"
  case(id: ID!): EnforcementCase @requiresScopes(scopes: [["case:read"]])
  "Cases of the index within the caller's reach (own bureau for an agency officer, the region for public security, procurators and the justice bureau), newest recorded first unless sorted otherwise"
  cases(filter: CaseFilter, first: Int, after: String, last: Int, before: String, sort: CaseSort = RECORDED_DESC): CaseConnection @requiresScopes(scopes: [["case:read"]])
  "Who the gateway says the caller is: role, unit, region and the scopes the policy grants."
  viewer: Viewer @authenticated
  agency(code: ID!): Agency
  agencies: [Agency!]!
  """
  The cases of one person or organisation in the index, across agencies, newest decision first:
  only cases whose place the caller's party:lookup grant covers (public security and procurators:
  their region), with a stated reason (X-Access-Reason; without one: BAD_USER_INPUT on field
  X-Access-Reason, rule required). The identifier (resident ID number or unified social credit
  code, check digit verified) is matched by its keyed reference only: the gateway blinds it and
  justice never receives the number (RFC 9497 OPRF); the evaluation is audited with the caller,
  never the number. Not an oracle: one lookup per request, and per caller at most
  PARTY_LOOKUP_PER_MINUTE (default 10) a minute and PARTY_LOOKUP_PER_DAY (default 100) a day;
  beyond that the answer is null with code RATE_LIMITED, nothing is looked up, and auditors see
  the refusal.
  """
  partyCases(identifier: String!, kind: PartyKind!): [EnforcementCase!] @requiresScopes(scopes: [["party:lookup"]])
  "阳光执法: published penalty decisions, newest decision first (public)"
  publishedDecisions(filter: PublishedDecisionFilter, first: Int, after: String, last: Int, before: String): PublishedDecisionConnection!
}

type Mutation {
  "Registers a bureau in a region the caller's directory:write grant covers (justice bureau: its region; platform: all)"
  registerAgency(input: AgencyInput!): Agency @requiresScopes(scopes: [["directory:write"]])
  "Registers an officer of a bureau the caller's directory:write grant covers"
  registerOfficer(input: OfficerInput!): Officer @requiresScopes(scopes: [["directory:write"]])
  "Adds a power item to a bureau the caller's directory:write grant covers"
  addPowerItem(input: PowerItemInput!): PowerItem @requiresScopes(scopes: [["directory:write"]])
}
${JUSTICE_SUPERVISION_SDL}
${SUPERVISION_OPINION_SDL}
${CASE_FILE_REVIEW_SDL}
${ZERO_ENFORCEMENT_SDL}
${COMPLAINT_SDL}
${PARTY_LOOKUP_SDL}
${COLLABORATION_SDL}
`;
