// Nothing released without its record, even when the gateway dies (issue 18; GB/T 22239-2019
// 8.1.4.3: the audit process protected against interruption): a gateway process serving
// concurrent requests that release a party's ID number (in full, or masked) is killed with
// SIGKILL in the middle of the load — no shutdown hook, no flush. Every response a client
// received before the kill has its audit entries in the database; the log stays one verifiable
// tree, and a gateway started again on the same database goes on appending to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyAuditLog } from '../gateway/audit/verify-log';
import { freePort } from '../scripts/hub/hub';
import { externalPostgres } from '../scripts/hub/postgres';
import { callers, recordMarketCase, seedBureaus, type Caller } from './support/fixtures';
import { eventually, startHub, type TestHub } from './support/hub';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const server = () => externalPostgres(inject('postgresAdminUrl'));
const READ = `query($id: ID!) { case(id: $id) { id ... on MarketRegulationCase { party { name idNumber } } } }`;

let hub: TestHub;
let logUrl: string;
let caseId: string;

/** A gateway process of its own on the hub's databases and subgraphs: the one this test kills. */
async function startGatewayProcess(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts'], {
    cwd: ROOT,
    env: { ...hub.environments.gateway, PORT: String(port), GATEWAY_WORKERS: '1', HUB_SUPERVISED: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gateway did not start:\n${output.slice(-2000)}`)), 90_000);
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

async function query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: logUrl });
  await client.connect();
  try { return (await client.query(sql, params)).rows; } finally { await client.end(); }
}

interface Sent { trace: string; idNumber?: string; failed?: string }

/** One POST with its own trace id; `idNumber` only when the whole response arrived. */
async function ask(url: string, caller: Caller): Promise<Sent> {
  const trace = randomBytes(16).toString('hex');
  const headers: Record<string, string> = { 'content-type': 'application/json', traceparent: `00-${trace}-${randomBytes(8).toString('hex')}-01` };
  headers.authorization = `Bearer ${await hub.tokenFor(caller)}`;
  if (caller.reason) headers['x-access-reason'] = encodeURIComponent(caller.reason);
  try {
    const response = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: READ, variables: { id: caseId } }) });
    const body = (await response.json()) as { data?: any };
    return { trace, idNumber: body.data?.case?.party?.idNumber ?? undefined };
  } catch (error) {
    return { trace, failed: (error as Error).message }; // in flight when the process died
  }
}

beforeAll(async () => {
  // A generous commit timeout: under the load every response waits for its commit, none is withheld for slowness.
  hub = await startHub({ env: { AUDIT_COMMIT_TIMEOUT_MS: '10000', AUDIT_CHECKPOINT_MS: '300' } });
  logUrl = server().url(hub.databases.gateway);
  await seedBureaus(hub);
  caseId = await recordMarketCase(hub);
});
afterAll(() => hub?.stop());

describe('a gateway killed with SIGKILL under load', () => {
  it('every response a client received that released an ID number has its entry; the log stays verifiable; a new gateway goes on', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const gateway = await startGatewayProcess(port);
    // Full (the case's own bureau with a reason) and masked (the procurator without one).
    const askers: Caller[] = [{ ...callers.marketOfficer, reason: '核查当事人身份' }, callers.procurator];
    const sent: Sent[] = [];
    let killed = false;
    const exited = new Promise<void>((resolve) => gateway.once('exit', () => resolve()));

    // Eight clients asking back to back until the process is gone.
    const clients = Array.from({ length: 8 }, async (_, c) => {
      for (let i = 0; !killed; i++) sent.push(await ask(url, askers[(c + i) % askers.length]));
    });
    // Kill once the load is well under way: responses arrived, more are in flight.
    await eventually(async () => (sent.filter((s) => s.idNumber).length >= 60 ? true : undefined), 60_000, '60 released responses');
    gateway.kill('SIGKILL');
    await exited;
    killed = true;
    await Promise.all(clients);

    const received = sent.filter((s) => typeof s.idNumber === 'string');
    expect(received.length).toBeGreaterThanOrEqual(60);
    expect(received.some((s) => s.idNumber!.includes('*'))).toBe(true);
    expect(received.some((s) => !s.idNumber!.includes('*'))).toBe(true);

    // Read right after the kill: nothing can be written for the dead process any more.
    const rows = await query<{ trace_id: string; coordinate: string; decision: string }>(
      `SELECT trace_id, coordinate, decision FROM audit_log WHERE trace_id = ANY($1) AND coordinate = 'Party.idNumber'`, [received.map((s) => s.trace)]);
    const stored = new Set(rows.map((r) => `${r.trace_id} ${r.decision}`));
    const missing = received.filter((s) => !stored.has(`${s.trace} ${s.idNumber!.includes('*') ? 'masked' : 'full'}`));
    expect(missing).toEqual([]);

    // The log is one tree still: whatever the killed process had half-written was rolled back,
    // and the witness's checkpoints agree with it once the hub's own gateway has checkpointed.
    const witnessUrl = server().url(hub.databases.procuratorate);
    const report = await eventually(async () => {
      const r = await verifyAuditLog(logUrl, { witnessUrl, publicKeysFile: hub.keys.directory });
      return r.ok && r.witnessed > 0 ? r : undefined;
    }, 20_000, 'the log verified against the witness');
    expect(report.entries).toBeGreaterThanOrEqual(received.length);

    // Started again on the same port and database, the gateway answers and records.
    const again = await startGatewayProcess(port);
    try {
      const after = await ask(url, askers[0]);
      expect(after.idNumber).toMatch(/^\d{17}[\dX]$/);
      expect(await query(`SELECT decision FROM audit_log WHERE trace_id = $1 AND coordinate = 'Party.idNumber'`, [after.trace])).toEqual([{ decision: 'full' }]);
    } finally {
      const gone = new Promise<void>((resolve) => again.once('exit', () => resolve()));
      again.kill('SIGTERM');
      await gone;
    }
  }, 180_000);
});
