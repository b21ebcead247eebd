import type { SubgraphContext } from '../../kit/module';
import { keysetPage, type PageArgs } from '../../kit/cursor';
import { badInput, forbidden } from '../../kit/errors';
import { reachOf } from '../../kit/access';
import { AuditLog, type AuditLogRow } from './entities';

type DecisionEnum = 'FULL' | 'MASKED' | 'DENIED';

export interface AuditFilter {
  subject?: string | null;
  role?: string | null;
  decision?: DecisionEnum | null;
  coordinate?: string | null;
  entityId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

const SEQUENCE = /^[1-9][0-9]{0,18}$/;

/**
 * The audit log, newest first, by keyset over sequence (the cursor also carries `at`, as every
 * cursor of the hub does). The SDL requires audit:read and the resolver checks the grant's reach
 * again (schema/policy.json: auditors, audit:read@all), so a mistake in the gateway does not open the log.
 */
export async function listAuditLog(ctx: SubgraphContext, filter: AuditFilter = {}, page: PageArgs = {}) {
  // The log holds every unit's entries, so only a grant of audit:read over everything reads it.
  if (reachOf(ctx.identity, 'audit:read') !== 'all') throw forbidden('reading the audit log needs the scope audit:read over every unit');
  const qb = ctx.runtime.db.getRepository(AuditLog).createQueryBuilder('a');
  if (filter.subject) qb.andWhere('a.subject = :subject', { subject: filter.subject });
  if (filter.role) qb.andWhere('a.role = :role', { role: filter.role });
  if (filter.decision) qb.andWhere('a.decision = :decision', { decision: filter.decision.toLowerCase() });
  if (filter.coordinate) qb.andWhere('a.coordinate = :coordinate', { coordinate: filter.coordinate });
  if (filter.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: filter.entityId });
  if (filter.from && filter.to && filter.from > filter.to) throw badInput('filter.from', 'range', 'must not be after filter.to');
  if (filter.from) qb.andWhere('a.at >= :from', { from: filter.from });
  if (filter.to) qb.andWhere('a.at < :to', { to: filter.to });
  // Keyed by sequence alone (the chain's order); the cursor carries `at` as every cursor of the hub does.
  return keysetPage(qb, {
    idColumn: 'a.sequence', idOf: (row) => String(row.sequence), isId: (id) => SEQUENCE.test(id), timeOf: (row) => row.at,
    ...page, defaultSize: 50, max: 200,
  });
}

export const auditEntryFields = {
  sequence: (row: AuditLogRow) => String(row.sequence),
  leafIndex: (row: AuditLogRow) => Number(row.leafIndex),
  decision: (row: AuditLogRow) => row.decision.toUpperCase(),
};
