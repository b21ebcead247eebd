// An agency in a repository of its own (issue 9): examples/agency-culture-tourism/ depends on the
// agency kit as a package (file: path), and is not in this repository's registry. The hub starts
// from this repository without it; the agency is then given its key in the directory, its own
// database, and started as a process of its own from its own folder. Justice learns it at run time
// (it announces itself) and the gateway serves it once its SDL is published (schema:publish of
// justice's, then of the agency's with its routing URL): neither justice nor the gateway restarts.
// Then the agency's own test script (`npm test` in its folder) records a case through the unified
// graph, reads it back and finds it in justice's index.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { IDENTITY_HEADER } from '../kit/identity';
import { ensureKeys, GATEWAY } from '../kit/keys';
import { SUBGRAPHS } from '../subgraphs/index';
import { ensureDatabases, dropDatabases, externalPostgres } from '../scripts/hub/postgres';
import { freePort } from '../scripts/hub/hub';
import { callers, seedBureaus } from './support/fixtures';
import { eventually, startHub, type TestHub } from './support/hub';
import { request } from './support/raw-http';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = fileURLToPath(new URL('../examples/agency-culture-tourism/', import.meta.url));
const NAME = 'culture-tourism';
const officer = { role: 'agency_officer', org: 'CT-320706', region: '320706' };

interface Run { code: number | null; stdout: string; stderr: string }
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 120_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }));
  });
}

let hub: TestHub;
let agency: ChildProcess | undefined;
let agencyUrl = '';
const database = `ext_${process.pid}_culture_tourism`;
const server = () => externalPostgres(inject('postgresAdminUrl'));

/** The agency's own process, from its own folder, until it prints its `listening` line. */
function startAgency(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], { cwd: example, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  return new Promise((resolve, reject) => {
    const remember = (chunk: Buffer) => { tail.push(chunk.toString()); if (process.env.HUB_DEBUG) process.stderr.write(chunk); };
    child.stderr!.on('data', remember);
    child.stdout!.on('data', (chunk: Buffer) => {
      remember(chunk);
      if (chunk.toString().includes('"event":"listening"')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`the agency exited with ${code}:\n${tail.join('').slice(-4000)}`)));
  });
}

/** A registry command as an operator of the hub runs it, against the gateway's database. */
const registry = (command: 'publish', args: string[]) => run(process.execPath, ['--import', 'tsx', `scripts/schema-${command}.ts`, ...args], root,
  { DATABASE_URL: hub.environments.gateway.DATABASE_URL, HUB_DATA_DIR: hub.dataDir, OWNER_SIGNING_KEY_FILE: '' });

async function justiceSdl(): Promise<string> {
  const response = await fetch(`${hub.subgraphUrls.justice}/graphql`, {
    method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await hub.keys.asOwner('justice', 'justice') },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  return ((await response.json()) as { data: { _service: { sdl: string } } }).data._service.sdl;
}

const ready = async () => (await request(`${hub.gatewayUrl}/health/ready`, { headers: { connection: 'close' } })).json as { schema: { version: number | null } };

beforeAll(async () => {
  // The example resolves the kit through its own node_modules (a link to the kit's folder), made
  // offline from its lockfile: nothing is fetched.
  if (!existsSync(`${example}node_modules/@supervision-graph/agency-kit`)) {
    const installed = await run('npm', ['install', '--offline', '--no-audit', '--no-fund'], example);
    expect(installed.code, installed.stderr).toBe(0);
  }
  // The procuratorate loads the example's own test mapping (not law): 未经批准举办营业性演出 by a
  // CULTURE_TOURISM bureau screened for the hub's CL225 rule. It names a kind the hub does not run.
  hub = await startHub({ env: { OFFENCE_MAP_FILES: `${example}offence-map.example.json` } });
  await seedBureaus(hub);
});

afterAll(async () => {
  if (agency && agency.exitCode === null) {
    await new Promise((resolve) => { agency!.once('exit', resolve); agency!.kill('SIGTERM'); });
  }
  await hub?.stop();
  await dropDatabases(server(), [database]).catch(() => undefined);
});

describe('an agency from a repository of its own, added to a running hub', () => {
  let versionBefore = 0;

  it('starts from its own folder with its own key and database, and justice learns it without a restart', async () => {
    versionBefore = (await ready()).schema.version ?? 0;
    expect(await justiceSdl()).not.toContain('CultureTourismCase');
    // Onboarding by the hub's operator: the agency's public key joins the directory every owner reads.
    await ensureKeys(hub.keys.dir, [GATEWAY, ...SUBGRAPHS.map((s) => s.name), NAME]);
    await ensureDatabases(server(), [database]);
    const port = await freePort();
    agency = await startAgency({
      PORT: String(port), DATABASE_URL: server().url(database), JUSTICE_URL: hub.subgraphUrls.justice, OUTBOX_POLL_MS: '200', HUB_TEST_CLOCK: '1',
      HUB_PUBLIC_KEYS_FILE: hub.keys.directory, OWNER_SIGNING_KEY_FILE: hub.keys.privateKey(NAME), DATA_KEK_FILE: hub.secrets.dataKekFile(NAME),
    });
    agencyUrl = `http://127.0.0.1:${port}`;
    const sdl = await eventually(async () => { const s = await justiceSdl(); return s.includes('type CultureTourismCase') ? s : undefined; }, 20_000, 'justice lists CultureTourismCase');
    expect(sdl).toMatch(/type CultureTourismCase implements EnforcementCase/);
    expect(sdl).toMatch(/type CultureTourismPublishedDecision implements PublishedDecision/);
    expect(sdl).toMatch(/CULTURE_TOURISM/);
  }, 120_000); // a process of its own, compiled by tsx as it starts: long on a busy machine

  it('is served by the gateway once justice\'s and its own SDL are published, without a restart', async () => {
    // Justice's SDL alone does not compose (the new case type has no `party` without the agency's),
    // the agency's alone neither (justice must list it): one publication holds both.
    const alone = await registry('publish', ['justice', hub.subgraphUrls.justice, '--by', '司法局 运维']);
    expect(alone.code).toBe(1);
    expect(alone.stdout).toMatch(/CultureTourismCase/);
    const own = await registry('publish', [NAME, agencyUrl, '--routing-url', agencyUrl, '--with', `justice=${hub.subgraphUrls.justice}`, '--by', '文化和旅游局 王工']);
    expect(own.code, own.stdout + own.stderr).toBe(0);
    // The gateway switches within seconds; the justice bureau then registers a bureau of the new kind.
    await eventually(async () => (((await ready()).schema.version ?? 0) > versionBefore ? true : undefined), 20_000, 'the gateway serves the publication');
    await eventually(async () => {
      const { errors } = await hub.graphql(`mutation($input: AgencyInput!) { registerAgency(input: $input) { code } }`,
        { input: { code: 'CT-320706', name: '连云港市海州区文化广电和旅游局', kind: 'CULTURE_TOURISM', region: '320706' } }, callers.admin);
      return errors ? undefined : true;
    }, 20_000, 'a CULTURE_TOURISM bureau registered');
  });

  it('passes its own tests against this hub: a case recorded, read back and in justice\'s index', async () => {
    const tests = await run('npm', ['test'], example, {
      HUB_GATEWAY_URL: hub.gatewayUrl, HUB_BUREAU: 'CT-320706',
      HUB_OFFICER_TOKEN: await hub.tokenFor(officer), HUB_PROCURATOR_TOKEN: await hub.tokenFor(callers.procurator),
    });
    expect(tests.code, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toMatch(/# pass 3/);
    expect(tests.stdout).toMatch(/# fail 0/);
  });

  it('is learnt by the procuratorate too: a rule limited to its kind raises the alert for its case', async () => {
    // 非法经营: the hub's CL225 rule (个人非法经营数额五万元以上), reached through the example's
    // mapping limited to CULTURE_TOURISM; the case names no offence code of its own.
    const { data, errors } = await hub.graphql(`mutation($input: CultureTourismCaseInput!) { createCultureTourismCase(input: $input) { id } }`, {
      input: {
        caseNumber: '文旅罚〔2026〕9001号', actType: 'ADMINISTRATIVE_PENALTY', cause: '未经批准举办营业性演出', region: '320706',
        decidedAt: '2026-10-12T02:00:00Z', amountInvolved: 80000, fineAmount: 400000,
        party: { kind: 'NATURAL_PERSON', name: '周强', idNumber: '320706198802140011', phone: '13900002222', address: '江苏省连云港市海州区通灌北路2号' },
        licenceKind: 'PERFORMANCE', venueName: '海州区某广场', ticketRevenue: 80000, audience: 1200,
      },
    }, officer);
    expect(errors).toBeUndefined();
    const caseId = data.createCultureTourismCase.id;
    const alert = await eventually(async () => {
      const page = await hub.graphql(`{ alerts(first: 100) { edges { node { kind ruleCode status signal figures { name value threshold } case { id } } } } }`, {}, callers.procurator);
      expect(page.errors).toBeUndefined();
      return page.data.alerts.edges.map((e: any) => e.node).find((a: any) => a.case?.id === caseId);
    }, 20_000, 'the procurator sees the alert on the culture-tourism case');
    expect(alert).toEqual({
      kind: 'THRESHOLD', ruleCode: 'CL225', status: 'OPEN', signal: 'NOT_TRANSFERRED',
      figures: [{ name: 'amountInvolved', value: 80000, threshold: 50000 }], case: { id: caseId },
    });
  });

  it('is announced by itself only: justice refuses its entry signed with another agency\'s key', async () => {
    const response = await fetch(`${hub.subgraphUrls.justice}/internal/agency-kinds`, {
      method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await hub.keys.asOwner('market-regulation', 'justice') },
      body: JSON.stringify({ name: NAME, label: '文化和旅游局', bureauPrefix: 'CX', figures: [], attributes: [] }),
    });
    expect(response.status).toBe(403);
    // Its own entry stands: the index still lists its case type.
    expect(await justiceSdl()).toContain('type CultureTourismCase');
  });
});
