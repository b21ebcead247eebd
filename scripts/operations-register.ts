// npm run operations:register -- --client <name> [--manifest <path>] [--prune] <files or folders of .graphql or .js>
//
// Registers a client's operations as trusted documents (gateway/trusted-documents.ts): each named
// operation of each file, with the fragments it uses, printed in graphql-js's canonical form; its
// id is the sha256 (hex) of that text, which the client sends as
// `extensions.persistedQuery { version: 1, sha256Hash }`. An operation that does not validate
// against the API as clients see it (schema/api.graphql) is refused, naming its file and error,
// and then nothing is written. Registering again is harmless: a known text is left as it is.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema, GraphQLError, Kind, parse, print, specifiedRules, validate, visit,
  type DefinitionNode, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';
import { DEFAULT_MANIFEST_PATH, documentId, readManifest, type TrustedManifest } from '../gateway/trusted-documents';
import { GATEWAY_VALIDATION_RULES } from '../gateway/validation';
import { deriveQuery } from '../gateway/subscriptions/document';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const API_SCHEMA_FILE = join(ROOT, 'schema/api.graphql');

/** One operation ready to register: the text its id is the hash of. */
export interface ClientOperation { id: string; name: string; body: string; file: string }

export interface Refusal { file: string; error: string }

/** The .graphql files named (and .js modules with operations in them), folders searched to any depth, in a stable order. */
export function graphqlFiles(paths: string[]): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) walk(join(path, entry));
    } else if (path.endsWith('.graphql') || path.endsWith('.gql') || path.endsWith('.js') || path.endsWith('.mjs')) {
      found.push(path);
    }
  };
  for (const path of paths) walk(path);
  return found;
}

/** A string or template literal in a script whose text is a named operation or a fragment. */
const EMBEDDED = /(['`])\s*((?:query|mutation|subscription|fragment)\s+[_A-Za-z][_0-9A-Za-z]*[\s\S]*?)\1/g;

/**
 * The GraphQL documents a JavaScript module holds as literals (`/* GraphQL *\/ \`query CaseList …\``,
 * `'query Viewer { … }'`), joined into one document: a client without a build step (the reference
 * console) keeps its operations in its modules and registers them from there. A literal built at
 * run time (`${…}` in it) cannot be registered and is refused by name.
 */
export function embeddedOperations(script: string): { text: string; dynamic: string[] } {
  const texts: string[] = [];
  const dynamic: string[] = [];
  for (const match of script.matchAll(EMBEDDED)) {
    const [, quote, text] = match;
    if (quote === '`' && text.includes('${')) dynamic.push(/^\s*\w+\s+(\w+)/.exec(text)?.[1] ?? '?');
    else texts.push(text);
  }
  return { text: texts.join('\n'), dynamic };
}

/** A file's GraphQL: a .graphql file as it is, a script's embedded operations (see embeddedOperations). */
function graphqlTextOf(file: string): { text: string; refusals: Refusal[] } {
  const raw = readFileSync(file, 'utf8');
  if (!/\.m?js$/.test(file)) return { text: raw, refusals: [] };
  const { text, dynamic } = embeddedOperations(raw);
  return { text, refusals: dynamic.map((name) => ({ file, error: `${name} is built at run time (\${…} in its text): write it out to register it` })) };
}

/** The fragments `operation` spreads, directly or through other fragments, in the file's order. */
function fragmentsUsed(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const used = new Set<string>();
  const visitSpreads = (node: OperationDefinitionNode | FragmentDefinitionNode) => visit(node, {
    FragmentSpread(spread) {
      const name = spread.name.value;
      if (used.has(name) || !fragments.has(name)) return;
      used.add(name);
      visitSpreads(fragments.get(name)!);
    },
  });
  visitSpreads(operation);
  return [...fragments.values()].filter((f) => used.has(f.name.value));
}

/**
 * Each named operation of one file's text, with its fragments, validated against `schema` (the
 * graphql-js rules and the gateway's own: no 1e309, no impossible DateTime). A subscription must
 * be one the gateway serves over Server-Sent Events (gateway/subscriptions/document.ts: one field
 * of type Subscription, selected directly), so that a registered one never fails when opened.
 * Fragments may come from the other files registered together (`shared`).
 */
export function operationsOf(file: string, text: string, schema: GraphQLSchema, shared: Map<string, FragmentDefinitionNode> = new Map()):
  { operations: ClientOperation[]; refusals: Refusal[] } {
  let document: DocumentNode;
  try { document = parse(text); } catch (error) {
    return { operations: [], refusals: [{ file, error: describe(error) }] };
  }
  const fragments = new Map(shared);
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const operations: ClientOperation[] = [];
  const refusals: Refusal[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    // A name is how a team finds its operation in the manifest and an auditor in the log.
    if (!definition.name) { refusals.push({ file, error: `an anonymous ${definition.operation}: give each operation a name` }); continue; }
    const name = definition.name.value;
    const single: DocumentNode = { kind: Kind.DOCUMENT, definitions: [definition, ...fragmentsUsed(definition, fragments)] as DefinitionNode[] };
    const errors = validate(schema, single, [...specifiedRules, ...GATEWAY_VALIDATION_RULES]);
    if (errors.length) { refusals.push(...errors.map((e) => ({ file, error: `${name}: ${describe(e)}` }))); continue; }
    const body = print(single);
    if (definition.operation === 'subscription') {
      try { deriveQuery(body, name); } catch (error) { refusals.push({ file, error: `${name}: ${describe(error)}` }); continue; }
    }
    operations.push({ id: documentId(body), name, body, file });
  }
  // A file of fragments only serves the others; a file with neither is a mistake worth naming.
  const hasFragment = document.definitions.some((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  if (!operations.length && !refusals.length && !hasFragment) refusals.push({ file, error: 'no operation in it' });
  return { operations, refusals };
}

function describe(error: unknown): string {
  if (error instanceof GraphQLError) {
    const at = error.locations?.[0];
    return at ? `${error.message} (line ${at.line}, column ${at.column})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export interface Registration { manifest: TrustedManifest; added: ClientOperation[]; known: ClientOperation[]; pruned: string[] }

/**
 * The manifest with `operations` registered for `client` at `now`: a new text is added, a text
 * already there keeps its first registration (another client is added to its `clients`). With
 * `prune`, the client's operations are exactly these: an entry of the client that it no longer
 * sends loses the client, and goes when no client is left (a trusted text nobody sends is only
 * attack surface).
 */
export function register(manifest: TrustedManifest, client: string, operations: ClientOperation[], now: Date, options: { prune?: boolean } = {}): Registration {
  const next: TrustedManifest = { operations: { ...manifest.operations } };
  const pruned: string[] = [];
  if (options.prune) {
    const current = new Set(operations.map((op) => op.id));
    for (const [id, entry] of Object.entries(next.operations)) {
      if (current.has(id) || !entry.clients.includes(client)) continue;
      const clients = entry.clients.filter((c) => c !== client);
      if (clients.length) next.operations[id] = { ...entry, clients };
      else delete next.operations[id];
      pruned.push(id);
    }
  }
  const added: ClientOperation[] = [];
  const known: ClientOperation[] = [];
  for (const op of operations) {
    const existing = next.operations[op.id];
    if (existing) {
      if (!existing.clients.includes(client)) next.operations[op.id] = { ...existing, clients: [...existing.clients, client].sort() };
      if (!known.some((k) => k.id === op.id)) known.push(op);
      continue;
    }
    next.operations[op.id] = { name: op.name, clients: [client], registeredAt: now.toISOString(), body: op.body };
    added.push(op);
  }
  // Sorted by id so that a registration changes only its own lines in a diff.
  next.operations = Object.fromEntries(Object.entries(next.operations).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { manifest: next, added, known, pruned };
}

/** Every operation of `paths`, or every refusal among them (then nothing should be registered). */
export function collect(paths: string[], schemaSdl: string = readFileSync(API_SCHEMA_FILE, 'utf8')): { operations: ClientOperation[]; refusals: Refusal[] } {
  const schema = buildSchema(schemaSdl);
  const files = graphqlFiles(paths);
  if (!files.length) return { operations: [], refusals: [{ file: paths.join(' '), error: 'no .graphql file' }] };
  const read = files.map((file) => ({ file, ...graphqlTextOf(file) }));
  // A script without any operation (a view's helpers) is not a mistake, unlike an empty .graphql file.
  const texts = read.filter(({ file, text }) => text.trim() || !/\.m?js$/.test(file));
  // Fragments may live in a file of their own: every file's fragments are known to every file.
  const shared = new Map<string, FragmentDefinitionNode>();
  for (const { text } of texts) {
    try { for (const d of parse(text).definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) shared.set(d.name.value, d); } catch { /* reported below */ }
  }
  const operations: ClientOperation[] = [];
  const refusals: Refusal[] = read.flatMap((r) => r.refusals);
  for (const { file, text } of texts) {
    const result = operationsOf(file, text, schema, shared);
    operations.push(...result.operations);
    refusals.push(...result.refusals);
  }
  return { operations, refusals };
}

function usage(): never {
  console.error('usage: npm run operations:register -- --client <name> [--manifest <path>] [--prune] <files or folders of .graphql, or of .js modules holding operations>');
  process.exit(2);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  let client: string | undefined;
  let prune = false;
  let manifestPath = resolve(ROOT, DEFAULT_MANIFEST_PATH);
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--client') client = args[++i];
    else if (args[i] === '--manifest') manifestPath = resolve(args[++i] ?? usage());
    else if (args[i] === '--prune') prune = true;
    else paths.push(resolve(args[i]));
  }
  if (!client || !/^[\w.-]{1,100}$/.test(client) || !paths.length) usage();
  const shown = (file: string) => { const rel = relative(process.cwd(), file); return rel && !rel.startsWith('..') ? rel : file; };
  let collected: ReturnType<typeof collect>;
  try { collected = collect(paths); } catch (error) { console.error(String(error instanceof Error ? error.message : error)); process.exit(1); }
  if (collected.refusals.length) {
    for (const r of collected.refusals) console.error(`refused ${shown(r.file)}: ${r.error}`);
    console.error(`nothing registered: ${collected.refusals.length} refused`);
    process.exit(1);
  }
  const { manifest, added, known, pruned } = register(readManifest(manifestPath), client, collected.operations, new Date(), { prune });
  for (const id of pruned) console.log(`pruned    ${id}`);
  for (const op of added) console.log(`added     ${op.id}  ${op.name}  (${shown(op.file)})`);
  for (const op of known) console.log(`unchanged ${op.id}  ${op.name}  (${shown(op.file)})`);
  if (added.length || pruned.length || JSON.stringify(manifest) !== JSON.stringify(readManifest(manifestPath))) {
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  console.log(`${shown(manifestPath)}: ${added.length} added, ${known.length} already registered, for client ${client}`);
}
