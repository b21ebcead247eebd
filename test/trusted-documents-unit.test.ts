import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeTrusted, parseManifest, trustedDocumentsFromEnv, type TrustedDocuments } from '../gateway/trusted-documents';
import { collect, embeddedOperations, register } from '../scripts/operations-register';
import { CONSOLE_CLIENT, consoleOperations } from '../gateway/console/index';

// Pure: the register command's hashing and refusals, and the gateway's verdict per mode. No hub.

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const dir = mkdtempSync(join(tmpdir(), 'trusted-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => { const path = join(dir, name); writeFileSync(path, text); return path; };

const CASE_PARTY = `query CaseParty($id: ID!) { case(id: $id) { caseNumber party { ...PartyFields } } }`;
const FRAGMENT = `fragment PartyFields on Party { name idNumber }`;

describe('operations:register: ids, fragments, refusals', () => {
  it('names each operation by the sha256 of its printed text, with the fragments it uses from any file', () => {
    const ops = file('ops.graphql', `${CASE_PARTY}\nquery Agencies { agencies { code name } }`);
    const fragments = file('fragments.graphql', FRAGMENT);
    const { operations, refusals } = collect([ops, fragments]);
    expect(refusals).toEqual([]);
    expect(operations.map((o) => o.name)).toEqual(['CaseParty', 'Agencies']);
    for (const op of operations) expect(op.id).toBe(sha256(op.body));
    const caseParty = operations.find((o) => o.name === 'CaseParty')!;
    expect(caseParty.body).toContain('fragment PartyFields on Party');
    expect(operations.find((o) => o.name === 'Agencies')!.body).not.toContain('fragment');
    // Whitespace and commas do not make another operation: the printed form is hashed.
    const respaced = collect([file('respaced.graphql', `${CASE_PARTY.replace(/ /g, '  ')}\n${FRAGMENT}`)]).operations;
    expect(respaced[0].id).toBe(caseParty.id);
  });

  it.each([
    ['an unknown field', 'query Bad { agencies { nope } }', /bad\.graphql: Bad: Cannot query field "nope" on type "Agency"\..* \(line 1, column 24\)/],
    ['a syntax error', 'query Broken { agencies { code }', /bad\.graphql: Syntax Error: Expected Name, found <EOF>/],
    ['an anonymous operation', '{ agencies { code } }', /bad\.graphql: an anonymous query: give each operation a name/],
    ['a subscription of a field type Subscription does not have', 'subscription Live { agencies { code } }', /bad\.graphql: Live: Cannot query field "agencies" on type "Subscription"/],
    ['a subscription the gateway cannot serve (its field not selected directly)', 'subscription Live { ... on Subscription { inboxChanged { unreadCount } } }', /bad\.graphql: Live: A subscription selects exactly one field of type Subscription/],
    ['a missing variable type', 'query V($id: Nope!) { case(id: $id) { id } }', /bad\.graphql: V: Unknown type "Nope"/],
    ['a file without operations or fragments', 'type Extra { a: Int }', /bad\.graphql: no operation in it/],
  ])('refuses %s, naming the file and the error', (_, text, message) => {
    const good = file('good.graphql', 'query Fine { agencies { code } }');
    const { refusals } = collect([good, file('bad.graphql', text)]);
    expect(refusals).toHaveLength(1);
    expect(`${refusals[0].file}: ${refusals[0].error}`).toMatch(message);
  });

  it('registers a subscription the gateway serves over SSE, as the console\'s live views send it', () => {
    const { operations, refusals } = collect([file('live.graphql', 'subscription InboxLive($after: String) { inbox: inboxChanged(first: 20, after: $after) { unreadCount } }')]);
    expect(refusals).toEqual([]);
    expect(operations.map((o) => o.name)).toEqual(['InboxLive']);
    expect(operations[0].body).toMatch(/^subscription InboxLive/);
  });

  it('is idempotent: a known text keeps its first registration; another client is added to it', () => {
    const { operations } = collect([file('one.graphql', 'query One { agencies { code } }')]);
    const first = register({ operations: {} }, 'console', operations, new Date('2026-09-01T00:00:00Z'));
    expect(first.added.map((o) => o.name)).toEqual(['One']);
    const again = register(first.manifest, 'console', operations, new Date('2026-10-01T00:00:00Z'));
    expect(again.added).toEqual([]);
    expect(again.known.map((o) => o.name)).toEqual(['One']);
    expect(again.manifest).toEqual(first.manifest);
    const other = register(again.manifest, 'mobile', operations, new Date('2026-10-01T00:00:00Z'));
    expect(other.manifest.operations[operations[0].id]).toEqual({ name: 'One', clients: ['console', 'mobile'], registeredAt: '2026-09-01T00:00:00.000Z', body: operations[0].body });
  });

  it('the command writes nothing when one operation is refused, and prints what it added', async () => {
    const run = promisify(execFile);
    const manifest = join(dir, 'cli-manifest.json');
    const good = file('cli-good.graphql', 'query CliGood { agencies { code } }');
    const bad = file('cli-bad.graphql', 'query CliBad { agencies { nope } }');
    const refused = await run(process.execPath, ['--import', 'tsx', 'scripts/operations-register.ts', '--client', 'console', '--manifest', manifest, good, bad]).catch((e) => e);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('cli-bad.graphql: CliBad: Cannot query field "nope"');
    expect(existsSync(manifest)).toBe(false);
    const ok = await run(process.execPath, ['--import', 'tsx', 'scripts/operations-register.ts', '--client', 'console', '--manifest', manifest, good]);
    const id = Object.keys(parseManifest(JSON.parse(readFileSync(manifest, 'utf8'))).operations)[0];
    expect(ok.stdout).toContain(`added     ${id}  CliGood`);
  }, 30_000);
});

describe('the gateway verdict per mode (before any GraphQL parsing)', () => {
  const body = 'query Agencies {\n  agencies {\n    code\n  }\n}';
  const id = sha256(body);
  const documents = (mode: TrustedDocuments['mode']): TrustedDocuments =>
    ({ mode, operations: new Map([[id, { name: 'Agencies', clients: ['console'], registeredAt: '2026-09-01T00:00:00.000Z', body }]]) });
  const persisted = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });
  const free = '{ agencies { code name } }';
  const unknown = 'b'.repeat(64);

  it.each([
    // mode, request, expected verdict (kind and code / query run)
    ['off', { query: free }, { kind: 'pass' }],
    ['off', { extensions: persisted(id) }, { kind: 'pass' }],
    ['only', { query: free }, { kind: 'refuse', status: 403, code: 'OPERATION_NOT_TRUSTED', documentHash: sha256(free) }],
    ['only', { extensions: persisted(id) }, { kind: 'run', request: { query: body } }],
    ['only', { query: body, extensions: persisted(id), variables: { a: 1 } }, { kind: 'run', request: { query: body, variables: { a: 1 } } }],
    ['only', { query: free, extensions: persisted(id) }, { kind: 'refuse', status: 400, code: 'PERSISTED_QUERY_HASH_MISMATCH' }],
    ['only', { extensions: persisted(unknown) }, { kind: 'refuse', status: 400, code: 'PERSISTED_QUERY_NOT_FOUND', documentHash: unknown }],
    ['only', { query: free, extensions: persisted(sha256(free)) }, { kind: 'refuse', status: 400, code: 'PERSISTED_QUERY_NOT_FOUND' }],
    ['only', { extensions: { persistedQuery: { version: 2, sha256Hash: id } } }, { kind: 'refuse', status: 400, code: 'PERSISTED_QUERY_INVALID' }],
    ['only', { extensions: persisted(id.toUpperCase()) }, { kind: 'refuse', status: 400, code: 'PERSISTED_QUERY_INVALID' }],
    ['only', {}, { kind: 'pass' }],
    ['allow-unregistered', { query: free }, { kind: 'pass' }],
    ['allow-unregistered', { extensions: persisted(id) }, { kind: 'run', request: { query: body } }],
    ['allow-unregistered', { query: free, extensions: persisted(sha256(free)) }, { kind: 'run', request: { query: free } }],
    ['allow-unregistered', { extensions: persisted(unknown) }, { kind: 'refuse', status: 400, code: 'PERSISTED_QUERY_NOT_FOUND' }],
    ['allow-unregistered', { query: free, extensions: persisted(id) }, { kind: 'refuse', status: 400, code: 'PERSISTED_QUERY_HASH_MISMATCH' }],
  ] as const)('%s: %j → %j', (mode, request, expected) => {
    const verdict = judgeTrusted(documents(mode), request as Record<string, unknown>);
    expect(verdict).toMatchObject(expected);
    // What runs carries no persistedQuery left: the pipeline judges the text alone.
    if (verdict.kind === 'run') expect(verdict.request.extensions).toBeUndefined();
  });

  it('a manifest entry whose id is not the hash of its body is refused at start', () => {
    expect(() => parseManifest({ operations: { [id]: { body: `${body} ` } } }, 'm.json')).toThrow(`m.json: operation ${id} is not the sha256 of its body`);
    const path = join(dir, 'tampered.json');
    writeFileSync(path, JSON.stringify({ operations: { [unknown]: { name: 'X', clients: [], registeredAt: '', body } } }));
    expect(() => trustedDocumentsFromEnv({ TRUSTED_DOCUMENTS: 'only', TRUSTED_DOCUMENTS_FILE: path })).toThrow(/not the sha256 of its body/);
  });

  it('only and allow-unregistered need a readable manifest; off reads none', () => {
    const missing = join(dir, 'missing.json');
    expect(() => trustedDocumentsFromEnv({ TRUSTED_DOCUMENTS: 'only', TRUSTED_DOCUMENTS_FILE: missing })).toThrow(`TRUSTED_DOCUMENTS=only: cannot read the manifest ${missing}`);
    expect(trustedDocumentsFromEnv({ TRUSTED_DOCUMENTS_FILE: missing }).mode).toBe('off');
    expect(trustedDocumentsFromEnv({}, join(__dirname, '..')).operations.size).toBe(0);
  });
});

describe('a client without a build step registers the operations its modules hold', () => {
  it('reads named operations from string and template literals, and refuses one built at run time', () => {
    const script = [
      "const VIEWER = 'query Viewer { viewer { role } }';",
      'const CASES = /* GraphQL */ `query Cases($first: Int) {\n  cases(first: $first) { totalCount }\n}`;',
      "// the caller's query is not an operation, nor is 'query' alone",
      'const BUILT = `query Built { case(id: "${id}") { id } }`;',
    ].join('\n');
    const { text, dynamic } = embeddedOperations(script);
    expect(text).toContain('query Viewer { viewer { role } }');
    expect(text).toContain('query Cases($first: Int)');
    expect(text).not.toContain('Built');
    expect(dynamic).toEqual(['Built']);
    const path = file('view.js', script);
    const { operations, refusals } = collect([path]);
    expect(operations.map((o) => o.name).sort()).toEqual(['Cases', 'Viewer']);
    expect(refusals).toEqual([{ file: path, error: expect.stringMatching(/^Built is built at run time/) }]);
  });

  it('--prune leaves the client exactly its current operations: a text it no longer sends loses it, and goes when no client is left', () => {
    const ops = (text: string) => collect([file(`p-${sha256(text).slice(0, 8)}.graphql`, text)]).operations;
    const [old] = ops('query Old { viewer { role } }');
    const [kept] = ops('query Kept { viewer { org } }');
    const [shared] = ops('query Shared { viewer { region } }');
    let manifest = register({ operations: {} }, 'console', [old, kept, shared], new Date('2026-09-01T00:00:00Z')).manifest;
    manifest = register(manifest, 'mobile', [shared], new Date('2026-09-02T00:00:00Z')).manifest;
    const next = register(manifest, 'console', [kept], new Date('2026-10-01T00:00:00Z'), { prune: true });
    expect(next.pruned.sort()).toEqual([old.id, shared.id].sort());
    expect(Object.keys(next.manifest.operations).sort()).toEqual([kept.id, shared.id].sort());
    expect(next.manifest.operations[shared.id].clients).toEqual(['mobile']);
    expect(next.manifest.operations[kept.id].registeredAt).toBe('2026-09-01T00:00:00.000Z');
  });

  it('the committed manifest holds exactly the reference console\'s operations, as the console sends them (drift check)', () => {
    const { operations, refusals } = collect([join(__dirname, '..', 'gateway', 'console')]);
    expect(refusals).toEqual([]);
    const manifest = parseManifest(JSON.parse(readFileSync(join(__dirname, '..', 'schema', 'trusted-documents.json'), 'utf8')));
    const registered = Object.entries(manifest.operations).filter(([, entry]) => entry.clients.includes(CONSOLE_CLIENT)).map(([id]) => id).sort();
    // Out of date: npm run operations:register -- --client console --prune gateway/console
    expect(registered).toEqual([...new Set(operations.map((o) => o.id))].sort());
    // What the gateway tells the console under `only`: an id for every operation name the console sends.
    const told = consoleOperations({ mode: 'only', operations: new Map(Object.entries(manifest.operations)) });
    expect(told.trusted).toBe(true);
    for (const op of operations) expect(told.ids[op.name], op.name).toBe(op.id);
    expect(consoleOperations({ mode: 'off', operations: new Map() })).toEqual({ trusted: false, ids: {} });
  });
});
