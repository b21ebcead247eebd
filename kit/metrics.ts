// Prometheus metrics (prom-client), one registry per process, exposed as text on each service's
// /metrics behind the same guard as the rest of the service: a subgraph's needs an identity signed
// by the gateway or an owner, the gateway's a token whose role holds `metrics:read`. What the
// figures say (latency, lag, alerts) is operational, but the public has no business reading it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
// Memory, event-loop lag, CPU, handles of the process: what a soak watches for leaks.
collectDefaultMetrics({ register: registry });
// A cluster worker answers its primary's gathering with this registry (gateway/cluster-metrics.ts).
AggregatorRegistry.setRegistries([registry]);

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Gateway: each request, by operation name and outcome (ok, or the first error's code). */
export const requestsTotal = new Counter({
  name: 'graphql_requests_total', help: 'GraphQL requests answered by the gateway, by operation and outcome',
  labelNames: ['operation', 'outcome'] as const, registers: [registry],
});
export const requestSeconds = new Histogram({
  name: 'graphql_request_duration_seconds', help: 'time from receiving a GraphQL request to the end of its answer',
  labelNames: ['operation', 'outcome'] as const, buckets: LATENCY_BUCKETS, registers: [registry],
});
/** Gateway: each fetch from a subgraph, by subgraph and outcome (ok, error). */
export const subgraphFetchSeconds = new Histogram({
  name: 'subgraph_fetch_duration_seconds', help: 'time of one fetch from a subgraph, by subgraph and outcome',
  labelNames: ['subgraph', 'outcome'] as const, buckets: LATENCY_BUCKETS, registers: [registry],
});
export const subgraphFetchErrors = new Counter({
  name: 'subgraph_fetch_errors_total', help: 'fetches from a subgraph that failed (no answer, timeout, refused)',
  labelNames: ['subgraph'] as const, registers: [registry],
});
/** Subgraphs: SQL statements sent for requests (what the N+1 tests read as JSON). */
export const sqlStatementsTotal = new Gauge({
  name: 'subgraph_sql_statements', help: 'SQL statements sent on behalf of requests since the process started',
  registers: [registry],
});
/** Subgraphs: the age of the oldest undelivered message of each outbox, 0 when all are delivered. */
export const outboxLagSeconds = new Gauge({
  name: 'outbox_lag_seconds', help: 'age of the oldest undelivered message of each outbox (0: none pending)',
  labelNames: ['owner', 'outbox'] as const, registers: [registry],
});
export const outboxPending = new Gauge({
  name: 'outbox_pending_messages', help: 'undelivered messages of each outbox',
  labelNames: ['owner', 'outbox'] as const, registers: [registry],
});
/** Subgraphs: alerts raised and held by the owner (以罚代刑, repeat offenders), by kind. */
export const alertsRaised = new Gauge({
  name: 'supervision_alerts_raised', help: 'alerts raised (以罚代刑 and repeat-offender signals) held by the owner, by kind and signal (NOT_TRANSFERRED 有案不移, NOT_FILED 有案不立)',
  labelNames: ['owner', 'kind', 'signal'] as const, registers: [registry],
});

/** Operation names come from clients: only a plain name is a label, and only so many of them. */
const MAX_OPERATIONS = 200;
const seenOperations = new Set<string>();
export function operationLabel(name: string | null | undefined): string {
  if (!name || !/^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(name)) return '(anonymous)';
  if (seenOperations.has(name)) return name;
  if (seenOperations.size >= MAX_OPERATIONS) return '(other)';
  seenOperations.add(name);
  return name;
}

/** Prometheus asks for text/plain or OpenMetrics; the hub's own tests ask a subgraph for JSON. */
export function wantsExposition(req: IncomingMessage): boolean {
  return /text\/plain|openmetrics/.test(String(req.headers.accept ?? ''));
}

let clusterExposition: (() => Promise<string>) | null = null;

/** In a cluster worker: the exposition is every worker's figures, gathered by the primary. */
export function useClusterExposition(gather: () => Promise<string>): void {
  clusterExposition = gather;
}

/**
 * Scrapes one at a time: a scrape's refresh sets the figures the exposition then reads, and in a
 * process shared by several services (the test hub) another service's refresh must not land between.
 */
let scraping: Promise<unknown> = Promise.resolve();

/** Writes the registry's text exposition (refreshing what `refresh` reads first). */
export async function sendExposition(res: ServerResponse, refresh?: () => Promise<void>): Promise<void> {
  const expose = async () => {
    if (refresh) await refresh();
    return clusterExposition ? await clusterExposition() : await registry.metrics();
  };
  const exposed = scraping.then(expose, expose);
  scraping = exposed.catch(() => {});
  const text = await exposed;
  res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
