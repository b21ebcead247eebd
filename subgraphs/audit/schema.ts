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
data, or a refusal. Records are chained: hash = sha256(prevHash + newline + canonical JSON of the record), and are the
leaves of a Merkle tree whose signed checkpoints the procuratorate witnesses.
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
  "the entry's place in the log's Merkle tree (0-based); its leaf hash is SHA-256(0x00 || canonical JSON)"
  leafIndex: Int!
}

"""
A checkpoint of the audit log (RFC 9162 signed tree head): the Merkle tree over its first
treeSize entries, signed by the gateway. The procuratorate's witness cosigns each one that
extends the last it cosigned, and keeps it in its own database.
"""
type AuditCheckpoint @requiresScopes(scopes: [["audit:read"]]) {
  "the log's name in the signed text"
  origin: String!
  treeSize: Int!
  "hex"
  rootHash: String!
  "the tree's hash: sha256 (or sm3)"
  hash: String!
  "the gateway's Ed25519 signature (base64) over 'supervision-graph audit checkpoint v1' and the checkpoint's text (kit/checkpoint.ts)"
  signature: String!
  signedAt: DateTime!
}

"""An entry is in the log as a checkpoint covers it (RFC 9162 §2.1.3)."""
type AuditInclusionProof @requiresScopes(scopes: [["audit:read"]]) {
  sequence: ID!
  leafIndex: Int!
  treeSize: Int!
  "hex"
  leafHash: String!
  checkpoint: AuditCheckpoint
  "the sibling hashes from the leaf up (hex)"
  path: [String!]!
}

"""A later checkpoint extends an earlier one: nothing the earlier covered was removed, changed or moved (RFC 9162 §2.1.4)."""
type AuditConsistencyProof @requiresScopes(scopes: [["audit:read"]]) {
  from: AuditCheckpoint
  to: AuditCheckpoint
  "hex"
  path: [String!]!
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
  auditLog(filter: AuditFilter, first: Int, after: String, last: Int, before: String): AuditEntryConnection @requiresScopes(scopes: [["audit:read"]])
  "the signed checkpoints of the audit log, newest first (auditors only)"
  auditCheckpoints(first: Int = 20): [AuditCheckpoint!] @requiresScopes(scopes: [["audit:read"]])
  "that the entry is in the log, against the checkpoint of treeSize (default: the newest)"
  auditInclusionProof(sequence: ID!, treeSize: Int): AuditInclusionProof @requiresScopes(scopes: [["audit:read"]])
  "that the checkpoint of toSize (default: the newest) extends the one of fromSize"
  auditConsistencyProof(fromSize: Int!, toSize: Int): AuditConsistencyProof @requiresScopes(scopes: [["audit:read"]])
}
`;
