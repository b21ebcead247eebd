// One compose file per owner (issue 9, "Deploy per owner"): each owner — justice, public security,
// the procuratorate, each agency, and the gateway with the audit log it keeps in its own database —
// runs its database and its subgraph on its own host, from deploy/owners/<owner>/docker-compose.yml.
//
// Derived from docker-compose.yml (the one-machine deployment that test/docker-compose.test.ts holds
// to the variables the code declares), so an agency or a variable added there reaches these files
// with `npm run deploy:owners`, and test/deploy-owners.test.ts fails while they are stale.
//
// What changes from the one-machine file:
// - an owner's file holds its own services only: its database, its subgraph (the gateway's file:
//   the gateway, its database and the audit subgraph that owns the log's schema there);
// - another owner's URL (JUSTICE_URL: http://justice:4001) becomes a variable the host must set,
//   `${JUSTICE_URL:?…}`, and the gateway's SUBGRAPH_<NAME>_URL of every subgraph too (a URL may
//   carry a path: `http://10.1.2.3:4007/em`);
// - the subgraph's port is published, since the gateway and the other owners reach it from their
//   hosts (it answers nothing without an identity signed by the gateway or an owner);
// - the secrets it mounts are this owner's only, from ./secrets/ beside the file: on its own host
//   an owner holds its own private key and the public key directory, nothing of another's.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

export const OWNERS_DIR = 'deploy/owners';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GATEWAY = 'gateway';

type Mount = string | { source: string; target?: string };
type Volume = string | { type?: string; source?: string; target: string; [k: string]: unknown };
interface Service {
  command?: string[];
  environment?: Record<string, unknown>;
  secrets?: Mount[];
  configs?: Mount[];
  volumes?: Volume[];
  depends_on?: Record<string, unknown>;
  ports?: string[];
  build?: unknown;
  [key: string]: unknown;
}
interface ComposeFile {
  services: Record<string, Service>;
  secrets?: Record<string, { file: string }>;
  configs?: Record<string, { file: string }>;
  volumes?: Record<string, unknown>;
}

const isNode = (s: Service) => s.command?.[0] === 'node';
const sourceOf = (m: Mount) => (typeof m === 'string' ? m : m.source);
/** The database service a service connects to: the host of its DATABASE_URL (…@justice-db:5432/…). */
const databaseOf = (s: Service) => /@([a-z0-9-]+):\d+\//.exec(String(s.environment?.DATABASE_URL ?? ''))?.[1];
/** An owner's URL variable's name: SUBGRAPH_JUSTICE_URL keeps its own; JUSTICE_URL likewise. */
const URL_VALUE = /^https?:\/\/([a-z0-9-]+):(\d+)(\/.*)?$/;

/**
 * The owners and their services: a subgraph and its database; the audit subgraph goes with the
 * gateway, whose database it owns the schema of.
 */
export function ownersOf(compose: ComposeFile): Record<string, string[]> {
  const owners: Record<string, string[]> = {};
  for (const [name, service] of Object.entries(compose.services)) {
    if (!isNode(service)) continue;
    const db = databaseOf(service);
    const owner = db?.endsWith('-db') ? db.slice(0, -'-db'.length) : name;
    (owners[owner] ??= []).push(name);
  }
  for (const [owner, services] of Object.entries(owners)) {
    if (compose.services[`${owner}-db`]) services.unshift(`${owner}-db`);
    // The gateway first among its node services, then the audit subgraph, for a stable order.
    services.sort((a, b) => (a.endsWith('-db') ? -1 : b.endsWith('-db') ? 1 : a === owner ? -1 : b === owner ? 1 : a.localeCompare(b)));
  }
  return Object.fromEntries(Object.entries(owners).sort(([a], [b]) => (a === GATEWAY ? 1 : b === GATEWAY ? -1 : 0)));
}

/** A path of the one-machine file (relative to the repository) as seen from deploy/owners/<owner>/. */
function relocate(path: string): string {
  if (path.startsWith('./secrets/')) return path; // the owner's own, beside its file
  if (path.startsWith('./')) return `../../../${path.slice(2)}`;
  return path === '.' ? '../../..' : path;
}

function ownerFile(compose: ComposeFile, owner: string, names: string[]): Record<string, unknown> {
  const here = new Set(names);
  const services: Record<string, Service> = {};
  for (const name of names) {
    const s: Service = structuredClone(compose.services[name]);
    if (s.build !== undefined) s.build = relocate(String(s.build));
    if (s.environment) {
      for (const [key, raw] of Object.entries(s.environment)) {
        const m = URL_VALUE.exec(String(raw ?? ''));
        // Another owner's service lives on another host: its base URL is the deployer's to give.
        if (m && !here.has(m[1])) s.environment[key] = `\${${key}:?set ${key} to the ${m[1]} subgraph's base URL on its host}`;
      }
    }
    if (s.depends_on) {
      s.depends_on = Object.fromEntries(Object.entries(s.depends_on).filter(([d]) => here.has(d)));
      if (!Object.keys(s.depends_on).length) delete s.depends_on;
    }
    if (s.volumes) {
      s.volumes = s.volumes.map((v) => (typeof v === 'string'
        ? v.replace(/^\.\/[^:]+/, (p) => relocate(p))
        : v.source ? { ...v, source: relocate(v.source) } : v));
    }
    // A subgraph is reached from the gateway's and the other owners' hosts: its port is published.
    // (The audit subgraph is the gateway's neighbour: only the gateway calls it.)
    if (isNode(s) && owner !== GATEWAY) {
      const port = String(s.environment?.PORT);
      const variable = `${name.toUpperCase().replace(/-/g, '_')}_PUBLISHED_PORT`;
      s.ports = [`\${${variable}:-${port}}:${port}`];
    }
    services[name] = s;
  }
  const used = (list: 'secrets' | 'configs') => {
    const sources = new Set(Object.values(services).flatMap((s) => (s[list] ?? []).map(sourceOf)));
    const all = compose[list] ?? {};
    return Object.fromEntries(Object.entries(all).filter(([k]) => sources.has(k)).map(([k, v]) => [k, { file: relocate(v.file) }]));
  };
  const volumes = Object.fromEntries(Object.entries(compose.volumes ?? {}).filter(([v]) =>
    Object.values(services).some((s) => (s.volumes ?? []).some((x) => typeof x === 'string' && x.startsWith(`${v}:`)))));
  return { services, secrets: used('secrets'), configs: used('configs'), volumes };
}

function header(owner: string, names: string[]): string {
  const lines = [
    `# ${owner}: ${names.join(', ')} on the owner's own host. GENERATED by \`npm run deploy:owners\``,
    '# from docker-compose.yml; do not edit (test/deploy-owners.test.ts fails while it is stale).',
    '#',
    '# Run it from this folder: `docker compose up -d`, with a .env beside it holding the variables',
    '# marked `:?` below (the database passwords, and the base URL of every other owner this one',
    '# calls, e.g. JUSTICE_URL=https://justice.example.gov.cn:4001, or with a path). Put this owner\'s',
    '# own keys in ./secrets/keys/ (its private key, made on this host with scripts/keys.ts, and the',
    '# directory of PUBLIC keys every owner shares); no other owner\'s private key is ever here.',
  ];
  if (owner === GATEWAY) {
    lines.push('# The gateway is given every subgraph\'s URL (SUBGRAPH_<NAME>_URL); an agency added later is', '# reached through its schema:publish --routing-url without a restart (README, "Schema registry").');
  }
  return `${lines.join('\n')}\n`;
}

/** Every owner's compose file, by path, as `npm run deploy:owners` writes them. */
export function renderOwnerFiles(composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')): Record<string, string> {
  const compose = parse(composeText, { merge: true }) as ComposeFile;
  const files: Record<string, string> = {};
  for (const [owner, names] of Object.entries(ownersOf(compose))) {
    const doc = ownerFile(compose, owner, names);
    files[`${OWNERS_DIR}/${owner}/docker-compose.yml`] = header(owner, names) + stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
  }
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [path, text] of Object.entries(renderOwnerFiles())) {
    mkdirSync(dirname(join(ROOT, path)), { recursive: true });
    writeFileSync(join(ROOT, path), text);
    console.log(`wrote ${path}`);
  }
}
