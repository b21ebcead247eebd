import type { SubgraphRuntime } from './module';
import { backgroundTransaction } from './database';
import type { Queryable } from './outbox';
import { deliveredEvents, type Delivered, type Message } from './messages/check';

// Receive-once: the receiving side of every outbox (kit/outbox.ts). Relays deliver at least once,
// so each receiver keeps the eventIds it has applied in its own `received_event` table, and
// records them in the same transaction as what the events change: an event is applied exactly
// once however often it arrives, and a failed apply records nothing (the relay retries).
// Every body is checked against its message first; a bad one is answered 400 naming the field.

export const RECEIVED_EVENT_TABLE = 'received_event';

/** The migration statements of a receiver's event-id table. */
export function receivedEventTableSql(): string[] {
  return [`CREATE TABLE ${RECEIVED_EVENT_TABLE} (event_id uuid PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now())`];
}

export interface Received { applied: number; skipped: number }

/**
 * POST /internal/<route> of a receiver: checks the body against the message, then applies the
 * events not received before in one transaction (on a background query runner: messages between
 * owners are not request statements). `apply` sees only the fresh events, in delivery order.
 */
export async function receiveOnce<T>(runtime: SubgraphRuntime, message: Message<T>, body: unknown,
  apply: (tx: Queryable, fresh: Delivered<T>[]) => Promise<void>): Promise<Received> {
  const events = deliveredEvents(message, body);
  if (!events.length) return { applied: 0, skipped: 0 };
  return backgroundTransaction(runtime.db, async (tx) => {
    const seen: { event_id: string }[] = await tx.query(
      `INSERT INTO ${RECEIVED_EVENT_TABLE} (event_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id`,
      [events.map((e) => e.eventId)]);
    const ids = new Set(seen.map((r) => r.event_id));
    // The same event twice in one batch counts once.
    const fresh = events.filter((e) => ids.delete(e.eventId));
    if (fresh.length) await apply(tx, fresh);
    return { applied: fresh.length, skipped: events.length - fresh.length };
  });
}
