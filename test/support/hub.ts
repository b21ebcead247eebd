import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { startHub as bootHub, type Hub, type HubReplica } from '../../scripts/hub/hub';
import { hubClient, type Caller } from '../../scripts/hub/client';
import { externalPostgres, type PostgresServer } from '../../scripts/hub/postgres';
import { IDENTITY_HEADER, signForwardedIdentity, signServiceIdentity, type Identity } from '../../kit/identity';
import { GATEWAY, readSigningKey, type KeyFiles, type SigningKey } from '../../kit/keys';

export type { Caller };

/** The hub's key files, and signing with them: a test may speak as the gateway or as any owner. */
export interface TestKeys extends KeyFiles {
  /** An end user's identity as the gateway forwards it (signed with the gateway's key), to `to` (default: every subgraph). */
  asGateway(identity: Omit<Identity, 'sub' | 'role'> & { sub?: string; role: string }, to?: string | string[]): Promise<string>;
  /** `owner`'s service identity for a message or call to `to`, signed with `owner`'s own key. */
  asOwner(owner: string, to: string): Promise<string>;
  /** The private key of `name` (the gateway or an owner), e.g. to forge with a leaked key. */
  signingKey(name: string): Promise<SigningKey>;
}

/** The second instance of every service (startHub({ replicas: true })), with a client of its gateway. */
export interface TestReplica extends HubReplica {
  graphql: ReturnType<typeof hubClient>['graphql'];
}

export interface TestHub extends Omit<Hub, 'keys' | 'replica'> {
  replica?: TestReplica;
  keys: TestKeys;
  graphql: ReturnType<typeof hubClient>['graphql'];
  tokenFor: ReturnType<typeof hubClient>['tokenFor'];
  /** SQL statements a subgraph has sent since it started (its /metrics). */
  sqlStatements(subgraph: string): Promise<number>;
  /** Moves every subgraph's clock forward (deadlines, overdue, escalation), the replicas' too. */
  advanceClock(ms: number): Promise<void>;
  /** A connected client to an owner's own database, as the server's superuser (what a host holder reads). */
  ownerDatabase(owner: string): Promise<pg.Client>;
  /** The URL of an owner's own database, as the server's superuser. */
  ownerDatabaseUrl(owner: string): string;
}

/** The real hub on free ports with fresh databases, in this process unless `processes`; `stop()` drops them again. */
export async function startHub(options: {
  env?: NodeJS.ProcessEnv; subgraphUrlOverrides?: Record<string, string>; ownerUrlOverrides?: Record<string, string>;
  /** A second instance of every subgraph and of the gateway on the same databases (scripts/hub/hub.ts). */
  replicas?: boolean;
  /** A PostgreSQL server of the test's own (one it restarts) instead of the run's shared one. */
  postgres?: PostgresServer;
  /**
   * Every service in a process of its own, as `npm start` runs them, for a test that needs one:
   * SIGKILL or SIGSTOP of a service, gateway workers, traces. Otherwise they all run in the
   * test's process (scripts/hub/in-process.ts), which starts in a fraction of the time.
   */
  processes?: boolean;
} = {}): Promise<TestHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-test-'));
  const server = options.postgres ?? externalPostgres(inject('postgresAdminUrl'));
  const hub = await bootHub({
    postgres: server,
    dataDir,
    databasePrefix: `t${randomBytes(4).toString('hex')}_`,
    gatewayPort: 0,
    subgraphPorts: 'free',
    env: { OUTBOX_POLL_MS: '200', HUB_TEST_CLOCK: '1', ...options.env },
    echo: !!process.env.HUB_DEBUG,
    subgraphUrlOverrides: options.subgraphUrlOverrides,
    ownerUrlOverrides: options.ownerUrlOverrides,
    replicas: options.replicas,
    serviceBuild: inject('serviceBuild'),
    // HUB_TEST_PROCESSES=1: every file's hub in processes, as before the in-process hub (to compare or to debug).
    inProcess: !options.processes && process.env.HUB_TEST_PROCESSES !== '1',
  });
  const client = hubClient(hub.gatewayUrl, dataDir);
  const signingKeys = new Map<string, Promise<SigningKey>>();
  const signingKey = (name: string) => {
    if (!signingKeys.has(name)) signingKeys.set(name, readSigningKey(hub.keys.privateKey(name), name));
    return signingKeys.get(name)!;
  };
  const keys: TestKeys = {
    ...hub.keys,
    signingKey,
    asGateway: async ({ sub, role, ...rest }, to = Object.keys(hub.subgraphUrls)) =>
      signForwardedIdentity({ sub: sub ?? `test:${role}`, role: role as Identity['role'], ...rest }, await signingKey(GATEWAY), to),
    asOwner: async (owner, to) => signServiceIdentity(await signingKey(owner), to),
  };
  const everySubgraph = [...Object.entries(hub.subgraphUrls), ...Object.entries(hub.replica?.subgraphUrls ?? {})];
  return {
    ...hub,
    replica: hub.replica && { ...hub.replica, graphql: hubClient(hub.replica.gatewayUrl, dataDir).graphql },
    keys,
    graphql: client.graphql,
    tokenFor: client.tokenFor,
    ownerDatabaseUrl: (owner) => server.url(hub.databases[owner]),
    async ownerDatabase(owner) {
      const client = new pg.Client({ connectionString: server.url(hub.databases[owner]) });
      await client.connect();
      return client;
    },
    async sqlStatements(subgraph) {
      const token = await keys.asGateway({ sub: 'test:metrics', role: 'public' });
      const response = await fetch(`${hub.subgraphUrls[subgraph]}/metrics`, { headers: { [IDENTITY_HEADER]: token } });
      return ((await response.json()) as { sqlStatements: number }).sqlStatements;
    },
    async advanceClock(ms) {
      // The test-only clock route takes any owner's service identity.
      await Promise.all(everySubgraph.map(async ([name, url]) => {
        const token = await keys.asOwner('justice', name);
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

/**
 * Polls until `check` returns a value other than undefined, or fails after the timeout. The first
 * checks follow each other closely (most conditions, such as a nudged outbox's delivery, hold
 * within milliseconds), later ones every 100 ms.
 */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, label = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${label} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pause));
  }
}
