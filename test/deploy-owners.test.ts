// Deploy per owner (issue 9): deploy/owners/<owner>/docker-compose.yml, one host per owner, checked
// without a Docker engine. The files are what `npm run deploy:owners` makes of docker-compose.yml
// today; each holds its owner's database and subgraph only, mounts no other owner's private key,
// gives its subgraph every variable the code requires, and reaches every other owner through a
// URL the deployer sets (the gateway: every subgraph's).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OWNERS_DIR, renderOwnerFiles } from '../scripts/deploy-owners';
import { SUBGRAPHS } from '../subgraphs/index';
import { envOf } from '../kit/module';
import { GATEWAY_ENV, subgraphUrlVar } from '../gateway/config';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const rendered = renderOwnerFiles();
const owners = Object.keys(rendered).map((p) => p.split('/')[2]);

interface Service { command?: string[]; environment?: Record<string, unknown>; secrets?: ({ source: string } | string)[]; depends_on?: Record<string, unknown>; ports?: string[] }
interface OwnerFile { services: Record<string, Service>; secrets: Record<string, { file: string }> }
const fileOf = (owner: string) => parse(rendered[`${OWNERS_DIR}/${owner}/docker-compose.yml`], { merge: true }) as OwnerFile;
const runs = (s: Service) => s.command?.[0] === 'node';

describe('deploy/owners: one compose file per owner', () => {
  it('is what npm run deploy:owners makes of docker-compose.yml today (run it after changing that file)', () => {
    for (const [path, text] of Object.entries(rendered)) {
      expect(existsSync(root(path)), `${path} missing`).toBe(true);
      expect(readFileSync(root(path), 'utf8'), `${path} is stale`).toBe(text);
    }
    // No folder of an owner that no longer exists.
    expect(readdirSync(root(OWNERS_DIR)).sort()).toEqual([...owners].sort());
  });

  it('gives every subgraph exactly one owner\'s file, beside its own database only', () => {
    const placed = owners.flatMap((o) => Object.entries(fileOf(o).services).filter(([, s]) => runs(s)).map(([n]) => n));
    expect(placed.sort()).toEqual([...SUBGRAPHS.map((s) => s.name), 'gateway'].sort());
    for (const owner of owners) {
      const names = Object.keys(fileOf(owner).services);
      expect(names.filter((n) => n.endsWith('-db')), owner).toEqual([`${owner}-db`]);
      for (const [name, s] of Object.entries(fileOf(owner).services)) {
        const db = /@([a-z0-9-]+):\d+\//.exec(String(s.environment?.DATABASE_URL ?? ''))?.[1];
        if (runs(s)) expect(db, `${name} connects to its owner's database`).toBe(`${owner}-db`);
        // depends_on only within the host: another owner's service is not started by this file.
        for (const d of Object.keys(s.depends_on ?? {})) expect(names, `${name} depends on ${d}`).toContain(d);
      }
    }
  });

  it.each(owners)('%s mounts its own private keys only', (owner) => {
    const file = fileOf(owner);
    const own = Object.keys(file.services);
    for (const [secret, { file: path }] of Object.entries(file.secrets)) {
      expect(own.some((n) => secret.startsWith(`${n}-`)), `${secret} belongs to ${own.join(', ')}`).toBe(true);
      expect(path.startsWith('./secrets/'), `${path}: the owner's own folder`).toBe(true);
    }
  });

  it.each(SUBGRAPHS.map((s) => s.name))('%s: every variable the code requires is set, other owners reached through a variable', (name) => {
    const owner = owners.find((o) => fileOf(o).services[name])!;
    const env = fileOf(owner).services[name].environment ?? {};
    const module = SUBGRAPHS.find((s) => s.name === name)!;
    for (const v of envOf(module).filter((x) => x.required)) expect(Object.keys(env), `${name} ${v.name}`).toContain(v.name);
    for (const [key, value] of Object.entries(env)) {
      const host = /^https?:\/\/([a-z0-9-]+):\d+/.exec(String(value))?.[1];
      if (host) expect(Object.keys(fileOf(owner).services), `${name} ${key} names a service of another host`).toContain(host);
    }
    // Reached from the gateway's host: published, unless it is the gateway's neighbour.
    if (owner !== 'gateway') expect(fileOf(owner).services[name].ports).toEqual([expect.stringMatching(new RegExp(`:${env.PORT}$`))]);
  });

  it('configures the gateway with every other owner\'s subgraph URL as a required variable', () => {
    const gateway = fileOf('gateway').services.gateway;
    for (const v of GATEWAY_ENV.filter((x) => x.required)) expect(Object.keys(gateway.environment!)).toContain(v.name);
    for (const s of SUBGRAPHS) {
      const variable = subgraphUrlVar(s.name);
      const value = String(gateway.environment![variable]);
      if (fileOf('gateway').services[s.name]) expect(value).toMatch(/^http:\/\//);
      else expect(value).toBe(`\${${variable}:?set ${variable} to the ${s.name} subgraph's base URL on its host}`);
    }
  });
});
