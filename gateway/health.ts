// The gateway's health, three ways:
//   GET /health/live   the process answers (liveness: restart it only when this fails);
//   GET /health/ready  it can serve: a supergraph is loaded and its own database answers
//                      (readiness); a subgraph that does not answer makes it `degraded`, named,
//                      not unready: the other owners' fields are still served;
//   GET /health        every subgraph answers (200) or not (503), with each one's status.
import { subgraphEndpoint } from './supergraph';

export type SubgraphStatus = 'up' | 'down';

/** Each subgraph's own health check, in parallel, each bounded by the timeout. */
export async function subgraphStatuses(urls: Record<string, string>, timeoutMs = 2000): Promise<Record<string, SubgraphStatus>> {
  const entries = await Promise.all(Object.entries(urls).map(async ([name, url]) => {
    try {
      const response = await fetch(subgraphEndpoint(url, 'health'), { signal: AbortSignal.timeout(timeoutMs) });
      return [name, response.ok ? 'up' : 'down'] as const;
    } catch {
      return [name, 'down'] as const;
    }
  }));
  return Object.fromEntries(entries);
}

/** GET /health: 200 when every subgraph answers its own health check, 503 otherwise. */
export async function subgraphHealth(urls: Record<string, string>, timeoutMs = 2000) {
  const subgraphs = await subgraphStatuses(urls, timeoutMs);
  const healthy = Object.values(subgraphs).every((status) => status === 'up');
  return { status: healthy ? 200 : 503, body: { status: healthy ? 'ok' : 'degraded', subgraphs } };
}

/** GET /health/live: the process answers; nothing else is asked (a subgraph or database down is not a reason to restart it). */
export function liveness() {
  return { status: 200, body: { status: 'live' } };
}

export interface ReadinessInputs {
  /** The supergraph in service, if one is loaded. */
  schema: { version: number | null; source: 'repository' | 'registry'; loadedAt: string } | null;
  /** The newest publication the gateway refused to load (it kept the one in service); why is in its log, not here. */
  refused?: { version: number } | null;
  /** Whether the gateway's own database (audit log, schema registry) answered just now. */
  database: boolean;
  subgraphs: Record<string, SubgraphStatus>;
}

/**
 * GET /health/ready: 200 when a supergraph is loaded and the gateway's database answers; the
 * status is then `ok`, or `degraded` with the subgraphs that do not answer named in `missing`.
 * 503 `unready` otherwise. A missing subgraph never makes the gateway unready nor stops its start.
 */
export function readiness({ schema, refused, database, subgraphs }: ReadinessInputs) {
  const missing = Object.entries(subgraphs).filter(([, s]) => s !== 'up').map(([name]) => name).sort();
  const ready = !!schema && database;
  return {
    status: ready ? 200 : 503,
    body: {
      status: !ready ? 'unready' : missing.length ? 'degraded' : 'ok',
      schema, refused: refused ?? null, database: database ? 'up' : 'down', missing, subgraphs,
    },
  };
}
