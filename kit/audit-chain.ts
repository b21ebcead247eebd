// The audit log's entry and its hash chain: the contract between the gateway, which appends, the
// audit subgraph, which serves reads, and `npm run audit:verify`.
import { digestHex, merkleHasher, type MerkleHasher, type MerkleHashName } from './merkle';

/** What a subgraph or the gateway decided about one field of one entity. */
export type AuditDecision = 'full' | 'masked' | 'denied';
export const AUDIT_DECISIONS: readonly AuditDecision[] = ['full', 'masked', 'denied'];

/** One audit record as written: who, from where, through which operation, what, and the decision. */
export interface AuditEntry {
  /** When the release or denial happened (millisecond precision; the table refuses finer). */
  at: Date;
  subject: string;
  role: string;
  /** unit code (bureau, public-security unit, procuratorate) */
  org: string | null;
  region: string | null;
  clientAddress: string | null;
  operationName: string | null;
  /** sha256 of the operation document */
  documentHash: string | null;
  /** `Type.field` */
  coordinate: string;
  entityId: string | null;
  decision: AuditDecision;
  /** the stated purpose (X-Access-Reason) */
  reason: string | null;
  traceId: string | null;
}

/** A stored record: the entry with its place in the chain. */
export interface ChainedAuditEntry extends AuditEntry {
  sequence: number;
  prevHash: string;
  hash: string;
}

/** prev_hash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Key of the transaction-level advisory lock every writer takes before it reads the chain's head
 * and appends: several gateway processes then extend one chain, never fork it. ('auditlog' in ASCII.)
 */
export const AUDIT_CHAIN_LOCK = '7022364740862289767';

/** The hashed fields, in the order the canonical JSON lists them. Changing it breaks every chain. */
export const CHAIN_FIELDS = ['at', 'subject', 'role', 'org', 'region', 'clientAddress', 'operationName', 'documentHash',
  'coordinate', 'entityId', 'decision', 'reason', 'traceId'] as const satisfies readonly (keyof AuditEntry)[];

/** The last `at` turned into text: the entries of one request share their time (a 50-case page: a hundred). */
let lastTime = Number.NaN;
let lastText = '';

/** `at` as the log writes and hashes it: ISO 8601 with milliseconds, UTC. Throws on an invalid Date, as toISOString does. */
export function auditTime(at: Date): string {
  const time = at.getTime();
  if (time !== lastTime) {
    lastText = at.toISOString();
    lastTime = time;
  }
  return lastText;
}

const canonicalValue = (value: unknown) => (value instanceof Date ? auditTime(value) : value ?? null);

/** The entry as canonical JSON: CHAIN_FIELDS in order, absent values as null, `at` as an ISO string. */
export function canonicalJson(entry: AuditEntry): string {
  // One literal of CHAIN_FIELDS in their order (test/audit-chain-unit.test.ts holds the two equal):
  // JSON.stringify of a fixed shape instead of an object built key by key for each entry.
  return JSON.stringify({
    at: canonicalValue(entry.at), subject: canonicalValue(entry.subject), role: canonicalValue(entry.role), org: canonicalValue(entry.org),
    region: canonicalValue(entry.region), clientAddress: canonicalValue(entry.clientAddress), operationName: canonicalValue(entry.operationName),
    documentHash: canonicalValue(entry.documentHash), coordinate: canonicalValue(entry.coordinate), entityId: canonicalValue(entry.entityId),
    decision: canonicalValue(entry.decision), reason: canonicalValue(entry.reason), traceId: canonicalValue(entry.traceId),
  });
}

/** hash = sha256(prev_hash + '\n' + canonical JSON), lower-case hex. */
export function chainHash(prevHash: string, entry: AuditEntry): string {
  return chainHashOfCanonical(prevHash, canonicalJson(entry));
}

/** chainHash from the entry's canonical JSON already made (the writer makes it once for the chain and the leaf). */
export function chainHashOfCanonical(prevHash: string, canonical: string): string {
  return digestHex('sha256', `${prevHash}\n${canonical}`);
}

/**
 * The entry's leaf in the audit log's Merkle tree (kit/merkle.ts): its canonical JSON, which holds
 * who asked (subject, role, unit), the coordinate, the entity's id and the decision — never a
 * released value.
 */
export function auditLeafHash(hasher: MerkleHasher, entry: AuditEntry): Buffer {
  return hasher.leaf(canonicalJson(entry));
}

/**
 * The hash of the leaf each entry keeps beside its content (audit_log.leaf_sha256), which the
 * writer computes from the canonical JSON it hashed into the chain. A tree of another hash (a log
 * moved to sm3) hashes every entry from its content instead.
 */
export const STORED_LEAF_HASH: MerkleHashName = 'sha256';
const storedLeafHasher = merkleHasher(STORED_LEAF_HASH);

/** The leaf stored with an entry: its canonical JSON's leaf under STORED_LEAF_HASH. */
export function storedLeafHash(canonical: string): Buffer {
  return storedLeafHasher.leaf(canonical);
}

/** The columns of an entry's content, as entryOfRow reads them. */
export const ENTRY_COLUMNS = `at, subject, role, org, region, client_address, operation_name, document_hash,
  coordinate, entity_id, decision, reason, trace_id`;

/** A row of audit_log's ENTRY_COLUMNS as pg returns it. */
export interface AuditEntryRow {
  at: Date; subject: string; role: string; org: string | null; region: string | null;
  client_address: string | null; operation_name: string | null; document_hash: string | null; coordinate: string;
  entity_id: string | null; decision: AuditDecision; reason: string | null; trace_id: string | null;
}

/** The stored entry as the chain and the tree hash it. */
export function entryOfRow(row: AuditEntryRow): AuditEntry {
  return {
    at: row.at, subject: row.subject, role: row.role, org: row.org, region: row.region, clientAddress: row.client_address,
    operationName: row.operation_name, documentHash: row.document_hash, coordinate: row.coordinate, entityId: row.entity_id,
    decision: row.decision, reason: row.reason, traceId: row.trace_id,
  };
}

/** Key of the advisory lock under which one gateway process at a time makes the next checkpoint. ('auditckp' in ASCII.) */
export const AUDIT_CHECKPOINT_LOCK = '7022629598041172848';
