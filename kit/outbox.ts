import { randomUUID } from 'node:crypto';
import type { Owner, SubgraphRuntime } from './module';

// Transactional outboxes, one table per destination (owner + internal route). A message is written
// in the same transaction as the change it reports (`enqueue`); a relay delivers the table to
// POST /internal/<route> on the owner's subgraph as `{ events: [{ ...payload, eventId }] }`, at
// least once, in order of writing, backing off while the receiver is unreachable. Receivers apply
// each eventId once, so redelivery is harmless.
//
// API (used by the agency kit, justice, public security and the procuratorate):
//   outboxTableSql(table)              migration statements of an outbox table (id, payload, …)
//   enqueue(tx, payloads, table)       write messages in the caller's transaction; returns their ids
//   outboxWorkers(config, …)           SubgraphModule.workers running one relay per table
//   nudgeOutbox(runtime, table)        after a commit: deliver now rather than at the next poll
//   eventsOf(body)                     a receiver's view of the delivered body
//   OutboxRelay                        the relay itself (the agency kit subclasses it)

const BATCH = 200;
const MAX_BACKOFF_MS = 5_000;
const DEFAULT_TABLE = 'outbox';

export interface OutboxConfig {
  /** The owner whose subgraph receives the messages. */
  to: Owner;
  /** Its POST /internal/<route>. */
  route: string;
  /** The outbox table (default `outbox`, the agencies' table). */
  table?: string;
  /** How often to look for undelivered messages (default OUTBOX_POLL_MS, else 1000). */
  pollMs?: number;
}

/** What the caller's transaction offers (an EntityManager, a QueryRunner or a DataSource). */
export interface Queryable { query(sql: string, parameters?: unknown[]): Promise<any> }

const relays = new WeakMap<SubgraphRuntime, Map<string, OutboxRelay>>();

/** Delivers one outbox table. Several relay processes may share a table (SKIP LOCKED). */
export class OutboxRelay {
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private readonly table: string;
  private readonly pollMs: number;

  constructor(private readonly runtime: SubgraphRuntime, private readonly config: OutboxConfig) {
    this.table = config.table ?? DEFAULT_TABLE;
    if (!/^[a-z_][a-z0-9_]*$/.test(this.table)) throw new Error(`outbox table ${this.table} is not a plain SQL name`);
    this.pollMs = config.pollMs ?? Number(runtime.env.OUTBOX_POLL_MS ?? 1000);
  }

  start(): void {
    if (!relays.has(this.runtime)) relays.set(this.runtime, new Map());
    relays.get(this.runtime)!.set(this.table, this);
    this.running = true;
    this.loop = this.run();
  }

  /** Called after a message commits, so it goes now rather than at the next poll. */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delivered = 0;
      try {
        delivered = await this.deliverBatch();
      } catch (error) {
        if (this.running) console.error(`[${this.runtime.name}] ${this.table} relay:`, (error as Error).message);
      }
      if (delivered > 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wake = () => { clearTimeout(timer); resolve(); };
      });
      this.wake = null;
    }
  }

  private async deliverBatch(): Promise<number> {
    const { table } = this;
    const runner = this.runtime.db.createQueryRunner();
    // Background work: not counted as statements of requests.
    runner.data = { background: true };
    try {
      return await runner.manager.transaction(async (tx) => {
        // SKIP LOCKED lets several relay processes share one outbox without double work.
        const rows: { id: string; payload: object }[] = await tx.query(
          `SELECT id, payload FROM ${table} WHERE delivered_at IS NULL AND next_attempt_at <= now()
           ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`, [BATCH]);
        if (!rows.length) return 0;
        const ids = rows.map((r) => r.id);
        try {
          await this.runtime.send(this.config.to, this.config.route, { events: rows.map((r) => ({ ...r.payload, eventId: r.id })) });
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
    } finally {
      await runner.release();
    }
  }
}

/** The migration statements of an outbox table. */
export function outboxTableSql(table: string): string[] {
  return [
    `CREATE TABLE ${table} (
      id uuid PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      attempts int NOT NULL DEFAULT 0, next_attempt_at timestamptz NOT NULL DEFAULT now(), delivered_at timestamptz, last_error text)`,
    `CREATE INDEX ${table}_pending ON ${table} (next_attempt_at) WHERE delivered_at IS NULL`,
  ];
}

/** Writes messages into an outbox in the caller's transaction; returns their ids (the eventIds). */
export async function enqueue(tx: Queryable, payloads: object[], table: string = DEFAULT_TABLE): Promise<string[]> {
  if (!payloads.length) return [];
  const ids = payloads.map(() => randomUUID());
  // clock_timestamp() stamps the rows in the order unnest yields them: they are delivered in that order.
  await tx.query(`INSERT INTO ${table} (id, payload) SELECT * FROM unnest($1::uuid[], $2::jsonb[])`,
    [ids, payloads.map((p) => JSON.stringify(p))]);
  return ids;
}

/** SubgraphModule.workers that run one relay per outbox table, and stop them all. */
export function outboxWorkers(...configs: OutboxConfig[]) {
  return async (runtime: SubgraphRuntime): Promise<() => Promise<void>> => {
    const started = configs.map((config) => new OutboxRelay(runtime, config));
    for (const relay of started) relay.start();
    return async () => { await Promise.all(started.map((relay) => relay.stop())); };
  };
}

/** After a transaction with messages commits: deliver that table now. */
export function nudgeOutbox(runtime: SubgraphRuntime, table: string = DEFAULT_TABLE): void {
  relays.get(runtime)?.get(table)?.nudge();
}

/** The events of a POST /internal/<route> body that an outbox relay sent. */
export function eventsOf<T extends { eventId: string }>(body: unknown): T[] {
  const events = (body as { events?: T[] })?.events;
  if (!Array.isArray(events) || events.some((e) => typeof e?.eventId !== 'string')) throw new Error('events must be an array of events with eventIds');
  return events;
}
