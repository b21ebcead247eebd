import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type Caller, type TestHub } from './support/hub';
import { callers, deliverNotice, marketCaseInput } from './support/fixtures';
import { maskIdNumber } from '../kit/personal-data';
import { parseManifest } from '../gateway/trusted-documents';
import { collect, register } from '../scripts/operations-register';
import { launchChromium, offlinePage } from './support/browser';

// The gateway under TRUSTED_DOCUMENTS=only with a manifest made by `npm run operations:register`
// from a client's .graphql files: registered operations run by their hash through the same
// pipeline as any query (authorization, masking, audit); free text and unknown hashes are refused
// before parsing, and the refusals are in the audit log.

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const CONSOLE_OPERATIONS = `
query CaseParty($id: ID!) { case(id: $id) { id caseNumber party { ...PartyIdentity } } }
query AgencyCodes { agencies { code } }
`;
const FRAGMENTS = 'fragment PartyIdentity on Party { name idNumber }';
const SEED_OPERATIONS = `
mutation RegisterBureau($input: AgencyInput!) { registerAgency(input: $input) { code } }
mutation RecordMarketCase($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id } }
`;

let hub: TestHub;
let dir: string;
let ids: Record<string, string>;
let caseId: string;
let caseNumber: string;
let casePageId: string;
/** The console's live inbox (gateway/console/views.js), registered from its module like its queries. */
let inboxLiveId: string;
const party = marketCaseInput().party as { idNumber: string };

async function send(body: unknown, caller: Caller = { role: 'public' }, init: { method?: 'GET'; search?: URLSearchParams } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (caller.role !== 'public') headers.authorization = `Bearer ${await hub.tokenFor(caller)}`;
  if (caller.reason) headers['x-access-reason'] = encodeURIComponent(caller.reason);
  const response = init.method === 'GET'
    ? await fetch(`${hub.gatewayUrl}/graphql?${init.search}`, { headers: { ...headers, 'apollo-require-preflight': 'true' } })
    : await fetch(`${hub.gatewayUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; path?: unknown[]; extensions?: Record<string, any> }[] } };
}
const persisted = (name: string) => ({ persistedQuery: { version: 1, sha256Hash: ids[name] } });
const run = (name: string, variables?: Record<string, unknown>, caller?: Caller) => send({ variables, extensions: persisted(name) }, caller);

/** The gateway's audit entries of one document hash (the gateway's own database). */
async function auditedRefusals(documentHash: string) {
  const db = await hub.ownerDatabase('gateway');
  try {
    return (await db.query<{ coordinate: string; decision: string; role: string }>(
      'SELECT coordinate, decision, role FROM audit_log WHERE document_hash = $1', [documentHash])).rows;
  } finally { await db.end(); }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trusted-documents-'));
  mkdirSync(join(dir, 'console'));
  writeFileSync(join(dir, 'console', 'cases.graphql'), CONSOLE_OPERATIONS);
  writeFileSync(join(dir, 'console', 'fragments.graphql'), FRAGMENTS);
  writeFileSync(join(dir, 'seed.graphql'), SEED_OPERATIONS);
  const manifest = join(dir, 'trusted-documents.json');
  // What `npm run operations:register` does (its command line: test/trusted-documents-unit.test.ts), in process.
  const forConsole = register({ operations: {} }, 'console', collect([join(dir, 'console')]).operations, new Date());
  const seed = collect([join(dir, 'seed.graphql')]);
  expect([...forConsole.added, ...seed.operations].length).toBe(4);
  const withSeed = register(forConsole.manifest, 'seed', seed.operations, new Date()).manifest;
  ids = Object.fromEntries(Object.entries(withSeed.operations).map(([id, op]) => [op.name, id]));
  expect(Object.keys(ids).sort()).toEqual(['AgencyCodes', 'CaseParty', 'RecordMarketCase', 'RegisterBureau']);
  // And the reference console's own operations, registered from its modules as the README says.
  const referenceConsole = collect([join(__dirname, '..', 'gateway', 'console')]);
  expect(referenceConsole.refusals).toEqual([]);
  writeFileSync(manifest, JSON.stringify(register(withSeed, 'console', referenceConsole.operations, new Date()).manifest, null, 2));
  casePageId = referenceConsole.operations.find((op) => op.name === 'CasePage')!.id;
  inboxLiveId = referenceConsole.operations.find((op) => op.name === 'InboxLive')!.id;
  parseManifest(JSON.parse(readFileSync(manifest, 'utf8')));

  hub = await startHub({ env: { TRUSTED_DOCUMENTS: 'only', TRUSTED_DOCUMENTS_FILE: manifest } });
  const bureau = await run('RegisterBureau', { input: { code: 'MR-320706', name: '连云港市海州区市场监督管理局', kind: 'MARKET_REGULATION', region: '320706' } }, callers.admin);
  expect(bureau.body.errors).toBeUndefined();
  const input = marketCaseInput({ party });
  caseNumber = input.caseNumber;
  const recorded = await run('RecordMarketCase', { input }, callers.marketOfficer);
  expect(recorded.body.errors).toBeUndefined();
  caseId = recorded.body.data.createMarketRegulationCase.id;
  await eventually(async () => ((await run('CaseParty', { id: caseId }, callers.procurator)).body.data?.case ? true : undefined), 15_000, 'the case in the index');
}, 180_000);

afterAll(async () => {
  await hub?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('TRUSTED_DOCUMENTS=only', () => {
  it('runs a registered operation by its hash, through the same authorization and masking as any query', async () => {
    const full = await run('CaseParty', { id: caseId }, { ...callers.procurator, reason: '立案监督审查' });
    expect(full.status).toBe(200);
    expect(full.body.errors).toBeUndefined();
    expect(full.body.data.case.party.idNumber).toBe(party.idNumber);

    const masked = await run('CaseParty', { id: caseId }, callers.procurator); // no stated reason
    expect(masked.body.data.case.party.idNumber).toBe(maskIdNumber(party.idNumber));

    // Registered is not privileged: `public` asking for an ID number still gets nothing of it.
    const anonymous = await run('CaseParty', { id: caseId });
    expect(JSON.stringify(anonymous.body)).not.toContain(party.idNumber.slice(6, 14));
    expect(anonymous.body.data?.case?.party?.idNumber ?? null).toBeNull();
    expect(anonymous.body.errors?.map((e) => e.extensions?.code)).toContain('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('takes the text with its hash when they match, and refuses a hash with another text', async () => {
    const body = JSON.parse(readFileSync(join(dir, 'trusted-documents.json'), 'utf8')).operations[ids.AgencyCodes].body as string;
    const same = await send({ query: body, extensions: persisted('AgencyCodes') });
    expect(same.body.data.agencies.map((a: { code: string }) => a.code)).toContain('MR-320706');

    const other = await send({ query: '{ agencies { code name region } }', extensions: persisted('AgencyCodes') });
    expect(other.status).toBe(400);
    expect(other.body).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' } })] });
  });

  it('refuses free text (403 OPERATION_NOT_TRUSTED) before it runs, and audits the refusal', async () => {
    const mutation = `mutation { registerAgency(input: { code: "MR-370705", name: "潍坊市奎文区市场监督管理局", kind: "MARKET_REGULATION", region: "370705" }) { code } }`;
    const refused = await send({ query: mutation }, callers.admin);
    expect(refused.status).toBe(403);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'OPERATION_NOT_TRUSTED' } })]);
    // Nothing was written: the bureau is not in the directory.
    expect((await run('AgencyCodes')).body.data.agencies.map((a: { code: string }) => a.code)).not.toContain('MR-370705');
    const entries = await eventually(async () => { const rows = await auditedRefusals(sha256(mutation)); return rows.length ? rows : undefined; }, 10_000, 'the refusal in the audit log');
    expect(entries).toEqual([{ coordinate: 'Operation.OPERATION_NOT_TRUSTED', decision: 'denied', role: 'platform_admin' }]);

    // Refused before parsing: an unparsable text far over the token limit meets the same refusal.
    const huge = await send({ query: `{ ${'agencies { code } '.repeat(5000)}` });
    expect(huge.status).toBe(403);
    expect(huge.body.errors?.map((e) => e.extensions?.code)).toEqual(['OPERATION_NOT_TRUSTED']);
  });

  it('refuses a hash it does not know (400 PERSISTED_QUERY_NOT_FOUND), audited under that hash', async () => {
    const unknown = sha256('query Unknown { agencies { code name } }');
    const refused = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: unknown } } }, callers.procurator);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } })]);
    const entries = await eventually(async () => { const rows = await auditedRefusals(unknown); return rows.length ? rows : undefined; }, 10_000, 'the refusal in the audit log');
    expect(entries).toEqual([{ coordinate: 'Operation.PERSISTED_QUERY_NOT_FOUND', decision: 'denied', role: 'procurator' }]);
  });

  it('GET: a registered hash runs, free text is refused', async () => {
    const byHash = await send(undefined, { ...callers.procurator, reason: '立案监督审查' }, {
      method: 'GET', search: new URLSearchParams({ variables: JSON.stringify({ id: caseId }), extensions: JSON.stringify(persisted('CaseParty')) }),
    });
    expect(byHash.status).toBe(200);
    expect(byHash.body.data.case.party.idNumber).toBe(party.idNumber);

    const free = await send(undefined, callers.procurator, { method: 'GET', search: new URLSearchParams({ query: '{ agencies { code } }' }) });
    expect(free.status).toBe(403);
    expect(free.body.errors?.[0].extensions?.code).toBe('OPERATION_NOT_TRUSTED');
  });
});

const notify = (org: string, title: string) => deliverNotice(hub, { org }, { title });

/** Opens a subscription over SSE; answers the refusal, or the stream's first result (then closes it). */
async function subscribeOnce(body: unknown, caller: Caller): Promise<{ status: number; refusal?: any; first?: any }> {
  const controller = new AbortController();
  const response = await fetch(`${hub.gatewayUrl}/graphql`, {
    method: 'POST', signal: controller.signal, body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${await hub.tokenFor(caller)}` },
  });
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return { status: response.status, refusal: await response.json() };
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      const next = /event: next\ndata: (.*)\n\n/.exec(buffered);
      if (next) return { status: response.status, first: JSON.parse(next[1]) };
    }
  } finally { controller.abort(); }
  return { status: response.status };
}

describe('subscriptions under TRUSTED_DOCUMENTS=only', () => {
  it('streams a registered subscription by its hash, and refuses one sent as text (403 OPERATION_NOT_TRUSTED, audited)', async () => {
    const byHash = await subscribeOnce({ variables: {}, extensions: { persistedQuery: { version: 1, sha256Hash: inboxLiveId } } }, callers.marketOfficer);
    expect(byHash.status).toBe(200);
    expect(byHash.first.errors).toBeUndefined();
    expect(typeof byHash.first.data.inbox.unreadCount).toBe('number');

    const text = 'subscription Mine { inboxChanged(first: 50) { unreadCount edges { node { id title } } } }';
    const free = await subscribeOnce({ query: text }, callers.marketOfficer);
    expect(free.status).toBe(403);
    expect(free.refusal.errors).toEqual([expect.objectContaining({ extensions: { code: 'OPERATION_NOT_TRUSTED' } })]);
    const entries = await eventually(async () => { const rows = await auditedRefusals(sha256(text)); return rows.length ? rows : undefined; }, 10_000, 'the refusal in the audit log');
    expect(entries).toEqual([{ coordinate: 'Operation.OPERATION_NOT_TRUSTED', decision: 'denied', role: 'agency_officer' }]);

    // An unknown hash is refused as for a query.
    const unknown = await subscribeOnce({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(text) } } }, callers.marketOfficer);
    expect(unknown.status).toBe(400);
    expect(unknown.refusal.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it("the console's open inbox is pushed a new notice by its registered subscription, not polled", async () => {
    const browser = await launchChromium();
    try {
      const origin = new URL(hub.gatewayUrl).origin;
      const { page, aborted, errors } = await offlinePage(browser, [origin]);
      const sent: Record<string, unknown>[] = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/graphql' && request.method() === 'POST') sent.push(JSON.parse(request.postData() ?? '{}'));
      });
      await page.goto(`${origin}/console#/inbox`);
      await page.locator('#token').fill(await hub.tokenFor(callers.marketOfficer));
      await page.getByRole('button', { name: '登录' }).click();
      // Streaming, not polling: the view says which it does.
      await page.locator('#inbox-items[data-live="live"]').waitFor();
      const before = sent.length;

      await notify('MR-320706', '检察建议书已送达（可信文档）');
      await page.locator('#inbox-items li.unread', { hasText: '检察建议书已送达（可信文档）' }).waitFor({ timeout: 15_000 });
      // Nothing was asked again: the notice came down the open stream.
      expect(sent.length).toBe(before);
      expect(await page.locator('#inbox-items[data-live="live"]').count()).toBe(1);
      // The stream was opened by the subscription's hash; no operation text left the browser.
      expect(sent.map((b) => (b.extensions as { persistedQuery?: { sha256Hash?: string } })?.persistedQuery?.sha256Hash)).toContain(inboxLiveId);
      for (const body of sent) expect(body.query).toBeUndefined();
      expect(aborted).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

describe('the reference console under TRUSTED_DOCUMENTS=only', () => {
  it('signs in, lists the cases and opens the case graph by registered hashes alone: no operation text leaves the browser', async () => {
    const browser = await launchChromium();
    try {
      const origin = new URL(hub.gatewayUrl).origin;
      const { page, aborted, errors } = await offlinePage(browser, [origin]);
      const sent: Record<string, unknown>[] = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/graphql' && request.method() === 'POST') sent.push(JSON.parse(request.postData() ?? '{}'));
      });
      // The case page's one query is planned once per document and role, which takes seconds on a
      // busy machine (test/console.test.ts says why): planned here by the same hash the browser sends.
      await eventually(async () => {
        const warm = await send({ variables: { id: caseId }, extensions: { persistedQuery: { version: 1, sha256Hash: casePageId } } }, callers.procurator);
        return warm.body.data?.case?.caseNumber === caseNumber ? true : undefined;
      }, 60_000, 'the case page planned');
      await page.goto(`${origin}/console`);
      await page.locator('#token').fill(await hub.tokenFor(callers.procurator));
      await page.getByRole('button', { name: '登录' }).click();
      await page.locator('#viewer').getByText('检察官 · PROC-320706 · 320706').waitFor();
      await page.locator('#total').getByText('共 1 件').waitFor();
      await page.getByRole('link', { name: caseNumber }).click();
      await page.locator('svg.case-graph g[data-node="party"]').waitFor();
      expect(await page.locator('.error').count()).toBe(0);
      // Viewer, the case list and the case page at least; each by its hash, none as text.
      expect(sent.length).toBeGreaterThanOrEqual(3);
      for (const body of sent) {
        expect(body.query).toBeUndefined();
        expect((body.extensions as { persistedQuery?: { sha256Hash?: string } })?.persistedQuery?.sha256Hash).toMatch(/^[0-9a-f]{64}$/);
      }
      expect(aborted).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
