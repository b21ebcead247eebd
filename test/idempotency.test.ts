// Idempotent writes (issue 14): a mutation sent with an Idempotency-Key is run once per caller and
// key; a retry — sequential, concurrent, or after the gateway process died and was started again —
// gets the first answer and writes nothing new. Counted where the write lands: the owner's database.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/hub/hub';
import { externalPostgres } from '../scripts/hub/postgres';
import { callers, marketCaseInput, seedBureaus, type Caller } from './support/fixtures';
import { startHub, type TestHub } from './support/hub';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ORIGIN = 'https://console.example.gov.cn';
const CREATE = `mutation Create($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id caseNumber party { name } } }`;

let hub: TestHub;

interface Answer { status: number; replayed: string | null; body: any; trace: string }

async function post(url: string, caller: Caller, body: unknown, key?: string): Promise<Answer> {
  const trace = randomBytes(16).toString('hex');
  const headers: Record<string, string> = {
    'content-type': 'application/json', authorization: `Bearer ${await hub.tokenFor(caller)}`,
    traceparent: `00-${trace}-${randomBytes(8).toString('hex')}-01`,
  };
  if (key !== undefined) headers['idempotency-key'] = key;
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, replayed: response.headers.get('idempotent-replayed'), body: await response.json(), trace };
}

const create = (input: Record<string, unknown>) => ({ query: CREATE, operationName: 'Create', variables: { input } });

/** Cases with this number in the market-regulation bureau's own database. */
async function casesNumbered(caseNumber: string): Promise<number> {
  const db = await hub.ownerDatabase('market-regulation');
  try {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM enforcement_case WHERE case_number = $1`, [caseNumber]);
    return rows[0].n;
  } finally { await db.end(); }
}

async function gatewayDb<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: externalPostgres(inject('postgresAdminUrl')).url(hub.databases.gateway) });
  await client.connect();
  try { return (await client.query(sql, params)).rows; } finally { await client.end(); }
}

/** A gateway process of its own on the hub's databases and subgraphs (as test/audit-kill.test.ts). */
async function startGatewayProcess(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts'], {
    cwd: ROOT, env: { ...hub.environments.gateway, PORT: String(port), GATEWAY_WORKERS: '1', HUB_SUPERVISED: '1' }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gateway did not start:\n${output.slice(-2000)}`)), 60_000);
    child.stderr!.on('data', (d) => { output += d; });
    child.stdout!.on('data', (d) => {
      output += d;
      if (String(d).includes('"event":"listening"')) { clearTimeout(timer); resolve(); }
    });
    child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`the gateway exited (${code ?? signal}):\n${output.slice(-2000)}`)); });
  });
  child.removeAllListeners('exit');
  return child;
}

beforeAll(async () => {
  hub = await startHub({ env: { CORS_ORIGINS: ORIGIN } });
  await seedBureaus(hub);
}, 120_000);
afterAll(() => hub?.stop());

describe('a mutation retried with the same Idempotency-Key', () => {
  it('answers the first result again, marked as replayed, audited as a replay, and creates one case', async () => {
    const key = randomUUID();
    const input = marketCaseInput();
    const first = await post(hub.gatewayUrl, callers.marketOfficer, create(input), key);
    expect(first.status).toBe(200);
    expect(first.body.errors).toBeUndefined();
    expect(first.replayed).toBeNull();
    const again = await post(hub.gatewayUrl, callers.marketOfficer, create(input), key);
    expect(again.status).toBe(200);
    expect(again.replayed).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await casesNumbered(input.caseNumber as string)).toBe(1);
    // The replay released the party's name again: recorded under the replay's trace, tied to the first.
    const entries = await gatewayDb(`SELECT coordinate, entity_id, operation_name FROM audit_log WHERE trace_id = $1 ORDER BY coordinate`, [again.trace]);
    expect(entries).toContainEqual({ coordinate: 'Operation.IDEMPOTENT_REPLAY', entity_id: first.trace, operation_name: 'Create' });
    const firstEntries = await gatewayDb(`SELECT coordinate, entity_id FROM audit_log WHERE trace_id = $1 ORDER BY coordinate`, [first.trace]);
    for (const entry of firstEntries) expect(entries).toContainEqual(expect.objectContaining(entry));
    // Neither the key nor the answer is readable in the gateway's database.
    const stored = await gatewayDb(`SELECT lookup, answer FROM idempotency_record`);
    expect(stored.length).toBeGreaterThan(0);
    for (const row of stored) {
      expect(row.lookup).not.toContain(key);
      expect(Buffer.from(row.answer).toString('latin1')).not.toContain(first.body.data.createMarketRegulationCase.id);
    }
  });

  it('sent six times at once creates one case; each answer is the first or "still running"', async () => {
    const key = randomUUID();
    const input = marketCaseInput();
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(hub.gatewayUrl, callers.marketOfficer, create(input), key)));
    const ok = answers.filter((a) => a.status === 200);
    const running = answers.filter((a) => a.status === 409);
    expect(ok.length + running.length).toBe(6);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const a of running) expect(a.body.errors[0].extensions.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    const ids = new Set(ok.map((a) => a.body.data.createMarketRegulationCase.id));
    expect(ids.size).toBe(1);
    const after = await post(hub.gatewayUrl, callers.marketOfficer, create(input), key);
    expect(after.replayed).toBe('true');
    expect(after.body.data.createMarketRegulationCase.id).toBe([...ids][0]);
    expect(await casesNumbered(input.caseNumber as string)).toBe(1);
  });

  it('with another request under the same key is refused (422) and writes nothing', async () => {
    const key = randomUUID();
    const input = marketCaseInput();
    expect((await post(hub.gatewayUrl, callers.marketOfficer, create(input), key)).status).toBe(200);
    const other = marketCaseInput();
    const reused = await post(hub.gatewayUrl, callers.marketOfficer, create(other), key);
    expect(reused.status).toBe(422);
    expect(reused.body.errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await casesNumbered(other.caseNumber as string)).toBe(0);
  });

  it("another user's same key is their own: it runs their request", async () => {
    const key = randomUUID();
    expect((await post(hub.gatewayUrl, callers.marketOfficer, create(marketCaseInput()), key)).status).toBe(200);
    const input = marketCaseInput();
    const theirs = await post(hub.gatewayUrl, { ...callers.marketOfficer, sub: 'market-officer-2' }, create(input), key);
    expect(theirs.status).toBe(200);
    expect(theirs.replayed).toBeNull();
    expect(theirs.body.data.createMarketRegulationCase.caseNumber).toBe(input.caseNumber);
    expect(await casesNumbered(input.caseNumber as string)).toBe(1);
  });

  it('refused input is not kept: the key stays free for the corrected request', async () => {
    const key = randomUUID();
    const refused = await post(hub.gatewayUrl, callers.marketOfficer, create(marketCaseInput({ fineAmount: -1 })), key);
    expect(refused.body.data?.createMarketRegulationCase ?? null).toBeNull();
    expect(refused.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const input = marketCaseInput();
    const corrected = await post(hub.gatewayUrl, callers.marketOfficer, create(input), key);
    expect(corrected.status).toBe(200);
    expect(corrected.body.data.createMarketRegulationCase.caseNumber).toBe(input.caseNumber);
  });

  it('a malformed key on a mutation is refused before anything runs; a query ignores the key', async () => {
    const input = marketCaseInput();
    const bad = await post(hub.gatewayUrl, callers.marketOfficer, create(input), 'short');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_INVALID');
    expect(await casesNumbered(input.caseNumber as string)).toBe(0);
    const key = randomUUID();
    const read = { query: '{ agencies { code } }' };
    const once = await post(hub.gatewayUrl, callers.marketOfficer, read, key);
    const twice = await post(hub.gatewayUrl, callers.marketOfficer, read, key);
    expect(once.status).toBe(200);
    expect(twice.replayed).toBeNull();
  });

  it('a browser app on a listed origin may send the key and read the replay mark', async () => {
    const response = await fetch(`${hub.gatewayUrl}/graphql`, {
      method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'idempotency-key' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/idempotency-key/);
    const answer = await fetch(`${hub.gatewayUrl}/graphql`, { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: '{}' });
    expect(answer.headers.get('access-control-expose-headers')).toMatch(/idempotent-replayed/);
  });

  it('after the gateway process is killed and started again, the retry replays and writes nothing', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const key = randomUUID();
    const input = marketCaseInput();
    const gateway = await startGatewayProcess(port);
    const first = await post(url, callers.marketOfficer, create(input), key);
    expect(first.status).toBe(200);
    const exited = new Promise<void>((resolve) => gateway.once('exit', () => resolve()));
    gateway.kill('SIGKILL');
    await exited;
    const again = await startGatewayProcess(port);
    try {
      const retry = await post(url, callers.marketOfficer, create(input), key);
      expect(retry.replayed).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(await casesNumbered(input.caseNumber as string)).toBe(1);
    } finally {
      const gone = new Promise<void>((resolve) => again.once('exit', () => resolve()));
      again.kill('SIGTERM');
      await gone;
    }
  }, 120_000);
});
