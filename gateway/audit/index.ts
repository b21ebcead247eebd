import type { Identity } from '../../kit/identity';
import { AUDIT_DECISIONS, type AuditDecision } from '../../kit/audit-chain';
import type { AuditEntryInput, AuditWriter } from './writer';

export { AUDIT_ENV, auditCommitTimeoutFromEnv, auditOptionsFromEnv, AuditUnavailableError, AuditWriter, normalizeEntry, type AuditEntryInput, type AuditWriterOptions } from './writer';
export { Checkpointer } from './checkpointer';
export { verifyAuditChain, type AuditChainReport } from './verify';
export { canonicalJson, chainHash, GENESIS_HASH, type AuditDecision, type AuditEntry, type ChainedAuditEntry } from '../../kit/audit-chain';

/** What a subgraph reports in `extensions.releases`: one field of one entity it answered. */
export interface ReleaseReport {
  coordinate: string;
  entityId: string | null;
  decision: AuditDecision;
}

/** A field the gateway removed before planning because the caller lacks its scopes. */
export interface DeniedField {
  coordinate: string;
  path?: readonly (string | number)[];
}

/**
 * Reads a subgraph's `extensions.releases`. Subgraphs are trusted but their reports are data:
 * anything that is not a report is skipped, and a report with an unknown decision counts as a
 * release in full (recording too much is safe, recording too little is not).
 */
export function parseReleases(value: unknown): ReleaseReport[] {
  if (!Array.isArray(value)) return [];
  const reports: ReleaseReport[] = [];
  for (const item of value) {
    if (!item || typeof item !== 'object') continue;
    const { coordinate, entityId, decision } = item as Record<string, unknown>;
    if (typeof coordinate !== 'string' || !coordinate) continue;
    reports.push({
      coordinate,
      entityId: typeof entityId === 'string' || typeof entityId === 'number' ? String(entityId) : null,
      decision: AUDIT_DECISIONS.includes(decision as AuditDecision) ? (decision as AuditDecision) : 'full',
    });
  }
  return reports;
}

export interface AuditedRequest {
  identity: Identity;
  clientAddress?: string | null;
  operationName?: string | null;
  /** sha256 of the operation document */
  documentHash?: string | null;
  traceId?: string | null;
  /** collected from the subgraphs' responses (GatewayContext.releases) */
  releases?: readonly ReleaseReport[];
  /** fields the gateway removed for want of scopes */
  denied?: readonly DeniedField[];
}

const NO_KEYS: ReadonlySet<string> = new Set();

/** The key under which a request records one (coordinate, entity, decision) at most once. */
// One key per (coordinate, entity, decision) and never the same for two: the decision (a word of
// AUDIT_DECISIONS), then `-` for no entity or `+`, the entity's length and the entity, then the
// coordinate as the rest. A string put together, where JSON of an array was made three times over
// for each of the hundred releases of a 50-case page.
export const auditKey = (coordinate: string, entityId: string | null, decision: AuditDecision): string =>
  (entityId === null ? `${decision}-${coordinate}` : `${decision}+${entityId.length}:${entityId}${coordinate}`);

/**
 * The entries of what one request released and was refused: one per (coordinate, entity,
 * decision), from the reported releases and the removed fields (decision 'denied', no entity),
 * leaving out the keys in `done` (already committed before the response left); the keys of the
 * entries returned are added to `keys` when given (it may be `done` itself). A field repeated
 * or aliased 200 times in one request is one release, not 200 entries: the log says what reached
 * whom, and it must not be flooded on demand.
 */
export function auditEntries(request: AuditedRequest, done: ReadonlySet<string> = NO_KEYS, keys?: Set<string>): AuditEntryInput[] {
  const { identity } = request;
  const subject = identity.sub;
  const role = identity.role;
  const org = identity.org ?? null;
  const region = identity.region ?? null;
  const clientAddress = request.clientAddress ?? null;
  const operationName = request.operationName ?? null;
  const documentHash = request.documentHash ?? null;
  const reason = identity.reason ?? null;
  const traceId = request.traceId ?? identity.traceId ?? null;
  const at = new Date();
  const entries: AuditEntryInput[] = [];
  // A 50-case page reports a hundred releases: the keys seen here are kept apart from `done` (no
  // copy of it per request), and each entry is one literal of a fixed shape (no spread).
  const seen = keys ?? new Set<string>();
  const add = (coordinate: string, entityId: string | null, decision: AuditDecision) => {
    const key = auditKey(coordinate, entityId, decision);
    if (seen.has(key) || done.has(key)) return;
    seen.add(key);
    entries.push({ subject, role, org, region, clientAddress, operationName, documentHash, reason, traceId, at, coordinate, entityId, decision });
  };
  for (const r of request.releases ?? []) add(r.coordinate, r.entityId ?? null, r.decision);
  for (const d of request.denied ?? []) add(d.coordinate, null, 'denied');
  return entries;
}

/**
 * Queues what one request released and was refused that is not in `done` (gateway/audit/durable.ts
 * commits the rest before the response leaves). Returns at once; the writer appends in the
 * background. Returns the number of entries recorded.
 */
export function auditRequest(writer: Pick<AuditWriter, 'record'>, request: AuditedRequest, done?: ReadonlySet<string>): number {
  const entries = auditEntries(request, done);
  if (entries.length) writer.record(entries);
  return entries.length;
}
