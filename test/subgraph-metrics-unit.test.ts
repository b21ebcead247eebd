// A subgraph's /metrics shows its own figures even when subgraphs share a process (the test hub
// runs them all in the test's): a scrape's refresh and exposition are not interleaved with
// another's, and no other owner's series remain from an earlier scrape.
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { alertsRaised, sendExposition } from '../kit/metrics';
import { onScrape, refreshSubgraphMetrics } from '../kit/subgraph-metrics';
import type { SubgraphRuntime } from '../kit/module';

function runtimeOf(name: string, statements: number): SubgraphRuntime {
  return { name, counter: { count: statements } } as unknown as SubgraphRuntime;
}

async function scrape(runtime: SubgraphRuntime): Promise<string> {
  let text = '';
  const res = { writeHead: () => res, end: (body: string) => { text = body; } } as unknown as ServerResponse;
  await sendExposition(res, () => refreshSubgraphMetrics(runtime));
  return text;
}

const sqlStatements = (text: string) => Number(/^subgraph_sql_statements (\S+)$/m.exec(text)?.[1]);

describe('a subgraph scrape in a shared process', () => {
  it('exposes its own statement count while another scrape runs', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let entered!: () => void;
    const slowStarted = new Promise<void>((resolve) => { entered = resolve; });
    onScrape('metrics-slow', async () => { entered(); await held; });
    const slow = scrape(runtimeOf('metrics-slow', 5));
    await Promise.race([slowStarted, slow]);
    const quick = scrape(runtimeOf('metrics-quick', 9));
    release();
    expect(sqlStatements(await slow)).toBe(5);
    expect(sqlStatements(await quick)).toBe(9);
  });

  it('shows no series of another owner', async () => {
    onScrape('metrics-alerts', async (runtime) => { alertsRaised.set({ owner: runtime.name, kind: 'CL140', signal: 'NOT_TRANSFERRED' }, 2); });
    expect(await scrape(runtimeOf('metrics-alerts', 1))).toMatch(/supervision_alerts_raised\{owner="metrics-alerts"/);
    expect(await scrape(runtimeOf('metrics-other', 1))).not.toMatch(/owner="metrics-alerts"/);
  });
});
