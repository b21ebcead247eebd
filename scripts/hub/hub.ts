import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SUBGRAPHS } from '../../subgraphs/index';
import { envOf, upstreamVar, type SubgraphModule } from '../../kit/module';
import { ensureKeys, GATEWAY, type KeyFiles } from '../../kit/keys';
import { ensureOprfKeyFile } from '../../kit/crypto/oprf-key-file';
import { ensureKeyEncryptionKeyFile } from '../../kit/crypto/key-wrap';
import { subgraphUrlVar } from '../../gateway/config';
import { DEV_AUDIENCE, DEV_ISSUER, ensureDevIssuer } from '../../gateway/dev-issuer';
import { dropDatabases, type PostgresServer } from './postgres';
import { AUDIT_WRITER, dropLogins, provisionLogins, type Login } from './roles';
import { ServiceProcess, type HubService } from './processes';

export interface HubOptions {
  postgres: PostgresServer;
  /** Holds the dev issuer's keys, every owner's key pair (keys/) and justice's party key. */
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
  /** Base URLs the owners use to reach another owner instead of its own (a recording proxy between owners in a test). */
  ownerUrlOverrides?: Record<string, string>;
  /**
   * A second instance of every subgraph and of the gateway on the same databases, on ports of
   * their own (as deploy/kubernetes runs two replicas of each): the second gateway reaches the
   * second set of subgraphs, and those reach each other, so both sets of workers (outbox relays,
   * watches) run and both gateways serve. Default: one instance of each.
   */
  replicas?: boolean;
  /** A folder of scripts/hub/build.ts: services start from its bundles rather than through tsx (the test run's). */
  serviceBuild?: string;
  /**
   * Every service in this process (scripts/hub/in-process.ts) instead of one process each: the
   * same databases, logins, keys and environments, without nine Node starts (the test hub). Their
   * processes cannot be killed, paused or given worker processes or traces.
   */
  inProcess?: boolean;
}

/** The second instance of every service (HubOptions.replicas). */
export interface HubReplica {
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  environments: Record<string, NodeJS.ProcessEnv>;
  stopSubgraph(name: string): Promise<void>;
  startSubgraph(name: string): Promise<void>;
  killSubgraph(name: string): Promise<void>;
}

export interface Hub {
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  /** Justice's OPRF key file for party references (given to justice only). */
  secrets: HubSecrets;
  /** The gateway's and every owner's key pair, and the directory of public keys. */
  keys: KeyFiles;
  /** The environment each service was started with (subgraph name or `gateway`). */
  environments: Record<string, NodeJS.ProcessEnv>;
  dataDir: string;
  databases: Record<string, string>;
  /** The login role each service connects as (subgraph name or `gateway`): never the superuser. */
  roles: Record<string, string>;
  stopSubgraph(name: string): Promise<void>;
  startSubgraph(name: string): Promise<void>;
  /** Freezes a subgraph's process (SIGSTOP) and thaws it; pause, resume and the kills below need processes (not inProcess). */
  pauseSubgraph(name: string): void;
  resumeSubgraph(name: string): void;
  /** Ends a subgraph's process with SIGKILL (nothing drained, nothing flushed); startSubgraph starts it again. */
  killSubgraph(name: string): Promise<void>;
  /** The gateway's process: ended with SIGKILL, stopped (SIGTERM), started again on the same port. */
  killGateway(): Promise<void>;
  stopGateway(): Promise<void>;
  startGateway(): Promise<void>;
  /** The second instance of every service, when started with `replicas`. */
  replica?: HubReplica;
  stop(options?: { dropDatabases?: boolean }): Promise<void>;
}

/**
 * A port nobody listens on, for a service about to start. Chosen below the kernel's ephemeral
 * range: a port the kernel hands out (listen on 0) is also what it gives the next outgoing
 * connection, and the subgraphs open dozens to PostgreSQL between the choice and the gateway's
 * bind (a CI run failed on exactly that, EADDRINUSE). Never the same port twice in one process.
 */
export async function freePort(): Promise<number> {
  const [first, last] = portsBelowEphemeralRange();
  const span = last - first + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i += 1) {
    const port = first + ((start + i) % span);
    if (handedOut.has(port)) continue;
    if (await canListen(port)) { handedOut.add(port); return port; }
  }
  throw new Error(`no free port between ${first} and ${last}`);
}

const handedOut = new Set<number>();

function portsBelowEphemeralRange(): [number, number] {
  let ephemeralStart = 32768;
  try {
    ephemeralStart = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || ephemeralStart;
  } catch { /* not Linux: the usual start of the range */ }
  const last = Math.max(ephemeralStart - 1, 2048);
  return [Math.max(1025, last - 12_000), last];
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface HubSecrets {
  partyRefKeyFile: string;
  /** An owner's key-encryption key of its data keys at rest (kit/at-rest.ts), made on first use. */
  dataKekFile(owner: string): string;
}

/**
 * Justice's OPRF key for party references (issue 17) lives beside the owners' keys, made on first
 * start, so the index's references stay stable. An older data directory's secrets.json (the HMAC
 * party key every owner could be given, and before it a shared identity secret) goes.
 */
function hubSecrets(dataDir: string): HubSecrets {
  const partyRefKeyFile = join(dataDir, 'keys', 'justice.party-ref-key.json');
  ensureOprfKeyFile(partyRefKeyFile);
  rmSync(join(dataDir, 'secrets.json'), { force: true });
  const dataKekFile = (owner: string) => {
    const file = join(dataDir, 'keys', `${owner}.data-kek`);
    ensureKeyEncryptionKeyFile(file);
    return file;
  };
  return { partyRefKeyFile, dataKekFile };
}

/** The embedded default's keys: the gateway's and one pair per owner, made on first start (keys/). */
export function ensureHubKeys(dataDir: string): Promise<KeyFiles> {
  return ensureKeys(join(dataDir, 'keys'), [GATEWAY, ...SUBGRAPHS.map((s) => s.name)]);
}

/** Key and secret variables: never inherited from the launcher, each service gets its own below. */
const KEY_VARIABLES = ['HUB_IDENTITY_SECRET', 'PARTY_KEY_SECRET', 'PARTY_OPRF_KEY_FILE', 'DATA_KEK_FILE', 'DATA_KEK_PREVIOUS_FILES', 'GATEWAY_SIGNING_KEY_FILE', 'OWNER_SIGNING_KEY_FILE', 'HUB_PUBLIC_KEYS_FILE'];

export function withoutKeys(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !KEY_VARIABLES.includes(name)));
}

/**
 * What a subgraph's process holds of keys and secrets: its own private key, the public directory,
 * and the party reference key only if it declares PARTY_OPRF_KEY_FILE (its holder: justice).
 */
export function subgraphKeyEnv(module: SubgraphModule, keys: KeyFiles, secrets: HubSecrets): NodeJS.ProcessEnv {
  const declares = (name: string) => envOf(module).some((v) => v.name === name);
  return {
    HUB_PUBLIC_KEYS_FILE: keys.directory,
    OWNER_SIGNING_KEY_FILE: keys.privateKey(module.name),
    ...(declares('PARTY_OPRF_KEY_FILE') ? { PARTY_OPRF_KEY_FILE: secrets.partyRefKeyFile } : {}),
    ...(declares('DATA_KEK_FILE') ? { DATA_KEK_FILE: secrets.dataKekFile(module.name) } : {}),
  };
}

/** What the gateway holds: its own private key, nothing of the owners'. */
export function gatewayKeyEnv(keys: KeyFiles): NodeJS.ProcessEnv {
  return { GATEWAY_SIGNING_KEY_FILE: keys.privateKey(GATEWAY), HUB_PUBLIC_KEYS_FILE: keys.directory };
}

/** Boots the whole hub: a database per owner, every subgraph in its own process (or all in this one: inProcess), the gateway. */
export async function startHub(options: HubOptions): Promise<Hub> {
  // Loaded only for a hub in this process: `npm start` and the benchmark load no service code here.
  const inProcess = options.inProcess ? (await import('./in-process')).InProcessService : undefined;
  const service = (name: string, module: SubgraphModule | 'gateway', env: NodeJS.ProcessEnv): HubService => inProcess
    ? new inProcess(name, module, env, !!options.echo)
    : new ServiceProcess(name, module === 'gateway' ? ['gateway/main.ts'] : ['subgraphs/main.ts', module.name], env, !!options.echo, options.serviceBuild);
  const prefix = options.databasePrefix ?? '';
  const secrets = hubSecrets(options.dataDir);
  const keys = await ensureHubKeys(options.dataDir);
  const { publicKeyFile } = await ensureDevIssuer(options.dataDir);
  const databaseOf = (owner: string) => `${prefix}${owner.replace(/-/g, '_')}`;
  const databases: Record<string, string> = Object.fromEntries(SUBGRAPHS.map((s) => [s.name, databaseOf(s.databaseOwner ?? s.name)]));
  databases.gateway = databaseOf('gateway');
  // Each subgraph logs in as itself and owns its database; the audit subgraph owns the gateway's
  // (it runs the audit log's migrations), and the gateway logs in as the log's writer (roles.ts).
  const roles: Record<string, string> = Object.fromEntries([...SUBGRAPHS.map((s) => s.name), 'gateway'].map((name) => [name, databaseOf(name)]));
  const logins: Login[] = [
    ...SUBGRAPHS.map((s) => ({ role: roles[s.name], database: databases[s.name], owns: true })),
    { role: roles.gateway, database: databases.gateway, owns: false, memberOf: [AUDIT_WRITER] },
  ];
  const passwords = await provisionLogins(options.postgres, logins);
  const urlOf = (name: string) => options.postgres.urlAs(databases[name], roles[name], passwords[roles[name]]);

  const ports = Object.fromEntries(await Promise.all(SUBGRAPHS.map(async (s) =>
    [s.name, options.subgraphPorts === 'free' ? await freePort() : s.defaultPort] as const)));
  const subgraphUrls = Object.fromEntries(SUBGRAPHS.map((s) => [s.name, `http://127.0.0.1:${ports[s.name]}`]));
  const base = withoutKeys({ ...process.env, ...options.env });

  const environments: Record<string, NodeJS.ProcessEnv> = Object.fromEntries(SUBGRAPHS.map((s) => [s.name, {
    ...base,
    PORT: String(ports[s.name]),
    DATABASE_URL: urlOf(s.name),
    ...subgraphKeyEnv(s, keys, secrets),
    ...Object.fromEntries([...(s.upstreams ?? []), ...(s.notifies ?? [])].map((owner) => [upstreamVar(owner), options.ownerUrlOverrides?.[owner] ?? subgraphUrls[owner]])),
  }]));
  const subgraphs = new Map(SUBGRAPHS.map((s) => [s.name, service(s.name, s, environments[s.name])]));
  const gatewayPort = options.gatewayPort || (await freePort());
  environments.gateway = {
    ...base,
    ...gatewayKeyEnv(keys),
    PORT: String(gatewayPort),
    JWT_PUBLIC_KEY_FILE: publicKeyFile,
    JWT_ISSUER: DEV_ISSUER,
    JWT_AUDIENCE: DEV_AUDIENCE,
    ...Object.fromEntries(SUBGRAPHS.map((s) => [subgraphUrlVar(s.name), options.subgraphUrlOverrides?.[s.name] ?? subgraphUrls[s.name]])),
    // The gateway's own database holds the audit log it appends to (the audit subgraph reads it).
    DATABASE_URL: urlOf('gateway'),
  };
  const gateway = service('gateway', 'gateway', environments.gateway);

  // The second instance of each service: the same environment (databases, keys), its own port,
  // and the second set's URLs between owners and from the second gateway.
  let second: { subgraphs: Map<string, HubService>; gateway: HubService; replica: HubReplica } | undefined;
  if (options.replicas) {
    const replicaPorts = Object.fromEntries(await Promise.all(SUBGRAPHS.map(async (s) => [s.name, await freePort()] as const)));
    const replicaUrls = Object.fromEntries(SUBGRAPHS.map((s) => [s.name, `http://127.0.0.1:${replicaPorts[s.name]}`]));
    const replicaEnvironments: Record<string, NodeJS.ProcessEnv> = Object.fromEntries(SUBGRAPHS.map((s) => [s.name, {
      ...environments[s.name],
      PORT: String(replicaPorts[s.name]),
      ...Object.fromEntries([...(s.upstreams ?? []), ...(s.notifies ?? [])].map((owner) => [upstreamVar(owner), options.ownerUrlOverrides?.[owner] ?? replicaUrls[owner]])),
    }]));
    const replicaGatewayPort = await freePort();
    replicaEnvironments.gateway = {
      ...environments.gateway,
      PORT: String(replicaGatewayPort),
      ...Object.fromEntries(SUBGRAPHS.map((s) => [subgraphUrlVar(s.name), options.subgraphUrlOverrides?.[s.name] ?? replicaUrls[s.name]])),
    };
    const replicaSubgraphs = new Map(SUBGRAPHS.map((s) => [s.name, service(`${s.name}#2`, s, replicaEnvironments[s.name])]));
    second = {
      subgraphs: replicaSubgraphs,
      gateway: service('gateway#2', 'gateway', replicaEnvironments.gateway),
      replica: {
        gatewayUrl: `http://127.0.0.1:${replicaGatewayPort}`,
        subgraphUrls: replicaUrls,
        environments: replicaEnvironments,
        stopSubgraph: (name) => replicaSubgraphs.get(name)!.stop(),
        startSubgraph: (name) => replicaSubgraphs.get(name)!.start(),
        killSubgraph: (name) => replicaSubgraphs.get(name)!.kill(),
      },
    };
  }

  const stopAll = async () => {
    await Promise.all([gateway.stop(), second?.gateway.stop()]);
    await Promise.all([...subgraphs.values(), ...(second?.subgraphs.values() ?? [])].map((p) => p.stop()));
  };
  try {
    await Promise.all([...subgraphs.values()].map((p) => p.start()));
    // The second set starts once the first has migrated the databases (it would wait on the migration lock anyway).
    await Promise.all([gateway.start(), ...[...(second?.subgraphs.values() ?? [])].map((p) => p.start())]);
    await second?.gateway.start();
  } catch (error) {
    await stopAll();
    throw error;
  }

  return {
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    subgraphUrls,
    secrets,
    keys,
    environments,
    dataDir: options.dataDir,
    databases,
    roles,
    stopSubgraph: (name) => subgraphs.get(name)!.stop(),
    startSubgraph: (name) => subgraphs.get(name)!.start(),
    pauseSubgraph: (name) => subgraphs.get(name)!.pause(),
    resumeSubgraph: (name) => subgraphs.get(name)!.resume(),
    killSubgraph: (name) => subgraphs.get(name)!.kill(),
    killGateway: () => gateway.kill(),
    stopGateway: () => gateway.stop(),
    startGateway: () => gateway.start(),
    replica: second?.replica,
    async stop(stopOptions) {
      await stopAll();
      if (stopOptions?.dropDatabases) {
        await dropDatabases(options.postgres, [...new Set(Object.values(databases))]);
        await dropLogins(options.postgres, Object.values(roles));
      }
    },
  };
}
