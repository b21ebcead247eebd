// `npm run agency:new` onboards an agency with no other file edited by hand: run on a scratch copy
// of the repository (its files, node_modules linked), the copy typechecks, composes a
// supergraph with the new case type, keeps docker-compose.yml in line with the code, and a hub
// booted from the copy's own code records a case of the new agency that reaches the index, raises
// the procuratorate's alert and reads through the unified case graph.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAgencyRegistry } from '../subgraphs/agencies/registry';
import { scaffoldAgency } from '../scripts/agency-new';
import { hubClient, type Caller } from '../scripts/hub/client';
import { externalPostgres } from '../scripts/hub/postgres';
import { creditCode, DEMO_BUREAUS } from '../scripts/demo-data';
import { eventually } from './support/hub';
import { callers } from './support/fixtures';

const repo = fileURLToPath(new URL('..', import.meta.url));
const tsx = join(repo, 'node_modules/tsx/dist/cli.mjs');

describe('npm run agency:new on a scratch copy', () => {
  let scratch: string;
  const run = (command: string, args: string[]) => {
    try {
      return execFileSync(command, args, { cwd: scratch, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, NODE_ENV: 'test' } });
    } catch (error) {
      // What the tool said (tsc's errors, the failing test), not only that it failed.
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`${args.slice(0, 2).join(' ')} failed:\n${`${stdout ?? ''}${stderr ?? ''}`.slice(-4000)}`);
    }
  };
  const read = (path: string) => readFileSync(join(scratch, path), 'utf8');

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'agency-new-'));
    // The repository's files as they stand (tracked and new, nothing ignored: no .data, no node_modules).
    execFileSync('sh', ['-c', `cd "${repo}" && git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -x -C "${scratch}"`]);
    symlinkSync(join(repo, 'node_modules'), join(scratch, 'node_modules'), 'dir');
    run(process.execPath, [tsx, 'scripts/agency-new.ts', 'culture-tourism', '--name', '文化和旅游局',
      '--field', 'venue:text:演出场所', '--field', 'audience:integer:观众人数',
      '--field', 'licenceKind:enum:许可类别:PERFORMANCE=营业性演出,INTERNET_CULTURE=网络文化经营']);
  }, 120_000);
  afterAll(() => { if (scratch) rmSync(scratch, { recursive: true, force: true }); });

  it('writes the folder, the registry entry, the registration, the compose services and the demo entry, named by the kind', () => {
    expect(existsSync(join(scratch, 'subgraphs/agencies/culture-tourism/index.ts'))).toBe(true);
    expect(read('subgraphs/agencies/culture-tourism/migration.ts')).toContain('ADD COLUMN venue text, ADD COLUMN audience integer, ADD COLUMN licence_kind text');
    const entry = parseAgencyRegistry(JSON.parse(read('schema/agencies.json'))).find((k) => k.name === 'culture-tourism');
    expect(entry).toEqual({ name: 'culture-tourism', kind: 'CULTURE_TOURISM', caseType: 'CultureTourismCase', label: '文化和旅游局',
      bureauPrefix: 'CT', figures: ['audience'], attributes: ['venue', 'licenceKind'] });
    expect(read('subgraphs/index.ts')).toMatch(/import \{ cultureTourism \} from '.\/agencies\/culture-tourism';[\s\S]*SUBGRAPHS[^;]*cultureTourism/);
    const compose = read('docker-compose.yml');
    for (const text of ['  culture-tourism-db:', '  culture-tourism:', 'SUBGRAPH_CULTURE_TOURISM_URL: http://culture-tourism:', 'culture-tourism-signing-key:', '  culture-tourism-db-data:']) {
      expect(compose).toContain(text);
    }
    expect(JSON.parse(read('scripts/demo-agencies.json')).agencies.at(-1)).toMatchObject({ agency: 'culture-tourism', bureau: { code: 'CT-370705' } });
  });

  it('takes the next free port', () => {
    const ports = [...read('docker-compose.yml').matchAll(/PORT: "(\d+)"/g)].map((m) => Number(m[1]));
    const port = Number(read('subgraphs/agencies/culture-tourism/index.ts').match(/defaultPort: (\d+)/)![1]);
    expect(ports.filter((p) => p === port)).toHaveLength(1);
    expect(port).toBe(Math.max(...ports));
  });

  it('refuses a kind already onboarded and a name that is not kebab-case, writing nothing', () => {
    expect(() => scaffoldAgency(scratch, { name: 'culture-tourism', label: '文化和旅游局', fields: [] })).toThrow(/already in schema\/agencies.json/);
    expect(() => scaffoldAgency(scratch, { name: 'CultureTourism', label: '文化和旅游局', fields: [] })).toThrow(/kebab-case/);
  });

  it('typechecks', () => {
    expect(() => run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', '.'])).not.toThrow();
  }, 300_000);

  it('composes: the supergraph has the case type, its input, its mutation, its enum and the bureau kind', () => {
    run(process.execPath, [tsx, 'scripts/compose.ts']);
    const supergraph = read('schema/supergraph.graphql');
    expect(supergraph).toMatch(/type CultureTourismCase implements EnforcementCase/);
    expect(supergraph).toContain('createCultureTourismCase(input: CultureTourismCaseInput!): CultureTourismCase');
    expect(supergraph).toMatch(/enum CultureTourismLicenceKind[\s\S]*PERFORMANCE/);
    expect(supergraph).toMatch(/enum AgencyKind[^}]*CULTURE_TOURISM/);
    expect(supergraph).toMatch(/CULTURE_TOURISM @join__graph\(name: "culture-tourism"/);
  }, 120_000);

  it('keeps docker-compose.yml and the Kubernetes manifests in line with the code (their own tests, run in the copy)', () => {
    // A pure test: run without the suite's global setup (it would start a PostgreSQL server for nothing).
    writeFileSync(join(scratch, 'vitest.scratch.config.ts'), `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['test/docker-compose.test.ts', 'test/kubernetes.test.ts'] } });\n`);
    expect(() => run(process.execPath, [join(repo, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'vitest.scratch.config.ts'])).not.toThrow();
  }, 180_000);

  // The hub as the copy's own code boots it (its scripts/hub/hub.ts starts the copy's subgraphs and
  // gateway from the copy's root): nothing of the new agency comes from this repository.
  describe('a hub booted from the copy', () => {
    type Hub = {
      gatewayUrl: string; databases: Record<string, string>; secrets: { partyRefKeyFile: string; dataKekFile(owner: string): string };
      stop(options?: { dropDatabases?: boolean }): Promise<void>;
    };
    const postgres = () => externalPostgres(inject('postgresAdminUrl'));
    let hub: Hub | undefined;
    let dataDir: string;
    let graphql: ReturnType<typeof hubClient>['graphql'];
    const officer: Caller = { role: 'agency_officer', org: 'CT-320706', region: '320706' };
    const procurator: Caller = { ...callers.procurator, reason: '以罚代刑线索核查' };
    let caseId: string;

    beforeAll(async () => {
      const { startHub } = await import(pathToFileURL(join(scratch, 'scripts/hub/hub.ts')).href);
      dataDir = mkdtempSync(join(tmpdir(), 'agency-new-hub-'));
      hub = await startHub({
        postgres: postgres(), dataDir, databasePrefix: `t${randomBytes(4).toString('hex')}_`,
        gatewayPort: 0, subgraphPorts: 'free', env: { OUTBOX_POLL_MS: '200', HUB_TEST_CLOCK: '1' }, echo: !!process.env.HUB_DEBUG,
      }) as Hub;
      graphql = hubClient(hub.gatewayUrl, dataDir).graphql;
      // The demo bureaus (the procurator's county among them) and a bureau of the new kind.
      for (const input of [...DEMO_BUREAUS, { code: 'CT-320706', name: '连云港市海州区文化和旅游局', kind: 'CULTURE_TOURISM', region: '320706' }]) {
        const { errors } = await graphql(`mutation($input: AgencyInput!) { registerAgency(input: $input) { code } }`, { input }, callers.admin);
        expect(errors).toBeUndefined();
      }
    }, 300_000);
    afterAll(async () => {
      await hub?.stop({ dropDatabases: true });
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('records a case of the new agency, with its own fields, as its bureau', async () => {
      // 非法经营 (刑法 第二百二十五条) by a company: 600,000 yuan is over the 500,000 of 公通字〔2022〕12号 第七十一条.
      const { data, errors } = await graphql(`mutation($input: CultureTourismCaseInput!) { createCultureTourismCase(input: $input) {
        id agency { code kind } ... on CultureTourismCase { venue audience licenceKind } } }`, { input: {
        caseNumber: '海文旅罚〔2026〕1号', actType: 'ADMINISTRATIVE_PENALTY', cause: '未经许可从事营业性演出经营活动', offenceCode: 'CL225',
        party: { kind: 'ORGANIZATION', name: '连云港某文化传媒有限公司', idNumber: creditCode('320706', 'MA1CT0001') },
        amountInvolved: 600_000, fineAmount: 150_000, decidedAt: '2026-09-10T02:00:00Z', region: '320706',
        venue: '海州区某剧场', audience: 1200, licenceKind: 'PERFORMANCE',
      } }, officer);
      expect(errors).toBeUndefined();
      expect(data.createCultureTourismCase).toMatchObject({ agency: { code: 'CT-320706', kind: 'CULTURE_TOURISM' }, venue: '海州区某剧场', audience: 1200, licenceKind: 'PERFORMANCE' });
      caseId = data.createCultureTourismCase.id;
    });

    it('reaches the index: the case list of the procurator\'s county has it, under the new kind', async () => {
      const listed = await eventually(async () => {
        const { data, errors } = await graphql(`{ cases(first: 20, filter: { agencyKind: CULTURE_TOURISM }) { edges { node { id caseNumber region } } } }`, {}, procurator);
        expect(errors).toBeUndefined();
        return data.cases.edges.find((e: any) => e.node.id === caseId)?.node;
      }, 15_000, 'the case in the index');
      expect(listed).toEqual({ id: caseId, caseNumber: '海文旅罚〔2026〕1号', region: '320706' });
    });

    it('raises the procuratorate\'s threshold alert (以罚代刑: CL225, amountInvolved over 500,000 for a company)', async () => {
      const alert = await eventually(async () => {
        const { data, errors } = await graphql(`{ alerts(first: 100) { edges { node { kind ruleCode status signal figures { name value threshold } case { id } } } } }`, {}, callers.procurator);
        expect(errors).toBeUndefined();
        return data.alerts.edges.map((e: any) => e.node).find((a: any) => a.case?.id === caseId);
      }, 15_000, 'the alert');
      expect(alert).toMatchObject({ kind: 'THRESHOLD', ruleCode: 'CL225', status: 'OPEN', signal: 'NOT_TRANSFERRED' });
      expect(alert.figures).toEqual([{ name: 'amountInvolved', value: 600_000, threshold: 500_000 }]);
    });

    it('reads through the unified case graph: its own fields and its party', async () => {
      const { data, errors } = await graphql(`query($id: ID!) { case(id: $id) { __typename caseNumber agency { name kind }
        ... on CultureTourismCase { venue audience licenceKind } party { name } } }`, { id: caseId }, procurator);
      expect(errors).toBeUndefined();
      expect(data.case).toEqual({ __typename: 'CultureTourismCase', caseNumber: '海文旅罚〔2026〕1号', agency: { name: '连云港市海州区文化和旅游局', kind: 'CULTURE_TOURISM' },
        venue: '海州区某剧场', audience: 1200, licenceKind: 'PERFORMANCE', party: { name: '连云港某文化传媒有限公司' } });
    });

    it('gets the benchmark\'s data with no edit: the copy\'s bench seeds cases of the new agency, own fields filled, and the graph answers them', async () => {
      const dataset = await import(pathToFileURL(join(scratch, 'bench/dataset.ts')).href);
      const { seedCases, caseIds } = await import(pathToFileURL(join(scratch, 'bench/seed.ts')).href);
      expect(dataset.KINDS.map((k: any) => k.kind)).toContain('CULTURE_TOURISM');
      const server = postgres();
      const target = { url: (db: string) => server.url(db), databases: hub!.databases, partyRefKeyFile: hub!.secrets.partyRefKeyFile, dataKekFile: hub!.secrets.dataKekFile };
      await seedCases(target, { from: 1, to: 200, total: 200, now: new Date() }, 'agency-new seed');
      // The first case of the procurator's county's bureau of the new kind.
      const i = Array.from({ length: 200 }, (_, n) => n + 1).find((n) => dataset.BUREAUS[n % dataset.BUREAUS.length].code === 'CT-320706')!;
      const { data: listed } = await graphql(`{ cases(first: 100, filter: { agencyKind: CULTURE_TOURISM }) { edges { node { caseNumber } } } }`, {}, procurator);
      expect(listed.cases.edges.map((e: any) => e.node.caseNumber)).toContain(`BENCH〔${2020 + (i % 7)}〕${i}号`);
      const [id] = await caseIds(target, [i]);
      const { data, errors } = await graphql(`query($id: ID!) { case(id: $id) { __typename agency { code }
        ... on CultureTourismCase { venue audience licenceKind } party { name } } }`, { id }, procurator);
      expect(errors).toBeUndefined();
      expect(data.case).toMatchObject({ __typename: 'CultureTourismCase', agency: { code: 'CT-320706' }, venue: expect.stringMatching(/^演出场所\d$/),
        audience: expect.any(Number), licenceKind: expect.stringMatching(/^(PERFORMANCE|INTERNET_CULTURE)$/), party: { name: expect.any(String) } });
    }, 120_000);
  });
});
