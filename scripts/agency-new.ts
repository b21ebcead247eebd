// npm run agency:new -- <kind> --name <中文名> [--prefix XX] [--port N] [--field <name>:<type>:<标签>[:<VALUE>=<标签>,…]]…
//
// Onboards an enforcement agency: its folder (its own fields and their migration), its entry in the
// registry (schema/agencies.json), its registration in subgraphs/index.ts, a free default port, its
// docker-compose services (database, subgraph, key, volume, the gateway's URL and dependency) and the
// Kubernetes manifests made from them, and
// its demo bureau and case (scripts/demo-agencies.json). Names follow the kind:
// culture-tourism gives CultureTourismCase, createCultureTourismCase and bureaus of kind CULTURE_TOURISM.
// Field types: text, amount (yuan), quantity, integer, enum (values after a fourth colon), date, boolean.
// Then: `npm run compose` and the agency's own tests. Everything else reads the registry: justice,
// composition, the procuratorate's screening and the benchmark's dataset (bench/dataset.ts gives the
// agency bureaus in every region and cases with its own fields filled). A threshold alert needs no
// rule of its own: a case's offenceCode and 案由 pick the rules (schema/offence-map.json), and the
// kit's figures (amountInvolved, illegalGain) meet them for any agency (test/agency-new.test.ts).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MANIFEST_FILE, renderManifests } from './kubernetes';
import { AGENCY_NAME, caseTypeOf, kindOf, parseAgencyRegistry } from '../subgraphs/agencies/registry';
import { columnSqlType, ownFieldProblems, OWN_FIELD_TYPES, attributeNames, figureNames, type OwnField } from '../subgraphs/agencies/kit/fields';
import { creditCode } from './demo-data';

export interface AgencySpec {
  name: string; // kebab-case kind: culture-tourism
  label: string; // 文化和旅游局
  prefix?: string; // bureau code prefix; default: the initials (CT)
  port?: number; // default: the next free one
  fields: OwnField[];
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const pascal = (name: string) => camel(name)[0].toUpperCase() + camel(name).slice(1);
const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const envName = (name: string) => name.toUpperCase().replace(/-/g, '_');
const dbName = (name: string) => name.replace(/-/g, '_');

/** `deaths:integer:死亡人数`, `level:enum:等级:MAJOR=重大事故,ORDINARY=一般事故`. */
export function parseFieldSpec(spec: string): OwnField {
  const [name, type, label, values] = spec.split(':');
  if (!name || !type || !label) throw new Error(`--field ${spec}: write <name>:<type>:<标签>, type one of ${OWN_FIELD_TYPES.join(', ')}`);
  const base = { name, column: snake(name), label };
  if (type === 'enum') {
    if (!values) throw new Error(`--field ${spec}: an enum lists its values after a fourth colon: VALUE=标签,VALUE=标签`);
    return { ...base, type, values: values.split(',').map((v) => { const [value, valueLabel] = v.split('='); return { value, label: valueLabel || value }; }) };
  }
  return { ...base, type } as OwnField;
}

function fieldSource(f: OwnField): string {
  const common = `name: '${f.name}', column: '${f.column}', type: '${f.type}', label: '${f.label}'`;
  if (f.type !== 'enum') return `    { ${common} },`;
  return `    { ${common},\n      values: [${f.values.map((v) => `{ value: '${v.value}', label: '${v.label}' }`).join(', ')}] },`;
}

/** The agency's folder: its own fields (index.ts) and the migration that adds their columns (migration.ts). */
export function agencyFiles(spec: Required<AgencySpec>): Record<string, string> {
  const migration = `${pascal(spec.name)}Fields1700000000001`;
  const columns = spec.fields.map((f) => `ADD COLUMN ${f.column} ${columnSqlType(f)}`).join(', ');
  const drops = spec.fields.map((f) => `DROP COLUMN ${f.column}`).join(', ');
  return {
    'migration.ts': `import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns of ${spec.label}'s own fields (index.ts), added to the kit's enforcement_case. A field added later gets a migration of its own. */
export class ${migration} implements MigrationInterface {
  name = '${migration}';
  async up(q: QueryRunner): Promise<void> {
${columns ? `    await q.query(\`ALTER TABLE enforcement_case ${columns}\`);` : '    // No own field yet.'}
  }
  async down(q: QueryRunner): Promise<void> {
${drops ? `    await q.query(\`ALTER TABLE enforcement_case ${drops}\`);` : '    // No own field yet.'}
  }
}
`,
    'index.ts': `import { defineAgency } from '../kit/define';
import { ${migration} } from './migration';

/** ${spec.label}: its own case fields (专业字段); everything else is the agency kit's. */
export const ${camel(spec.name)} = defineAgency({
  name: '${spec.name}',
  defaultPort: ${spec.port},
  ownFields: [
${spec.fields.map(fieldSource).join('\n')}
  ],
  migrations: [${migration}],
});
`,
  };
}

/** The registry entry, in the file's own layout (one agency per block, lists on one line). */
function registryEntry(spec: Required<AgencySpec>): string {
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  return `    {
      "name": ${JSON.stringify(spec.name)},
      "label": ${JSON.stringify(spec.label)},
      "bureauPrefix": ${JSON.stringify(spec.prefix)},
      "figures": ${list(figureNames(spec.fields))},
      "attributes": ${list(attributeNames(spec.fields))}
    }`;
}

/** The block of `text` that starts at `start` (a line) and ends before the next blank line. */
function blockAt(text: string, start: string): string {
  const at = text.indexOf(start);
  if (at < 0) throw new Error(`docker-compose.yml: no ${JSON.stringify(start.trim())}`);
  const end = text.indexOf('\n\n', at);
  return text.slice(at, end < 0 ? text.length : end + 1);
}

/** docker-compose.yml with the new agency's services, made like the last agency's. */
export function composeWith(text: string, last: { name: string; port: number }, spec: Required<AgencySpec>): string {
  const rename = (block: string) => block
    .replaceAll(last.name, spec.name).replaceAll(envName(last.name), envName(spec.name)).replaceAll(dbName(last.name), dbName(spec.name))
    .replaceAll(`"${last.port}"`, `"${spec.port}"`).replaceAll(`:${last.port}`, `:${spec.port}`);
  const insertAfter = (source: string, anchor: string, addition: string, fromEnd = false) => {
    const at = fromEnd ? source.lastIndexOf(anchor) : source.indexOf(anchor);
    if (at < 0) throw new Error(`docker-compose.yml: no ${JSON.stringify(anchor.trim())}`);
    return source.slice(0, at + anchor.length) + addition + source.slice(at + anchor.length);
  };
  let out = text;
  const db = blockAt(out, `  ${last.name}-db:\n`);
  out = insertAfter(out, db, `\n${rename(db)}`);
  const service = blockAt(out, `  ${last.name}:\n`);
  out = insertAfter(out, service, `\n${rename(service)}`);
  const url = out.match(new RegExp(`      SUBGRAPH_${envName(last.name)}_URL: .*\\n`))![0];
  out = insertAfter(out, url, rename(url));
  const dependency = `      ${last.name}:\n        condition: service_healthy\n`;
  out = insertAfter(out, dependency, rename(dependency), true);
  const key = out.match(new RegExp(`  ${last.name}-signing-key:\\n    file: .*\\n`))![0];
  out = insertAfter(out, key, rename(key));
  // The key-encryption key of its data keys at rest (kit/at-rest.ts), like its signing key.
  const kek = out.match(new RegExp(`  ${last.name}-data-kek:\\n    file: .*\\n`))![0];
  out = insertAfter(out, kek, rename(kek));
  const volume = `  ${last.name}-db-data:\n`;
  out = insertAfter(out, volume, rename(volume), true);
  return out;
}

/** subgraphs/index.ts with the agency imported and listed after the last agency. */
export function indexWith(text: string, last: string, name: string): string {
  const lastImport = text.match(new RegExp(`import \\{ ${camel(last)} \\} from './agencies/${last}';\\n`))?.[0];
  if (!lastImport) throw new Error(`subgraphs/index.ts: no import of ${last}`);
  const withImport = text.replace(lastImport, `${lastImport}import { ${camel(name)} } from './agencies/${name}';\n`);
  const listed = withImport.replace(new RegExp(`(SUBGRAPHS: SubgraphModule\\[\\] = \\[[^\\]]*\\b${camel(last)})\\b`), `$1, ${camel(name)}`);
  if (listed === withImport) throw new Error(`subgraphs/index.ts: ${camel(last)} is not in SUBGRAPHS`);
  return listed;
}

/** The next port no service of the hub uses (docker-compose.yml's PORTs and every defaultPort). */
function nextFreePort(root: string, compose: string): number {
  const used = [...compose.matchAll(/PORT: "(\d+)"/g)].map((m) => Number(m[1]));
  const scan = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    (e.isDirectory() ? scan(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  for (const file of scan(join(root, 'subgraphs'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/defaultPort: (\d+)/g)) used.push(Number(m[1]));
  }
  return Math.max(...used) + 1;
}

/** A demo bureau (潍坊市奎文区) and one case of the new agency, for `npm start`. */
function demoEntry(spec: Required<AgencySpec>) {
  const region = '370705';
  return {
    agency: spec.name,
    bureau: { code: `${spec.prefix}-${region}`, name: `潍坊市奎文区${spec.label}`, region },
    cases: [{
      caseNumber: `奎${spec.label.slice(0, 2)}罚〔2026〕1号`, actType: 'ADMINISTRATIVE_PENALTY', cause: `违反${spec.label.replace(/局$/, '')}有关规定`,
      party: { kind: 'ORGANIZATION', name: `潍坊某${spec.label.slice(0, 2)}有限公司`, idNumber: creditCode(region, `MA${String(spec.port).padStart(7, '0')}`) },
      amountInvolved: 20000, fineAmount: 10000, decidedAt: '2026-09-01T02:00:00Z', region,
    }],
  };
}

/** Writes every file of the new agency into the repository at `root`; returns the paths it wrote. */
export function scaffoldAgency(root: string, input: AgencySpec): string[] {
  const file = (path: string) => join(root, path);
  if (!AGENCY_NAME.test(input.name)) throw new Error(`kind ${input.name}: kebab-case, e.g. culture-tourism`);
  const registryText = readFileSync(file('schema/agencies.json'), 'utf8');
  const registry = parseAgencyRegistry(JSON.parse(registryText));
  if (registry.some((k) => k.name === input.name)) throw new Error(`agency ${input.name} is already in schema/agencies.json`);
  const folder = `subgraphs/agencies/${input.name}`;
  if (existsSync(file(folder))) throw new Error(`${folder} exists already`);
  const composeText = readFileSync(file('docker-compose.yml'), 'utf8');
  const prefix = input.prefix ?? input.name.split('-').map((w) => w[0]).join('').toUpperCase().padEnd(2, 'X');
  if (registry.some((k) => k.bureauPrefix === prefix)) throw new Error(`bureau prefix ${prefix} is taken: give --prefix`);
  const spec: Required<AgencySpec> = { ...input, prefix, port: input.port ?? nextFreePort(root, composeText) };
  const problems = ownFieldProblems(spec.fields);
  if (problems.length) throw new Error(problems.join('\n'));

  const last = registry.at(-1)!;
  const lastPort = Number(readFileSync(file(`subgraphs/agencies/${last.name}/index.ts`), 'utf8').match(/defaultPort: (\d+)/)![1]);
  const written: string[] = [];
  const write = (path: string, text: string) => { writeFileSync(file(path), text); written.push(path); };

  mkdirSync(file(folder), { recursive: true });
  for (const [name, text] of Object.entries(agencyFiles(spec))) write(`${folder}/${name}`, text);
  write('schema/agencies.json', registryText.replace(/\n  \]\n\}\s*$/, `,\n${registryEntry(spec)}\n  ]\n}\n`));
  write('subgraphs/index.ts', indexWith(readFileSync(file('subgraphs/index.ts'), 'utf8'), last.name, spec.name));
  const newCompose = composeWith(composeText, { name: last.name, port: lastPort }, spec);
  write('docker-compose.yml', newCompose);
  // The Kubernetes manifests are made from the compose file (scripts/kubernetes.ts).
  write(MANIFEST_FILE, renderManifests(newCompose));
  const demoPath = 'scripts/demo-agencies.json';
  const demo = JSON.parse(readFileSync(file(demoPath), 'utf8'));
  demo.agencies.push(demoEntry(spec));
  write(demoPath, `${JSON.stringify(demo, null, 2)}\n`);
  // The registry must now read back with the new agency, named as the issue's convention says.
  const added = parseAgencyRegistry(JSON.parse(readFileSync(file('schema/agencies.json'), 'utf8'))).find((k) => k.name === spec.name);
  if (added?.kind !== kindOf(spec.name) || added.caseType !== caseTypeOf(spec.name)) throw new Error('schema/agencies.json: the new entry did not read back');
  return written;
}

function parseArgs(argv: string[]): AgencySpec {
  const [name, ...rest] = argv;
  const spec: AgencySpec = { name, label: '', fields: [] };
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--name') spec.label = value;
    else if (flag === '--prefix') spec.prefix = value;
    else if (flag === '--port') spec.port = Number(value);
    else if (flag === '--field') spec.fields.push(parseFieldSpec(value));
    else throw new Error(`unknown option ${flag}`);
  }
  if (!name || !spec.label) throw new Error('usage: npm run agency:new -- <kind> --name <中文名> [--prefix XX] [--port N] [--field name:type:标签[:VALUE=标签,…]]…');
  return spec;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const spec = parseArgs(process.argv.slice(2));
    const written = scaffoldAgency(fileURLToPath(new URL('..', import.meta.url)), spec);
    console.log(`${caseTypeOf(spec.name)} (bureaus of kind ${kindOf(spec.name)}): wrote\n  ${written.join('\n  ')}\nnext: npm run compose, then its tests`);
  } catch (error) {
    console.error(`agency:new: ${(error as Error).message}`);
    process.exit(1);
  }
}
