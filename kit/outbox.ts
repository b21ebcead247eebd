import { randomUUID } from 'node:crypto';
import { anyRowWhere, backgroundTransaction } from './database';
import type { Owner, SubgraphRuntime } from './module';
import { checkPayloads, type Message } from './messages/check';
import { PollLoop, pollMsOf, type Worker } from './workers';

// Transactional outboxes, one table per destination (owner + internal route), each holding one
// kind of message (kit/messages/, kit/notifications.ts). A message is written in the same
// transaction as the change it reports (`enqueue`); a relay delivers the table to
// POST /internal/<route> on the owner's subgraph as `{ events: [{ ...payload, eventId }] }`, at
// least once, in order of writing, backing off while the receiver is unreachable. Receivers apply
// each eventId once (kit/receive-once.ts), so redelivery is harmless.
//
// API (the only way any subgraph writes or relays messages):
//   outboxTableSql(table)              migration statements of an outbox table (id, payload, …)
//   enqueue(tx, outbox, payloads)      check and write messages in the caller's transaction; returns their ids
//   outboxWorkers(...channels)         SubgraphModule.workers running one relay per channel
//   nudgeOutbox(runtime, table)        after a commit: deliver now rather than at the next poll

const BATCH = 200;
const MAX_BACKOFF_MS = 5_000;

/** An outbox table and the one kind of message it holds (the sender's view). */
export interface Outbox<T> {
  table: string;
  message: Message<T>;
}

/** An outbox and where its relay delivers it. */
export interface Channel<T = any> extends Outbox<T> {
  /** The owner whose subgraph receives the messages. */
  to: Owner;
  /** Its POST /internal/<route>. */
  route: string;
  /** How often to look for undelivered messages (default OUTBOX_POLL_MS, else 1000). */
  pollMs?: number;
  /**
   * What the relay adds to a batch just before sending it, in the relay's transaction (the party
   * reference of an agency's case event: computed with the key holder at send time, so the row
   * never holds it half-made and a case is recorded while that owner is down). A failure is a
   * failed delivery: the batch stays and is retried with backoff.
   */
  prepare?: (runtime: SubgraphRuntime, tx: Queryable, payloads: T[]) => Promise<T[]>;
}

/** What the caller's transaction offers (an EntityManager, a QueryRunner or a DataSource). */
export interface Queryable { query(sql: string, parameters?: unknown[]): Promise<any> }

/** The messages a relay's pass takes: not delivered yet, and not waiting out a backoff. */
const DUE = 'delivered_at IS NULL AND next_attempt_at <= now()';

const relays = new WeakMap<SubgraphRuntime, Map<string, PollLoop>>();

const plainName = (table: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`outbox table ${table} is not a plain SQL name`);
  return table;
};

/** One pass of a relay: a batch of undelivered messages, sent together. Several relay processes may share a table (SKIP LOCKED). */
async function deliverBatch(runtime: SubgraphRuntime, channel: Channel): Promise<number> {
  const table = plainName(channel.table);
  // Nearly every pass finds nothing due: seen in one statement, without the transaction below.
  if (!(await anyRowWhere(runtime.db, table, DUE))) return 0;
  return backgroundTransaction(runtime.db, async (tx) => {
    const rows: { id: string; payload: object }[] = await tx.query(
      `SELECT id, payload FROM ${table} WHERE ${DUE} ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`, [BATCH]);
    if (!rows.length) return 0;
    const ids = rows.map((r) => r.id);
    try {
      const payloads = channel.prepare ? await channel.prepare(runtime, tx, rows.map((r) => r.payload)) : rows.map((r) => r.payload);
      await runtime.send(channel.to, channel.route, { events: payloads.map((p, i) => ({ ...p, eventId: rows[i].id })) });
    } catch (error) {
      await tx.query(
        `UPDATE ${table} SET attempts = attempts + 1, last_error = $2,
           next_attempt_at = now() + least($3 * interval '1 millisecond', interval '200 milliseconds' * power(2, attempts))
         WHERE id = ANY($1)`, [ids, String((error as Error).message).slice(0, 500), MAX_BACKOFF_MS]);
      return 0;
    }
    await tx.query(`UPDATE ${table} SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1)`, [ids]);
    return rows.length;
  });
}

/** The migration statements of an outbox table. */
export function outboxTableSql(table: string): string[] {
  plainName(table);
  return [
    `CREATE TABLE ${table} (
      id uuid PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      attempts int NOT NULL DEFAULT 0, next_attempt_at timestamptz NOT NULL DEFAULT now(), delivered_at timestamptz, last_error text)`,
    `CREATE INDEX ${table}_pending ON ${table} (next_attempt_at) WHERE delivered_at IS NULL`,
  ];
}

/**
 * Checks messages against their declaration and writes them into an outbox in the caller's
 * transaction; returns their ids (the eventIds). A message that breaks its shape fails the
 * sender's transaction here rather than being refused by the receiver on every retry.
 */
export async function enqueue<T>(tx: Queryable, outbox: Outbox<T>, payloads: readonly T[]): Promise<string[]> {
  if (!payloads.length) return [];
  const checked = checkPayloads(outbox.message, payloads);
  const ids = checked.map(() => randomUUID());
  // clock_timestamp() stamps the rows in the order unnest yields them: they are delivered in that order.
  await tx.query(`INSERT INTO ${plainName(outbox.table)} (id, payload) SELECT * FROM unnest($1::uuid[], $2::jsonb[])`,
    [ids, checked.map((p) => JSON.stringify(p))]);
  return ids;
}

/** SubgraphModule.workers that run one relay per channel, and stop them all. */
export function outboxWorkers(...channels: Channel[]): Worker {
  return async (runtime) => {
    if (!relays.has(runtime)) relays.set(runtime, new Map());
    const started = channels.map((channel) => {
      const loop = new PollLoop(`[${runtime.name}] ${channel.table} relay`, channel.pollMs ?? pollMsOf(runtime, 'OUTBOX_POLL_MS'),
        () => deliverBatch(runtime, channel));
      relays.get(runtime)!.set(channel.table, loop);
      loop.start();
      return loop;
    });
    return async () => { await Promise.all(started.map((loop) => loop.stop())); };
  };
}

/** The outbox tables this process relays (for its /metrics: their lag). */
export function outboxTablesOf(runtime: SubgraphRuntime): string[] {
  return [...(relays.get(runtime)?.keys() ?? [])];
}

/** After a transaction with messages commits: deliver that table now. */
export function nudgeOutbox(runtime: SubgraphRuntime, table: string): void {
  relays.get(runtime)?.get(table)?.nudge();
}
