import type { SubgraphRuntime } from '../../kit/module';

const BATCH = 200;
const MAX_BACKOFF_MS = 5_000;

/**
 * Delivers the outbox to the case index: at least once, in order of recording, with backoff
 * while the index is unreachable. The index applies each event once, so redelivery is harmless.
 */
export class OutboxRelay {
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly runtime: SubgraphRuntime, private readonly pollMs = Number(runtime.env.OUTBOX_POLL_MS ?? 1000)) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Called after a case commits, so it reaches the index now rather than at the next poll. */
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
        if (this.running) console.error(`[${this.runtime.name}] outbox relay:`, (error as Error).message);
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
    const runner = this.runtime.db.createQueryRunner();
    runner.data = { background: true };
    try {
      return await runner.manager.transaction(async (tx) => {
        // SKIP LOCKED lets several relay processes share one outbox without double work.
        const rows: { id: string; payload: object }[] = await tx.query(
          `SELECT id, payload FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= now()
           ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`, [BATCH]);
        if (!rows.length) return 0;
        const ids = rows.map((r) => r.id);
        try {
          await this.runtime.send('justice', 'case-events', { events: rows.map((r) => ({ ...r.payload, eventId: r.id })) });
        } catch (error) {
          await tx.query(
            `UPDATE outbox SET attempts = attempts + 1, last_error = $2,
               next_attempt_at = now() + least($3 * interval '1 millisecond', interval '200 milliseconds' * power(2, attempts))
             WHERE id = ANY($1)`, [ids, String((error as Error).message).slice(0, 500), MAX_BACKOFF_MS]);
          return 0;
        }
        await tx.query(`UPDATE outbox SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1)`, [ids]);
        return rows.length;
      });
    } finally {
      await runner.release();
    }
  }
}
