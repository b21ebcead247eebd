// Faults survived (issue 14: "PostgreSQL restarted under a mixed read/write load — services
// reconnect on their own, no write lost or applied twice, the outboxes resume; a subgraph killed
// with SIGKILL mid-mutation and restarted — the mutation either happened once or not at all; the
// gateway killed — clients retry safely"). The hub runs on a PostgreSQL server of this file's own,
// so that it can be stopped and started again on the same port and data directory.
//
// A mutation is made "in flight" deterministically: the test holds a lock on the cases' table from
// its own connection, so the bureau's INSERT waits inside its transaction; the test sees it waiting
// in pg_stat_activity, then kills.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_HEADER } from '../kit/identity';
import { freePort } from '../scripts/hub/hub';
import { startEmbeddedPostgres, type PostgresServer } from '../scripts/hub/postgres';
import { callers, marketCaseInput, seedBureaus, type Caller } from './support/fixtures';
import { eventually, startHub, type TestHub } from './support/hub';
import { ownerRows, undeliveredOutboxes } from './support/sql';

const CREATE = `mutation Create($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id caseNumber } }`;
const READ = `{ cases(filter: { agencyCode: "MR-320706" }, first: 20) { edges { node { id } } } }`;

let hub: TestHub;
let pgDir: string;
let pgPort: number;
let current: PostgresServer;

/** The file's own server, as one PostgresServer across its restarts (same port, data directory, superuser password). */
const server: PostgresServer = {
  url: (database) => current.url(database),
  urlAs: (database, role, password) => current.urlAs(database, role, password),
  fresh: false,
  stop: () => current.stop(),
};

interface Answer { status: number; body: any; replayed: string | null; failed?: string }

async function post(caller: Caller, body: unknown, key?: string): Promise<Answer> {
  const headers: Record<string, string> = {
    'content-type': 'application/json', authorization: `Bearer ${await hub.tokenFor(caller)}`,
    traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
  };
  if (key) headers['idempotency-key'] = key;
  try {
    const response = await fetch(`${hub.gatewayUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    let parsed: any;
    try { parsed = JSON.parse(text); } catch { parsed = { unparsed: text }; }
    return { status: response.status, body: parsed, replayed: response.headers.get('idempotent-replayed') };
  } catch (error) {
    return { status: 0, body: null, replayed: null, failed: String((error as Error).cause ?? (error as Error).message) };
  }
}

const create = (input: Record<string, unknown>) => ({ query: CREATE, operationName: 'Create', variables: { input } });

const rows = <T = any>(owner: string, sql: string, params: unknown[] = []) => ownerRows<T>(hub, owner, sql, params);

/** The last delivery error of each of these outboxes (`owner.table`), for a failure's message. */
async function lastOutboxErrors(outboxes: string[]): Promise<Record<string, string | null>> {
  const errors: Record<string, string | null> = {};
  for (const name of outboxes) {
    const [owner, table] = name.split('.');
    const [row] = await rows<{ last_error: string | null }>(owner, `SELECT last_error FROM ${table} WHERE delivered_at IS NULL ORDER BY next_attempt_at DESC LIMIT 1`)
      .catch((error) => [{ last_error: `(not read: ${(error as Error).message})` }]);
    errors[name] = row?.last_error ?? null;
  }
  return errors;
}

/** How many cases with this number the bureau's own database holds. */
async function casesNumbered(caseNumber: string): Promise<number> {
  return (await rows<{ n: number }>('market-regulation', `SELECT count(*)::int AS n FROM enforcement_case WHERE case_number = $1`, [caseNumber]))[0].n;
}


/**
 * Holds a SHARE lock on the bureau's cases from the test's own transaction (an INSERT waits for
 * it), sends the mutation, and resolves once the bureau's INSERT is seen waiting on the lock.
 */
async function createInFlight(input: Record<string, unknown>, key: string): Promise<{ answer: Promise<Answer>; release(): Promise<void> }> {
  const lock = await hub.ownerDatabase('market-regulation');
  await lock.query('BEGIN');
  await lock.query('LOCK TABLE enforcement_case IN SHARE MODE');
  const release = async () => { await lock.query('ROLLBACK'); await lock.end(); };
  const answer = post(callers.marketOfficer, create(input), key);
  try {
    // Asked on a connection of its own: inside the lock's transaction pg_stat_activity is one snapshot.
    await eventually(async () => {
      const waiting = await rows(
        'market-regulation', `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND usename = $1 AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO%enforcement_case%'`,
        [hub.roles['market-regulation']]);
      return waiting.length ? true : undefined;
    }, 30_000, 'the INSERT waiting on the lock');
  } catch (error) {
    await release();
    // What the mutation answered instead of waiting (if it answered), for the failure's message.
    const early = await Promise.race([answer, new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000))]);
    throw new Error(`${(error as Error).message}; the mutation answered: ${early ? JSON.stringify(early).slice(0, 600) : 'nothing yet'}`);
  }
  return { answer, release };
}

beforeAll(async () => {
  pgDir = mkdtempSync(join(tmpdir(), 'hub-faults-pg-'));
  pgPort = await freePort();
  current = await startEmbeddedPostgres(pgDir, pgPort, true);
  // A generous subgraph timeout: on a busy machine a slow answer is not the fault under test.
  hub = await startHub({ processes: true, postgres: server, env: { SUBGRAPH_TIMEOUT_MS: '30000', AUDIT_COMMIT_TIMEOUT_MS: '10000' } });
  await seedBureaus(hub);
}, 480_000);
afterAll(async () => {
  await hub?.stop();
  await current?.stop();
  if (pgDir) rmSync(pgDir, { recursive: true, force: true });
});

describe('faults survived', () => {
  it('PostgreSQL restarted under a mixed load: clean failures meanwhile, every acknowledged write exactly once, the outboxes drain', async () => {
    interface Write { caseNumber: string; answer: Answer }
    const writes: Write[] = [];
    const reads: Answer[] = [];
    let phase: 'before' | 'outage' | 'after' = 'before';
    const outageAnswers: Answer[] = [];
    let running = true;
    const writers = Array.from({ length: 3 }, async () => {
      while (running) {
        const input = marketCaseInput();
        const answer = await post(callers.marketOfficer, create(input));
        writes.push({ caseNumber: input.caseNumber as string, answer });
        if (phase === 'outage') outageAnswers.push(answer);
      }
    });
    const readers = Array.from({ length: 2 }, async () => {
      while (running) {
        const answer = await post(callers.procurator, { query: READ });
        reads.push(answer);
        if (phase === 'outage') outageAnswers.push(answer);
      }
    });
    const acknowledged = () => writes.filter((w) => w.answer.body?.data?.createMarketRegulationCase?.id);
    try {
      await eventually(async () => (acknowledged().length >= 10 ? true : undefined), 60_000, 'ten writes before the restart');
      phase = 'outage';
      await current.stop();
      await eventually(async () => (outageAnswers.length >= 6 ? true : undefined), 60_000, 'answers during the outage');
      current = await startEmbeddedPostgres(pgDir, pgPort, true);
      phase = 'after';
      const before = acknowledged().length;
      // No service is restarted: each reconnects on its own.
      await eventually(async () => (acknowledged().length >= before + 10 ? true : undefined), 60_000, 'ten writes after the restart');
    } finally {
      running = false;
      await Promise.all([...writers, ...readers]);
    }

    // During the outage: answers, never a connection torn down, never internal detail.
    for (const answer of outageAnswers) {
      expect(answer.failed).toBeUndefined();
      expect(answer.status).not.toBe(0);
      const text = JSON.stringify(answer.body);
      expect(text).not.toMatch(/ECONNREFUSED|terminating connection|QueryFailedError|node_modules|\.ts:\d+|password|127\.0\.0\.1/i);
      if (answer.body?.errors) {
        for (const error of answer.body.errors) expect(['SUBGRAPH_UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR', 'AUDIT_UNAVAILABLE']).toContain(error.extensions?.code);
      }
    }
    expect(outageAnswers.some((a) => a.body?.errors)).toBe(true);

    // Every acknowledged write exists exactly once at the bureau; none written twice at all.
    const numbers = writes.map((w) => w.caseNumber);
    const counts = new Map((await rows<{ case_number: string; n: number }>('market-regulation',
      `SELECT case_number, count(*)::int AS n FROM enforcement_case WHERE case_number = ANY($1) GROUP BY 1`, [numbers])).map((r) => [r.case_number, r.n]));
    for (const w of acknowledged()) expect(counts.get(w.caseNumber), w.caseNumber).toBe(1);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);

    // The outboxes resume: every case the bureau holds reaches the index, once.
    // When it times out, the failure names the outboxes still holding messages and their last error.
    let pending: Record<string, number> = {};
    await eventually(async () => { pending = await undeliveredOutboxes(hub); return Object.keys(pending).length === 0 ? true : undefined; }, 60_000, 'every outbox delivered')
      .catch(async (error) => { throw new Error(`${(error as Error).message}; still undelivered: ${JSON.stringify(pending)}; last errors: ${JSON.stringify(await lastOutboxErrors(Object.keys(pending)))}`); });
    const stored = await rows<{ id: string }>('market-regulation', `SELECT id FROM enforcement_case WHERE case_number = ANY($1)`, [numbers]);
    const [{ n: indexed }] = await rows<{ n: number }>('justice', `SELECT count(*)::int AS n FROM case_index WHERE id = ANY($1)`, [stored.map((r) => r.id)]);
    expect(indexed).toBe(stored.length);
    expect(reads.filter((r) => r.body?.data?.cases).length).toBeGreaterThan(0);

    // Push resumes too: each owner's change stream listens again (LISTEN on a connection of its
    // own, kit/change-stream.ts), so the gateway can open the inbox's and the alerts' streams.
    for (const [owner, stream] of [['justice', 'inbox'], ['procuratorate', 'alerts']]) {
      await eventually(async () => {
        const controller = new AbortController();
        const response = await fetch(`${hub.subgraphUrls[owner]}/events/${stream}`, {
          signal: controller.signal, headers: { [IDENTITY_HEADER]: await hub.keys.asGateway({ ...callers.procurator }, owner) },
        });
        controller.abort();
        return response.status === 200 ? true : undefined;
      }, 15_000, `the ${owner} ${stream} stream open again`);
    }
  }, 400_000);

  it('a subgraph killed with SIGKILL mid-mutation and restarted: the mutation did not happen, and the retry with the same key makes it once', async () => {
    const key = randomUUID();
    const input = marketCaseInput();
    const inFlight = await createInFlight(input, key);
    await hub.killSubgraph('market-regulation');
    const first = await inFlight.answer;
    // The client is told the bureau did not answer; nothing was acknowledged.
    expect(first.body.data?.createMarketRegulationCase ?? null).toBeNull();
    expect(first.body.errors[0].extensions.code).toBe('SUBGRAPH_UNAVAILABLE');
    // The killed process's transaction never commits: its session ends without a COMMIT.
    await inFlight.release();
    await eventually(async () => ((await rows('market-regulation', `SELECT pid FROM pg_stat_activity WHERE usename = $1`, [hub.roles['market-regulation']])).length === 0 ? true : undefined),
      30_000, 'the killed process\'s sessions gone');
    expect(await casesNumbered(input.caseNumber as string)).toBe(0);

    await hub.startSubgraph('market-regulation');
    const retry = await post(callers.marketOfficer, create(input), key);
    expect(retry.body.errors).toBeUndefined();
    expect(retry.replayed).toBeNull(); // nothing was kept for the key: the retry ran
    const id = retry.body.data.createMarketRegulationCase.id;
    expect(await rows('market-regulation', `SELECT id FROM enforcement_case WHERE case_number = $1`, [input.caseNumber])).toEqual([{ id }]);
    // A second retry replays the answer and writes nothing.
    const again = await post(callers.marketOfficer, create(input), key);
    expect(again.replayed).toBe('true');
    expect(again.body).toEqual(retry.body);
    expect(await casesNumbered(input.caseNumber as string)).toBe(1);
    await eventually(async () => ((await rows('justice', `SELECT id FROM case_index WHERE id = $1`, [id])).length === 1 ? true : undefined), 30_000, 'the case in the index');
  }, 180_000);

  it('a subgraph stopped (SIGTERM) mid-mutation drains: it takes no new connection, finishes the mutation and answers it, then exits', async () => {
    const key = randomUUID();
    const input = marketCaseInput();
    const inFlight = await createInFlight(input, key);
    const stopping = hub.stopSubgraph('market-regulation');
    // Stopping: the port takes no new connection, while the mutation still waits on the lock.
    await eventually(async () => {
      const refused = await fetch(`${hub.subgraphUrls['market-regulation']}/health/live`).then(() => false, () => true);
      return refused ? true : undefined;
    }, 30_000, 'the stopping subgraph refusing new connections');
    await inFlight.release();
    const answer = await inFlight.answer;
    expect(answer.body.errors).toBeUndefined();
    const id = answer.body.data.createMarketRegulationCase.id;
    await stopping;
    expect(await rows('market-regulation', `SELECT id FROM enforcement_case WHERE case_number = $1`, [input.caseNumber])).toEqual([{ id }]);
    await hub.startSubgraph('market-regulation');
    await eventually(async () => ((await rows('justice', `SELECT id FROM case_index WHERE id = $1`, [id])).length === 1 ? true : undefined), 30_000, 'the case in the index');
  }, 180_000);

  it('the gateway killed mid-mutation: the write lands once; a retry with the same key is refused while the first holds its lease, and never writes twice', async () => {
    const key = randomUUID();
    const input = marketCaseInput();
    const inFlight = await createInFlight(input, key);
    await hub.killGateway();
    const first = await inFlight.answer;
    expect(first.status).toBe(0); // the connection died with the process: the client knows nothing
    // The bureau's request outlives the gateway: once the lock goes, its transaction commits.
    await inFlight.release();
    await eventually(async () => ((await casesNumbered(input.caseNumber as string)) === 1 ? true : undefined), 30_000, 'the write landed');

    await hub.startGateway();
    // Within the lease (120 s, gateway/idempotency/store.ts) the key is still held: 409 with Retry-After, nothing runs.
    const retry = await post(callers.marketOfficer, create(input), key);
    expect(retry.status).toBe(409);
    expect(retry.body.errors[0].extensions.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(await casesNumbered(input.caseNumber as string)).toBe(1);

    // Past the lease (stood in for by moving the lease of the dead process's claim back, rather
    // than waiting 120 s) the retry runs again: the bureau's uniqueness of case numbers refuses
    // the second write, and says why. The known limit: the retry is not given the first answer,
    // which the killed gateway never kept.
    const [moved] = await rows('gateway', `UPDATE idempotency_record SET lease_until = now() - interval '1 second' WHERE state = 'running' RETURNING lookup`);
    expect(moved).toBeDefined();
    const late = await post(callers.marketOfficer, create(input), key);
    expect(late.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.caseNumber', rule: 'uniquePerBureau' });
    expect(await casesNumbered(input.caseNumber as string)).toBe(1);
  }, 180_000);
});
