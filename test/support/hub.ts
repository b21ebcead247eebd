import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { startHub as bootHub, type Hub } from '../../scripts/hub/hub';
import { hubClient, type Caller } from '../../scripts/hub/client';
import { externalPostgres } from '../../scripts/hub/postgres';
import { IDENTITY_HEADER, serviceIdentity, signIdentity } from '../../subgraphs/kit/identity';

export type { Caller };

export interface TestHub extends Hub {
  graphql: ReturnType<typeof hubClient>['graphql'];
  tokenFor: ReturnType<typeof hubClient>['tokenFor'];
  /** SQL statements a subgraph has sent since it started (its /metrics). */
  sqlStatements(subgraph: string): Promise<number>;
  /** Moves every subgraph's clock forward (deadlines, overdue, escalation). */
  advanceClock(ms: number): Promise<void>;
}

/** The real hub on free ports with fresh databases; `stop()` drops them again. */
export async function startHub(options: { env?: NodeJS.ProcessEnv; subgraphUrlOverrides?: Record<string, string> } = {}): Promise<TestHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-test-'));
  const hub = await bootHub({
    postgres: externalPostgres(inject('postgresAdminUrl')),
    dataDir,
    databasePrefix: `t${randomBytes(4).toString('hex')}_`,
    gatewayPort: 0,
    subgraphPorts: 'free',
    env: { OUTBOX_POLL_MS: '200', HUB_TEST_CLOCK: '1', ...options.env },
    echo: !!process.env.HUB_DEBUG,
    subgraphUrlOverrides: options.subgraphUrlOverrides,
  });
  const client = hubClient(hub.gatewayUrl, dataDir);
  return {
    ...hub,
    graphql: client.graphql,
    tokenFor: client.tokenFor,
    async sqlStatements(subgraph) {
      const token = await signIdentity(serviceIdentity('test'), hub.secrets.identity);
      const response = await fetch(`${hub.subgraphUrls[subgraph]}/metrics`, { headers: { [IDENTITY_HEADER]: token } });
      return ((await response.json()) as { sqlStatements: number }).sqlStatements;
    },
    async advanceClock(ms) {
      const token = await signIdentity(serviceIdentity('test'), hub.secrets.identity);
      await Promise.all(Object.values(hub.subgraphUrls).map(async (url) => {
        const response = await fetch(`${url}/internal/clock`, {
          method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: token }, body: JSON.stringify({ advanceMs: ms }),
        });
        if (!response.ok) throw new Error(`clock of ${url} did not move: ${response.status}`);
      }));
    },
    async stop() {
      await hub.stop({ dropDatabases: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value other than undefined, or fails after the timeout. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, label = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${label} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
