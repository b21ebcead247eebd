// docker-compose.yml checked against the variables the code reads (envOf, GATEWAY_ENV), without
// starting anything: no Docker engine is needed, and a renamed variable, port or service fails here.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GATEWAY_ENV, subgraphUrlVar } from '../gateway/config';
import { SUBGRAPHS } from '../subgraphs/index';
import { envOf, upstreamVar, type SubgraphModule } from '../kit/module';
import { GATEWAY as GATEWAY_KEY } from '../kit/keys';
import { psqlInvocation, psqlVariablesOf } from './support/init-scripts';

/**
 * Variables the compose file may set although the code does not declare them. Each says why;
 * an entry the code comes to declare must go (checked below), so this list only shrinks.
 */
const SUBGRAPH_ALLOWLIST: Record<string, string> = {};
const GATEWAY_ALLOWLIST: Record<string, string> = {};

const GATEWAY = 'gateway';
/** Database owners: each subgraph, unless it uses another owner's database (audit → gateway). */
const OWNERS = [...new Set([...SUBGRAPHS.map((s) => s.databaseOwner ?? s.name), GATEWAY])];
const dbServiceOf = (owner: string) => `${owner}-db`;
const databaseOwnerOf = (name: string) => SUBGRAPHS.find((s) => s.name === name)?.databaseOwner ?? name;
/** postgres:18 keeps PGDATA under /var/lib/postgresql/18/docker and refuses a mount at .../data. */
const PG_DATA_MOUNT = '/var/lib/postgresql';

interface VolumeMount { type?: string; source?: string; target: string; read_only?: boolean }
interface FileMount { source: string; target?: string }
interface Service {
  secrets?: (string | FileMount)[];
  configs?: (string | FileMount)[];
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  volumes?: (string | VolumeMount)[];
  ports?: (string | number | { target: number; published?: string | number })[];
  healthcheck?: { test?: string | string[] };
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string }>;
  configs?: Record<string, { file?: string }>;
}

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const composeText = readFileSync(root('docker-compose.yml'), 'utf8');
// Compose resolves YAML merge keys (`<<: *x-subgraph`); the yaml package does so only when asked.
const compose = parse(composeText, { merge: true }) as ComposeFile;

/** Compose interpolation with nothing set: defaults apply, a required variable becomes REQUIRED_<NAME>. */
const INTERPOLATION = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
function interpolate(raw: string): string {
  return raw.replace(INTERPOLATION, (match, name?: string, op?: string, arg?: string, bare?: string) => {
    if (match === '$$') return '$';
    if (bare || !op) return '';
    if (op.endsWith('-')) return arg ?? '';
    if (op.endsWith('?')) return `REQUIRED_${name}`;
    return ''; // ${VAR:+alt} with VAR unset
  });
}
/** The variable a value takes whole from `${VAR:?message}`, or undefined when it is anything else. */
function requiredVarOf(raw: string | undefined): string | undefined {
  return raw?.match(/^\$\{([A-Za-z_][A-Za-z0-9_]*):\?[^}]*\}$/)?.[1];
}

function service(name: string): Service {
  const s = compose.services?.[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
}
/** The environment as written (before interpolation). */
function rawEnv(name: string): Record<string, string> {
  const env = service(name).environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => {
      const at = entry.indexOf('=');
      return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v == null ? '' : String(v)]));
}
function env(name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(rawEnv(name)).map(([k, v]) => [k, interpolate(v)]));
}
function dependsOn(name: string): Record<string, string | undefined> {
  const deps = service(name).depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, undefined]));
  return Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, v?.condition]));
}
function mounts(name: string): VolumeMount[] {
  return (service(name).volumes ?? []).map((v) => {
    if (typeof v !== 'string') return v;
    const [source, target, mode] = v.split(':');
    const named = !/^[./~]/.test(source);
    return { type: named ? 'volume' : 'bind', source, target, read_only: mode?.split(',').includes('ro') ?? false };
  });
}
/** Secrets mounted into a service: where it reads them → the host file they come from. */
function secretFiles(name: string): Record<string, string> {
  return Object.fromEntries((service(name).secrets ?? []).map((m) => {
    const { source, target } = typeof m === 'string' ? { source: m, target: undefined } : m;
    // Compose mounts a secret at /run/secrets/<target>, or at target when it is absolute.
    const path = target?.startsWith('/') ? target : `/run/secrets/${target ?? source}`;
    return [path, compose.secrets?.[source]?.file ?? `(no secret ${source})`];
  }));
}
/** Configs mounted into a service: path → host file. */
function configFiles(name: string): Record<string, string> {
  return Object.fromEntries((service(name).configs ?? []).map((m) => {
    const { source, target } = typeof m === 'string' ? { source: m, target: undefined } : m;
    return [target ?? `/${source}`, compose.configs?.[source]?.file ?? `(no config ${source})`];
  }));
}
const KEY_DIR = './secrets/keys';
function healthTest(name: string): string {
  const test = service(name).healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : test ?? '';
}
function command(name: string): string[] {
  const c = service(name).command;
  return Array.isArray(c) ? c : (c ?? '').split(/\s+/).filter(Boolean);
}
/** The port a subgraph service listens on: its PORT, or the module's default. */
function listenPort(module: SubgraphModule): number {
  return Number(env(module.name).PORT || module.defaultPort);
}
function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...allStrings(v)]);
  return [];
}

describe('docker-compose.yml', () => {
  it('has a service for each subgraph, its database and the gateway, and nothing left over', () => {
    const expected = [...SUBGRAPHS.map((s) => s.name), GATEWAY, ...OWNERS.map(dbServiceOf)];
    expect(Object.keys(compose.services ?? {}).sort()).toEqual(expected.sort());
  });

  it('gives every ${VAR} a default or makes it required, so nothing resolves silently to empty', () => {
    const refs = allStrings(compose).flatMap((s) => [...s.matchAll(INTERPOLATION)]).filter((m) => m[0] !== '$$');
    expect(refs.length).toBeGreaterThan(0);
    const unguarded = refs.filter((m) => !m[2]).map((m) => m[0]);
    expect(unguarded).toEqual([]);
  });

  it('the allowlists name only variables the code does not declare (remove an entry once it is read)', () => {
    const subgraphVars = new Set(SUBGRAPHS.flatMap((m) => envOf(m).map((v) => v.name)));
    expect(Object.keys(SUBGRAPH_ALLOWLIST).filter((v) => subgraphVars.has(v))).toEqual([]);
    const gatewayVars = new Set(GATEWAY_ENV.map((v) => v.name));
    expect(Object.keys(GATEWAY_ALLOWLIST).filter((v) => gatewayVars.has(v))).toEqual([]);
  });
});

describe.each(SUBGRAPHS.map((module) => ({ name: module.name, module })))('subgraph service $name', ({ name, module }) => {
  it('exists and runs subgraphs/main.ts <name> from the hub image', () => {
    expect(compose.services).toHaveProperty([name]);
    expect(command(name)).toEqual(['node', '--import', 'tsx', 'subgraphs/main.ts', name]);
    expect(service(name).image).toBeTruthy();
    expect(service(name).image).toBe(service(GATEWAY).image);
  });

  it('sets every variable envOf declares, the required ones to something', () => {
    const set = env(name);
    for (const v of envOf(module)) {
      expect(set, `${name} lacks ${v.name}`).toHaveProperty([v.name]);
      if (v.required) expect(set[v.name], `${name}: ${v.name} is required`).not.toBe('');
    }
  });

  it('sets no variable the code does not read (but the allowlist)', () => {
    const read = new Set([...envOf(module).map((v) => v.name), ...Object.keys(SUBGRAPH_ALLOWLIST)]);
    expect(Object.keys(rawEnv(name)).filter((k) => !read.has(k))).toEqual([]);
  });

  it('listens on every interface, is not published, and is health-checked on /health', () => {
    expect(env(name).HOST).toBe('0.0.0.0');
    expect(listenPort(module)).toBeGreaterThan(0);
    expect(service(name).ports ?? []).toEqual([]);
    expect(healthTest(name)).toContain('/health');
    expect(healthTest(name)).toMatch(/process\.env\.PORT|:\d+\//);
  });

  it("reaches its own database and no other owner's", () => {
    const ownDb = dbServiceOf(databaseOwnerOf(name));
    const url = new URL(env(name).DATABASE_URL);
    expect(url.protocol).toMatch(/^postgres(ql)?:$/);
    expect(url.hostname).toBe(ownDb);
    expect(url.port || '5432').toBe('5432');
    const db = env(ownDb);
    // As the database owner's own login (made by the init script), never as the server's superuser.
    expect(decodeURIComponent(url.username)).toBe(db.OWNER_DB_USER);
    expect(decodeURIComponent(url.password)).toBe(db.OWNER_DB_PASSWORD);
    expect(db.OWNER_DB_USER).not.toBe(db.POSTGRES_USER);
    expect(url.pathname.slice(1)).toBe(db.POSTGRES_DB);
    expect(dependsOn(name)[ownDb]).toBe('service_healthy');

    const others = OWNERS.filter((o) => o !== databaseOwnerOf(name)).map(dbServiceOf);
    const values = Object.values(rawEnv(name)).join('\n');
    for (const other of others) expect(values, `${name} names ${other}`).not.toMatch(new RegExp(`[@/]${other}[:/]`));
    expect(Object.keys(dependsOn(name)).filter((d) => others.includes(d))).toEqual([]);
  });

  it('reaches each upstream at its service and port, once it is healthy', () => {
    const upstreams = module.upstreams ?? [];
    for (const owner of upstreams) {
      const raw = env(name)[upstreamVar(owner)];
      expect(raw, `${name} lacks ${upstreamVar(owner)}`).toBeTruthy();
      const url = new URL(raw);
      expect(url.hostname).toBe(owner);
      expect(Number(url.port)).toBe(listenPort(SUBGRAPHS.find((s) => s.name === owner)!));
      expect(url.pathname).toBe('/'); // base URLs: the code appends /graphql and /internal/<route>
      expect(dependsOn(name)[owner]).toBe('service_healthy');
    }
    expect(Object.keys(dependsOn(name)).sort()).toEqual([dbServiceOf(databaseOwnerOf(name)), ...upstreams].sort());
  });

  it('reaches each owner it notifies through an outbox at its service and port, without waiting for it', () => {
    // The relay retries until the receiver answers, so startup is not ordered by it (no cycle).
    for (const owner of (module.notifies ?? []).filter((o) => !(module.upstreams ?? []).includes(o))) {
      const raw = env(name)[upstreamVar(owner)];
      expect(raw, `${name} lacks ${upstreamVar(owner)}`).toBeTruthy();
      const url = new URL(raw);
      expect(url.hostname).toBe(owner);
      expect(Number(url.port)).toBe(listenPort(SUBGRAPHS.find((s) => s.name === owner)!));
      expect(url.pathname).toBe('/');
      expect(dependsOn(name)).not.toHaveProperty([owner]);
    }
  });
});

describe.each(OWNERS)('database service %s-db', (owner) => {
  const name = dbServiceOf(owner);

  it('is postgres:18 with a pg_isready health check and is not published', () => {
    expect(service(name).image).toMatch(/^postgres:18(\b|$)/);
    expect(healthTest(name)).toContain('pg_isready');
    expect(service(name).ports ?? []).toEqual([]);
  });

  it('has its own database, user and a required password of its own', () => {
    const raw = rawEnv(name);
    const set = env(name);
    for (const v of ['POSTGRES_DB', 'POSTGRES_USER', 'POSTGRES_PASSWORD']) expect(set[v], `${name}: ${v}`).toBeTruthy();
    const password = requiredVarOf(raw.POSTGRES_PASSWORD);
    expect(password, `${name}: POSTGRES_PASSWORD must be \${VAR:?...}`).toBeTruthy();
    const othersPasswords = OWNERS.filter((o) => o !== owner).map((o) => requiredVarOf(rawEnv(dbServiceOf(o)).POSTGRES_PASSWORD));
    expect(othersPasswords).not.toContain(password);
  });

  it(`keeps its data in a named volume at ${PG_DATA_MOUNT} that no other service mounts`, () => {
    const data = mounts(name).filter((m) => m.target === PG_DATA_MOUNT);
    expect(data).toHaveLength(1);
    expect(data[0].type ?? 'volume').toBe('volume');
    expect(compose.volumes ?? {}).toHaveProperty([data[0].source!]);
    const sharers = Object.keys(compose.services).filter((s) => s !== name && mounts(s).some((m) => m.source === data[0].source));
    expect(sharers).toEqual([]);
  });
});

describe('gateway service', () => {
  it('runs gateway/main.ts and publishes its PORT', () => {
    expect(command(GATEWAY)).toEqual(['node', '--import', 'tsx', 'gateway/main.ts']);
    const port = Number(env(GATEWAY).PORT || 4000);
    const published = (service(GATEWAY).ports ?? []).map((p) => (typeof p === 'object' ? p.target : Number(interpolate(String(p)).split(':').pop())));
    expect(published).toEqual([port]);
    // Ready, not /health: one stopped agency must not mark the gateway unhealthy.
    expect(healthTest(GATEWAY)).toContain('/health/ready');
  });

  it('sets every variable GATEWAY_ENV declares, the required ones to something', () => {
    const set = env(GATEWAY);
    for (const v of GATEWAY_ENV) {
      expect(set, `gateway lacks ${v.name}`).toHaveProperty([v.name]);
      if (v.required) expect(set[v.name], `gateway: ${v.name} is required`).not.toBe('');
    }
    expect(set.HOST).toBe('0.0.0.0');
    expect(set.NODE_ENV).toBe('production');
    expect(set.JWT_PUBLIC_KEY_FILE || set.JWKS_URL).toBeTruthy();
  });

  it('sets no variable the code does not read (but the allowlist)', () => {
    const read = new Set([...GATEWAY_ENV.map((v) => v.name), ...Object.keys(GATEWAY_ALLOWLIST)]);
    expect(Object.keys(rawEnv(GATEWAY)).filter((k) => !read.has(k))).toEqual([]);
  });

  it.each(SUBGRAPHS.map((module) => ({ name: module.name, module })))('reaches $name at its service and port, once it is healthy', ({ name, module }) => {
    const raw = env(GATEWAY)[subgraphUrlVar(name)];
    expect(raw, `gateway lacks ${subgraphUrlVar(name)}`).toBeTruthy();
    const url = new URL(raw);
    expect(url.hostname).toBe(name);
    expect(Number(url.port)).toBe(listenPort(module));
    expect(url.pathname).toBe('/');
    expect(dependsOn(GATEWAY)[name]).toBe('service_healthy');
  });

  it("mounts the issuer's public key read-only where JWT_PUBLIC_KEY_FILE points", () => {
    const file = env(GATEWAY).JWT_PUBLIC_KEY_FILE;
    if (!file) return expect(env(GATEWAY).JWKS_URL).toMatch(/^https:\/\//);
    const mount = mounts(GATEWAY).find((m) => m.target === file);
    expect(mount, `nothing is mounted at ${file}`).toBeDefined();
    expect(mount!.source).toBe('./secrets/issuer-public.pem');
    expect(mount!.read_only).toBe(true);
  });

  it('is given its own database, gateway-db', () => {
    const url = new URL(env(GATEWAY).DATABASE_URL);
    expect(url.hostname).toBe(dbServiceOf(GATEWAY));
    const db = env(dbServiceOf(GATEWAY));
    // As the audit log's writer: neither the database's owner (the audit subgraph) nor its superuser.
    expect(decodeURIComponent(url.username)).toBe(db.AUDIT_WRITER_DB_USER);
    expect(decodeURIComponent(url.password)).toBe(db.AUDIT_WRITER_DB_PASSWORD);
    expect([db.OWNER_DB_USER, db.POSTGRES_USER]).not.toContain(db.AUDIT_WRITER_DB_USER);
    expect(requiredVarOf(rawEnv(dbServiceOf(GATEWAY)).AUDIT_WRITER_DB_PASSWORD)).not.toBe(requiredVarOf(rawEnv(dbServiceOf(GATEWAY)).OWNER_DB_PASSWORD));
    expect(url.pathname.slice(1)).toBe(db.POSTGRES_DB);
    expect(dependsOn(GATEWAY)[dbServiceOf(GATEWAY)]).toBe('service_healthy');
  });
});

describe('secrets', () => {
  const SECRET_NAME = /SECRET|PASSWORD|PRIVATE_KEY|(^|_)TOKEN$/;

  it('are never written literally: each is ${VAR:?...} from the environment', () => {
    const secrets = Object.keys(compose.services).flatMap((s) => Object.entries(rawEnv(s))
      .filter(([k]) => SECRET_NAME.test(k)).map(([k, v]) => ({ at: `${s}.${k}`, raw: v })));
    // Not vacuous: the secrets the code requires are among them.
    expect(secrets.map((s) => s.at)).toEqual(expect.arrayContaining([
      ...SUBGRAPHS.flatMap((m) => envOf(m).filter((v) => SECRET_NAME.test(v.name)).map((v) => `${m.name}.${v.name}`)),
      ...GATEWAY_ENV.filter((v) => SECRET_NAME.test(v.name)).map((v) => `${GATEWAY}.${v.name}`),
      ...OWNERS.map((o) => `${dbServiceOf(o)}.POSTGRES_PASSWORD`),
    ]));
    expect(secrets.filter((s) => !requiredVarOf(s.raw)).map((s) => s.at)).toEqual([]);
  });

  it('database URLs take their password from a required variable', () => {
    for (const owner of OWNERS) {
      const url = new URL(env(owner).DATABASE_URL);
      expect(url.password, `${owner}: DATABASE_URL password`).toMatch(/^REQUIRED_[A-Z0-9_]+$/);
    }
  });

  it('no secret is shared between owners: nobody is given a shared identity secret', () => {
    for (const name of Object.keys(compose.services)) expect(rawEnv(name), name).not.toHaveProperty(['HUB_IDENTITY_SECRET']);
  });

  it("justice's party reference key is given to justice alone, mounted as a secret, and no owner is given the old HMAC key", () => {
    const holders = Object.keys(compose.services).filter((name) => 'PARTY_OPRF_KEY_FILE' in rawEnv(name));
    expect(holders).toEqual(['justice']);
    expect(secretFiles('justice')[env('justice').PARTY_OPRF_KEY_FILE]).toBe(`${KEY_DIR}/justice.party-ref-key.json`);
    expect(Object.keys(compose.services).filter((name) => 'PARTY_KEY_SECRET' in rawEnv(name))).toEqual([]);
  });

  it.each(SUBGRAPHS.map((s) => s.name))("%s reads its own private key, mounted as a secret, and the public key directory", (name) => {
    const set = env(name);
    // Justice alone holds a second key: the party references' (issue 17).
    const partyRefKey = name === 'justice' ? { [set.PARTY_OPRF_KEY_FILE]: `${KEY_DIR}/justice.party-ref-key.json` } : {};
    // An owner that seals personal fields at rest holds its own key-encryption key (issue 16).
    const dataKek = 'DATA_KEK_FILE' in set ? { [set.DATA_KEK_FILE]: `${KEY_DIR}/${name}.data-kek` } : {};
    expect(secretFiles(name)).toEqual({ [set.OWNER_SIGNING_KEY_FILE]: `${KEY_DIR}/${name}.private.jwk.json`, ...partyRefKey, ...dataKek });
    expect(configFiles(name)).toEqual({ [set.HUB_PUBLIC_KEYS_FILE]: `${KEY_DIR}/public-keys.json` });
  });

  it("the gateway reads its own private key, mounted as a secret, no owner's, and the public key directory", () => {
    expect(secretFiles(GATEWAY)).toEqual({ [env(GATEWAY).GATEWAY_SIGNING_KEY_FILE]: `${KEY_DIR}/${GATEWAY_KEY}.private.jwk.json` });
    // The directory pins justice's OPRF public key: party lookups check its proofs (issue 17).
    expect(configFiles(GATEWAY)).toEqual({ [env(GATEWAY).HUB_PUBLIC_KEYS_FILE]: `${KEY_DIR}/public-keys.json` });
  });

  it('mounts each private key into one service only, and keeps every key file under secrets/ (out of the image)', () => {
    const holders = new Map<string, string[]>();
    for (const name of Object.keys(compose.services)) {
      for (const file of Object.values(secretFiles(name))) holders.set(file, [...(holders.get(file) ?? []), name]);
    }
    expect([...holders.values()].filter((names) => names.length > 1)).toEqual([]);
    const files = [...Object.values(compose.secrets ?? {}), ...Object.values(compose.configs ?? {})].map((f) => f.file ?? '');
    expect(files.filter((f) => !f.startsWith(`${KEY_DIR}/`))).toEqual([]);
  });
});

// Least privilege in the database (issue 18): each server's superuser runs the init scripts on a
// fresh volume and nothing else; the services connect as the logins they make. What the SQL allows
// is tested on a real PostgreSQL in test/database-privilege.test.ts.
describe.each(OWNERS)('database logins of %s-db', (owner) => {
  const name = dbServiceOf(owner);
  const INITDB = '/docker-entrypoint-initdb.d/';
  const scripts = [
    { script: 'deploy/postgres/init-owner-login.sh', sql: 'deploy/postgres/owner-login.sql' },
    ...(owner === GATEWAY ? [{ script: 'deploy/postgres/init-audit-writer.sh', sql: 'deploy/postgres/audit-writer.sql' }] : []),
  ];

  it.each(scripts)('runs $script once on a fresh volume, with its SQL where the script reads it, both read-only', ({ script, sql }) => {
    const run = mounts(name).find((m) => m.source === `./${script}`);
    expect(run, `${name} does not mount ${script}`).toBeDefined();
    expect(run!.target.startsWith(INITDB) && run!.target.endsWith('.sh')).toBe(true);
    expect(run!.read_only).toBe(true);
    const { variables, file } = psqlInvocation(script);
    const sqlMount = mounts(name).find((m) => m.source === `./${sql}`);
    expect(sqlMount?.target).toBe(file);
    expect(sqlMount!.read_only).toBe(true);
    // Not under initdb.d: the image would run it there without the variables.
    expect(file.startsWith(INITDB)).toBe(false);
    // Every variable the SQL uses is handed over, from a variable this service sets.
    expect(Object.keys(variables).sort()).toEqual(psqlVariablesOf(sql).sort());
    for (const from of Object.values(variables)) expect(env(name)[from], `${name}: ${from}`).toBeTruthy();
  });

  it("makes the owner's login the database's owner, another than the server's superuser, with a password of its own", () => {
    const set = env(name);
    expect(set.OWNER_DB_USER).toBeTruthy();
    expect(set.OWNER_DB_USER).not.toBe(set.POSTGRES_USER);
    const own = requiredVarOf(rawEnv(name).OWNER_DB_PASSWORD);
    expect(own).toBeTruthy();
    expect(own).not.toBe(requiredVarOf(rawEnv(name).POSTGRES_PASSWORD));
  });

  it(owner === GATEWAY ? 'runs the audit writer after the owner (the writer is granted CONNECT on a database the owner holds)' : 'makes no audit writer', () => {
    const targets = mounts(name).map((m) => m.target).filter((t) => t.startsWith(INITDB)).sort();
    const writer = mounts(name).find((m) => m.source === './deploy/postgres/init-audit-writer.sh');
    if (owner !== GATEWAY) return expect(writer).toBeUndefined();
    expect(targets.indexOf(writer!.target)).toBeGreaterThan(targets.indexOf(mounts(name).find((m) => m.source === './deploy/postgres/init-owner-login.sh')!.target));
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(root('Dockerfile'), 'utf8');
  const dockerignore = readFileSync(root('.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
  const pkg = JSON.parse(readFileSync(root('package.json'), 'utf8')) as { dependencies: Record<string, string> };

  it('installs production dependencies only, which must include tsx, and runs the gateway as node', () => {
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(pkg.dependencies).toHaveProperty(['tsx']);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "--import", "tsx", "gateway\/main\.ts"\]$/m);
  });

  it('keeps local state, keys and node_modules out of the build context', () => {
    expect(dockerignore).toEqual(expect.arrayContaining(['node_modules', '.data', '.git', 'bench/results', 'secrets']));
  });
});
