import type { Identity } from '../../kit/identity';
import { grantsOf } from '../../kit/policy';
import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { keysetPageSql } from '../../kit/cursor';
import { badInput } from '../../kit/errors';
import { isUuid } from '../../kit/loaders';
import type { Queryable } from '../../kit/outbox';
import { receiveOnce, type Received } from '../../kit/receive-once';
import { isRegionCode, jurisdictionPrefix } from '../../kit/rules';
import { NOTIFICATION, type Notification } from '../../kit/notifications';

// Every unit's inbox (双向通报), kept by the justice bureau's platform. Notifications arrive from
// the other owners' outboxes (POST /internal/notifications) or are written here directly.

type Ctx = SubgraphContext;

interface NotificationRow {
  id: string; kind: string; title: string; subjectType: string; subjectId: string; region: string; createdAt: Date; readAt: Date | null;
}

const COLUMNS = `n.id, n.kind, n.title, n.subject_type AS "subjectType", n.subject_id AS "subjectId", n.region, n.created_at AS "createdAt"`;

/**
 * Stores notifications (checked against kit/notifications.ts NOTIFICATION by whoever calls: the
 * receiver below, or this subgraph's own code). The id is the message's eventId, or a fresh id
 * for local ones.
 */
export async function storeNotifications(tx: Queryable, notifications: (Notification & { id: string })[]): Promise<number> {
  if (!notifications.length) return 0;
  const rows = notifications.map((n) => {
    const r = n.recipient as { org?: string; scope?: string; region?: string };
    return { id: n.id, org: r.org ?? null, scope: r.org ? null : r.scope, recipientRegion: r.org ? null : r.region, kind: n.kind,
      title: n.title.slice(0, 500), subjectType: n.subjectType, subjectId: n.subjectId, region: n.region, createdAt: n.occurredAt };
  });
  const inserted: { id: string }[] = await tx.query(`
    INSERT INTO notification (id, recipient_org, recipient_scope, recipient_region, kind, title, subject_type, subject_id, region, created_at)
    SELECT x.id, x.org, x.scope, x."recipientRegion", x.kind, x.title, x."subjectType", x."subjectId", x.region, x."createdAt"
    FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, org text, scope text, "recipientRegion" text, kind text, title text,
      "subjectType" text, "subjectId" uuid, region text, "createdAt" timestamptz)
    RETURNING id`, [JSON.stringify(rows)]);
  return inserted.length;
}

/** POST /internal/notifications: a batch from another owner's notification outbox, each stored once. */
export function receiveNotifications(runtime: SubgraphRuntime, body: unknown): Promise<Received> {
  return receiveOnce(runtime, NOTIFICATION, body, async (tx, fresh) => {
    await storeNotifications(tx, fresh.map((e) => ({ ...e, id: e.eventId })));
  });
}

/** The caller's unit, for read state: its org, or the user alone when the token names no unit. */
export const unitOf = (identity: Identity) => identity.org ?? `user:${identity.sub}`;

/**
 * The SQL condition for "addressed to the caller's unit": by its code, or by a scope whose grant
 * (schema/policy.json) reaches the notice's region. Parameters are appended to `params`.
 */
export function addressedTo(identity: Identity, params: unknown[]): string {
  params.push(unitOf(identity));
  const conditions = [`n.recipient_org = $${params.length}`];
  const grants = [...grantsOf(identity.role)];
  const everywhere = grants.filter(([, reach]) => reach === 'all').map(([scope]) => scope);
  if (everywhere.length) {
    params.push(everywhere);
    conditions.push(`n.recipient_scope = ANY($${params.length}::text[])`);
  }
  const regional = grants.filter(([, reach]) => reach === 'region').map(([scope]) => scope);
  if (regional.length && identity.region && isRegionCode(identity.region)) {
    params.push(regional, `${jurisdictionPrefix(identity.region)}%`);
    conditions.push(`(n.recipient_scope = ANY($${params.length - 1}::text[]) AND n.recipient_region LIKE $${params.length})`);
  }
  return `(${conditions.join(' OR ')})`;
}

export async function inbox(ctx: Ctx, { unreadOnly, ...page }: { unreadOnly?: boolean | null; first?: number | null; after?: string | null; last?: number | null; before?: string | null }) {
  const params: unknown[] = [unitOf(ctx.identity)];
  const where = [addressedTo(ctx.identity, params)];
  const read = `(SELECT r.read_at FROM notification_read r WHERE r.notification_id = n.id AND r.unit = $1)`;
  if (unreadOnly) where.push(`NOT EXISTS (SELECT 1 FROM notification_read r WHERE r.notification_id = n.id AND r.unit = $1)`);
  const filter = where.join(' AND ');
  const pageParams = [...params];
  const [connection, counts] = await Promise.all([
    keysetPageSql<NotificationRow>(pageParams, { column: 'n.created_at', idColumn: 'n.id', timeOf: (row) => row.createdAt, ...page },
      (page) => ctx.runtime.db.query(`SELECT ${COLUMNS}, ${read} AS "readAt" FROM notification n WHERE ${filter} AND ${page.where}
        ${page.orderLimit}`, pageParams)),
    ctx.runtime.db.query(`SELECT count(*)::int AS unread FROM notification n WHERE ${filter}
      AND NOT EXISTS (SELECT 1 FROM notification_read r WHERE r.notification_id = n.id AND r.unit = $1)`, params) as Promise<{ unread: number }[]>,
  ]);
  return { ...connection, unreadCount: counts[0]?.unread ?? 0 };
}

/** markInboxRead: every id must be in the caller's inbox; nothing is written otherwise. */
export async function markInboxRead(ctx: Ctx, { ids }: { ids: string[] }) {
  if (ids.length > 200) throw badInput('ids', 'maxItems', 'may list at most 200 entries');
  ids.forEach((id, i) => { if (!isUuid(id)) throw badInput(`ids.${i}`, 'inInbox', `${id} is not an entry of your inbox`); });
  const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
  const params: unknown[] = [wanted];
  const where = addressedTo(ctx.identity, params);
  const now = ctx.runtime.now();
  return ctx.runtime.db.transaction(async (tx) => {
    const found: NotificationRow[] = await tx.query(`SELECT ${COLUMNS} FROM notification n WHERE n.id = ANY($1) AND ${where}`, params);
    const missing = wanted.findIndex((id) => !found.some((f) => f.id === id));
    if (missing >= 0) throw badInput(`ids.${ids.findIndex((id) => id.toLowerCase() === wanted[missing])}`, 'inInbox', `${wanted[missing]} is not an entry of your inbox`);
    await tx.query(`INSERT INTO notification_read (notification_id, unit, read_at, read_by) SELECT unnest($1::uuid[]), $2::text, $3::timestamptz, $4::text
      ON CONFLICT (notification_id, unit) DO NOTHING`, [wanted, unitOf(ctx.identity), now, ctx.identity.sub]);
    const read: { id: string; readAt: Date }[] = await tx.query(
      `SELECT notification_id AS id, read_at AS "readAt" FROM notification_read WHERE notification_id = ANY($1) AND unit = $2`, [wanted, unitOf(ctx.identity)]);
    const readAt = new Map(read.map((r) => [r.id, r.readAt]));
    return wanted.map((id) => ({ ...found.find((f) => f.id === id)!, readAt: readAt.get(id) ?? now }));
  });
}

export const inboxItemFields = {
  read: (row: NotificationRow) => row.readAt !== null,
  transfer: (row: NotificationRow) => (row.subjectType === 'CASE_TRANSFER' ? { __typename: 'CaseTransfer', id: row.subjectId } : null),
  suggestion: (row: NotificationRow) => (row.subjectType === 'PROCURATORIAL_SUGGESTION' ? { __typename: 'ProcuratorialSuggestion', id: row.subjectId } : null),
};
