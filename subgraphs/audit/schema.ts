import { DATE_TIME, FEDERATION_LINK, gql, PAGE_INFO } from '../../kit/sdl';

export const typeDefs = gql`
${FEDERATION_LINK}
${DATE_TIME}
${PAGE_INFO}

"""What was decided about one field of one entity."""
enum AuditDecision {
  "released in full"
  FULL
  "released masked"
  MASKED
  "refused"
  DENIED
}

"""
One record of the append-only audit log (网络安全法 第21条): a release of personal or classified
data, or a refusal. Records are chained: hash = sha256(prevHash + newline + canonical JSON of the record).
"""
type AuditEntry @requiresScopes(scopes: [["audit:read"]]) {
  "position in the chain (a 64-bit integer, as a decimal string)"
  sequence: ID!
  at: DateTime!
  "who: the caller's subject"
  subject: String!
  role: String!
  "the caller's unit code"
  org: String
  "the caller's jurisdiction (行政区划代码)"
  region: String
  clientAddress: String
  operationName: String
  "sha256 of the operation document"
  documentHash: String
  "Type.field released or refused"
  coordinate: String!
  entityId: String
  decision: AuditDecision!
  "the stated purpose (X-Access-Reason)"
  reason: String
  traceId: String
  prevHash: String!
  hash: String!
}

type AuditEntryEdge { cursor: String! node: AuditEntry }
type AuditEntryConnection { edges: [AuditEntryEdge!]! pageInfo: PageInfo! }

input AuditFilter {
  subject: String
  role: String
  decision: AuditDecision
  coordinate: String
  entityId: String
  "from this time on (inclusive)"
  from: DateTime
  "before this time (exclusive)"
  to: DateTime
}

type Query {
  "the audit log, newest first (auditors only)"
  auditLog(filter: AuditFilter, first: Int = 50, after: String): AuditEntryConnection @requiresScopes(scopes: [["audit:read"]])
}
`;
