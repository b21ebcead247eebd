// `npm run agency:new` onboards an agency with no other file edited by hand: run on a scratch copy
// of the repository (its files, node_modules linked), the copy typechecks, composes a
// supergraph with the new case type, and keeps docker-compose.yml in line with the code.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAgencyRegistry } from '../subgraphs/agencies/registry';
import { scaffoldAgency } from '../scripts/agency-new';

const repo = fileURLToPath(new URL('..', import.meta.url));
const tsx = join(repo, 'node_modules/tsx/dist/cli.mjs');

describe('npm run agency:new on a scratch copy', () => {
  let scratch: string;
  const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: scratch, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, NODE_ENV: 'test' } });
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
});
