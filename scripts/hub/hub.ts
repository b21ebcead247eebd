import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SUBGRAPHS } from '../../subgraphs/index';
import { upstreamVar } from '../../subgraphs/kit/module';
import { subgraphUrlVar } from '../../gateway/config';
import { DEV_AUDIENCE, DEV_ISSUER, ensureDevIssuer } from '../../gateway/dev-issuer';
import { dropDatabases, ensureDatabases, type PostgresServer } from './postgres';
import { ServiceProcess } from './processes';

export interface HubOptions {
  postgres: PostgresServer;
  /** Holds the dev issuer's keys and the hub's secrets. */
  dataDir: string;
  /** Prefix of every database name: '' for `npm start`, unique per test file. */
  databasePrefix?: string;
  gatewayPort: number;
  /** 'default': each subgraph's own port; 'free': any free port (tests). */
  subgraphPorts: 'default' | 'free';
  env?: NodeJS.ProcessEnv;
  echo?: boolean;
  /** Base URLs the gateway uses instead of a subgraph's own (e.g. a recording proxy in a test). */
  subgraphUrlOverrides?: Record<string, string>;
}

export interface Hub {
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  secrets: { identity: string; partyKey: string };
  dataDir: string;
  databases: Record<string, string>;
  stopSubgraph(name: string): Promise<void>;
  startSubgraph(name: string): Promise<void>;
  pauseSubgraph(name: string): void;
  resumeSubgraph(name: string): void;
  stop(options?: { dropDatabases?: boolean }): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Secrets of the embedded default live beside its data, so the index's party keys stay stable. */
function hubSecrets(dataDir: string) {
  const file = join(dataDir, 'secrets.json');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const secrets = { identity: randomBytes(32).toString('hex'), partyKey: randomBytes(32).toString('hex') };
    writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(file, 'utf8')) as { identity: string; partyKey: string };
}

/** Boots the whole hub: a database per owner, every subgraph in its own process, the gateway. */
export async function startHub(options: HubOptions): Promise<Hub> {
  const prefix = options.databasePrefix ?? '';
  const secrets = hubSecrets(options.dataDir);
  const { publicKeyFile } = await ensureDevIssuer(options.dataDir);
  const databaseOf = (owner: string) => `${prefix}${owner.replace(/-/g, '_')}`;
  const databases: Record<string, string> = Object.fromEntries(SUBGRAPHS.map((s) => [s.name, databaseOf(s.databaseOwner ?? s.name)]));
  databases.gateway = databaseOf('gateway');
  await ensureDatabases(options.postgres, [...new Set(Object.values(databases))]);

  const ports = Object.fromEntries(await Promise.all(SUBGRAPHS.map(async (s) =>
    [s.name, options.subgraphPorts === 'free' ? await freePort() : s.defaultPort] as const)));
  const subgraphUrls = Object.fromEntries(SUBGRAPHS.map((s) => [s.name, `http://127.0.0.1:${ports[s.name]}`]));
  const base = { ...process.env, ...options.env, HUB_IDENTITY_SECRET: secrets.identity };

  const subgraphs = new Map(SUBGRAPHS.map((s) => [s.name, new ServiceProcess(s.name, ['subgraphs/main.ts', s.name], {
    ...base,
    PORT: String(ports[s.name]),
    DATABASE_URL: options.postgres.url(databases[s.name]),
    PARTY_KEY_SECRET: secrets.partyKey,
    ...Object.fromEntries([...(s.upstreams ?? []), ...(s.notifies ?? [])].map((owner) => [upstreamVar(owner), subgraphUrls[owner]])),
  }, !!options.echo)]));
  const gatewayPort = options.gatewayPort || (await freePort());
  const gateway = new ServiceProcess('gateway', ['gateway/main.ts'], {
    ...base,
    PORT: String(gatewayPort),
    JWT_PUBLIC_KEY_FILE: publicKeyFile,
    JWT_ISSUER: DEV_ISSUER,
    JWT_AUDIENCE: DEV_AUDIENCE,
    ...Object.fromEntries(SUBGRAPHS.map((s) => [subgraphUrlVar(s.name), options.subgraphUrlOverrides?.[s.name] ?? subgraphUrls[s.name]])),
    // The gateway's own database holds the audit log it appends to (the audit subgraph reads it).
    DATABASE_URL: options.postgres.url(databases.gateway),
  }, !!options.echo);

  const stopAll = async () => {
    await gateway.stop();
    await Promise.all([...subgraphs.values()].map((p) => p.stop()));
  };
  try {
    await Promise.all([...subgraphs.values()].map((p) => p.start()));
    await gateway.start();
  } catch (error) {
    await stopAll();
    throw error;
  }

  return {
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    subgraphUrls,
    secrets,
    dataDir: options.dataDir,
    databases,
    stopSubgraph: (name) => subgraphs.get(name)!.stop(),
    startSubgraph: (name) => subgraphs.get(name)!.start(),
    pauseSubgraph: (name) => subgraphs.get(name)!.pause(),
    resumeSubgraph: (name) => subgraphs.get(name)!.resume(),
    async stop(stopOptions) {
      await stopAll();
      if (stopOptions?.dropDatabases) await dropDatabases(options.postgres, [...new Set(Object.values(databases))]);
    },
  };
}
