// What a subgraph's /metrics reads at each scrape, from its own database: the lag of its outboxes
// and whatever its owner adds (alerts raised). Read from the tables rather than counted in memory,
// so the figures hold across restarts and replicas of the same owner.
import { alertsRaised, outboxLagSeconds, outboxPending, sqlStatementsTotal } from './metrics';
import type { SubgraphRuntime } from './module';
import { outboxTablesOf } from './outbox';

type Scrape = (runtime: SubgraphRuntime) => Promise<void>;
const scrapes = new Map<string, Scrape[]>();

/** An owner's own figures, refreshed at each scrape of its /metrics (registered at import). */
export function onScrape(owner: string, scrape: Scrape): void {
  scrapes.set(owner, [...(scrapes.get(owner) ?? []), scrape]);
}

export async function refreshSubgraphMetrics(runtime: SubgraphRuntime): Promise<void> {
  sqlStatementsTotal.set(runtime.counter.count);
  // Only this owner's series: in a process of several subgraphs (the test hub) the last scrape of
  // another would otherwise still show (scrapes run one at a time, kit/metrics.ts sendExposition).
  for (const ownerSeries of [outboxPending, outboxLagSeconds, alertsRaised]) ownerSeries.reset();
  for (const table of outboxTablesOf(runtime)) {
    // Table names come from the module's own declaration (plain identifiers), never from a request.
    const [row] = await runtime.db.query(
      `SELECT count(*)::int AS pending, coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0)::float AS lag
         FROM ${table} WHERE delivered_at IS NULL`);
    outboxPending.set({ owner: runtime.name, outbox: table }, Number(row.pending));
    outboxLagSeconds.set({ owner: runtime.name, outbox: table }, Number(row.lag));
  }
  for (const scrape of scrapes.get(runtime.name) ?? []) await scrape(runtime);
}
