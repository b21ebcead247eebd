// Nothing released without its record: a response that releases a party's ID number leaves the
// gateway only after its audit entry is committed (group commit); when the audit table cannot be
// written, the personal fields are withheld with AUDIT_UNAVAILABLE and everything else answers;
// denials still answer and their entries land once the table is writable again.
import { randomBytes } from 'node:crypto';
import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuditUnavailableError, AuditWriter, type AuditEntryInput } from '../gateway/audit/index';
import { withhold } from '../gateway/audit/durable';
import { openDatabase, StatementCounter } from '../kit/database';
import { externalPostgres } from '../scripts/hub/postgres';
import { audit } from '../subgraphs/audit';
import { callers, recordMarketCase, seedBureaus, type Caller } from './support/fixtures';
import { eventually, startHub, type TestHub } from './support/hub';

const server = () => externalPostgres(inject('postgresAdminUrl'));

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try { return await work(client); } finally { await client.end(); }
}

/** Holds an ACCESS EXCLUSIVE lock on audit_log (as a superuser's maintenance would) until released. */
async function lockAuditLog(url: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE');
  return { async release() { await client.query('ROLLBACK'); await client.end(); } };
}

const entry = (i: number, overrides: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  subject: `user-${i}`, role: 'procurator', org: 'PROC-320706', region: '320706', coordinate: 'Party.idNumber',
  entityId: `case-${i}`, decision: 'full', reason: '审查是否以罚代刑', traceId: `trace-${i}`, ...overrides,
});

describe('withhold: every place a released field appears in the answer (pure)', () => {
  const schema = buildSchema(`
    interface Case { id: ID! party: Party }
    type MarketCase implements Case { id: ID! party: Party productName: String }
    type Party { name: String idNumber: String phone: String }
    type Query { case(id: ID!): Case cases: [Case!]! }
  `);
  const run = (query: string, data: Record<string, unknown>, released: string[]) => {
    const document = parse(query);
    const operation = document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
    const paths = withhold(data, operation.selectionSet, schema.getQueryType()!, schema, document, new Set(released));
    return { data, paths };
  };

  it('aliases, lists, inline fragments and named fragments; other fields untouched', () => {
    const { data, paths } = run(
      `query { cases { id ... on MarketCase { productName p: party { ...P } } } one: case(id: "1") { party { idNumber phone } } }
       fragment P on Party { name id2: idNumber idNumber }`,
      {
        cases: [
          { id: 'a', productName: '电线', p: { name: '张伟', id2: '320706198503120011', idNumber: '320706198503120011' } },
          { id: 'b', p: null },
        ],
        one: { party: { idNumber: '320706********0011', phone: '13812345678' } },
      },
      ['Party.idNumber'],
    );
    expect(data).toEqual({
      cases: [{ id: 'a', productName: '电线', p: { name: '张伟', id2: null, idNumber: null } }, { id: 'b', p: null }],
      one: { party: { idNumber: null, phone: '13812345678' } },
    });
    expect(paths).toEqual([['cases', 0, 'p', 'id2'], ['cases', 0, 'p', 'idNumber'], ['one', 'party', 'idNumber']]);
  });

  it('a field selected on an interface is withheld when a possible type released it', () => {
    const { data, paths } = run(`{ case(id: "1") { id party { name } } }`, { case: { id: '1', party: { name: '张伟' } } }, ['MarketCase.party']);
    expect(data).toEqual({ case: { id: '1', party: null } });
    expect(paths).toEqual([['case', 'party']]);
  });
});

describe('AuditWriter.commit: group commit', () => {
  let url: string;
  let name: string;
  beforeAll(async () => {
    name = `audit_d${randomBytes(5).toString('hex')}`;
    await withClient(server().url('postgres'), (c) => c.query(`CREATE DATABASE "${name}"`));
    url = server().url(name);
    const db = await openDatabase({ url, entities: audit.entities, migrations: audit.migrations, counter: new StatementCounter() });
    await db.destroy();
  });
  afterAll(() => withClient(server().url('postgres'), (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));

  it('60 concurrent requests: each awaits its own commit, and they share a few transactions', async () => {
    const writer = new AuditWriter(url);
    try {
      const stored = await Promise.all(Array.from({ length: 60 }, async (_, i) => {
        await writer.commit([entry(i, { traceId: `group-${i}` })], 5000);
        // Committed when the promise resolves: readable by anyone at once.
        return withClient(url, async (c) => (await c.query('SELECT 1 FROM audit_log WHERE trace_id = $1', [`group-${i}`])).rowCount);
      }));
      expect(stored).toEqual(Array(60).fill(1));
      const { rows } = await withClient(url, (c) => c.query(`SELECT count(DISTINCT xmin::text)::int AS transactions FROM audit_log WHERE trace_id LIKE 'group-%'`));
      expect(rows[0].transactions).toBeLessThanOrEqual(10);
    } finally {
      await writer.close();
    }
  });

  it('a table that cannot be written: commit gives up in time, takes back releases, keeps denials and writes them later', async () => {
    const writer = new AuditWriter(url, { initialBackoffMs: 20, maxBackoffMs: 200 });
    const lock = await lockAuditLog(url);
    try {
      const started = Date.now();
      const attempt = writer.commit([entry(1, { traceId: 'locked-release' }), entry(2, { traceId: 'locked-denial', decision: 'denied', entityId: null })], 300, (e) => e.decision !== 'denied');
      await expect(attempt).rejects.toBeInstanceOf(AuditUnavailableError);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await lock.release();
    }
    await writer.flush();
    const traces = await withClient(url, async (c) => (await c.query(`SELECT trace_id, decision FROM audit_log WHERE trace_id LIKE 'locked-%'`)).rows);
    // The release was blocked while being written (in flight) or taken back: never lost, never invented.
    expect(traces.filter((t) => t.trace_id === 'locked-denial')).toEqual([{ trace_id: 'locked-denial', decision: 'denied' }]);
    expect(traces.filter((t) => t.trace_id === 'locked-release').length).toBeLessThanOrEqual(1);
    await writer.close();
  });
});

describe('through the gateway', () => {
  let hub: TestHub;
  let auditUrl: string;
  let caseId: string;
  const officer: Caller = { ...callers.marketOfficer, reason: '核查当事人身份' };
  const READ = `query($id: ID!) { case(id: $id) { id caseNumber ... on MarketRegulationCase { party { name idNumber phone } } } }`;

  beforeAll(async () => {
    hub = await startHub({ env: { AUDIT_COMMIT_TIMEOUT_MS: '500' } });
    auditUrl = server().url(hub.databases.gateway);
    await seedBureaus(hub);
    caseId = await recordMarketCase(hub);
  });
  afterAll(() => hub?.stop());

  /** One POST with its own trace id (traceparent), as a client sends it. */
  async function ask(caller: Caller | null, trace: string) {
    const headers: Record<string, string> = { 'content-type': 'application/json', traceparent: `00-${trace}-${randomBytes(8).toString('hex')}-01` };
    if (caller) headers.authorization = `Bearer ${await hub.tokenFor(caller)}`;
    if (caller?.reason) headers['x-access-reason'] = encodeURIComponent(caller.reason);
    const response = await fetch(`${hub.gatewayUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: READ, variables: { id: caseId } }) });
    return (await response.json()) as { data?: any; errors?: any[] };
  }
  const traceId = () => randomBytes(16).toString('hex');
  const entriesOf = (trace: string) => withClient(auditUrl, async (c) =>
    (await c.query<{ coordinate: string; decision: string }>('SELECT coordinate, decision FROM audit_log WHERE trace_id = $1', [trace])).rows);

  it('every response that released an ID number (full or masked) has its entry when it arrives', async () => {
    const askers: Caller[] = [officer, callers.procurator, { ...callers.procurator, reason: '立案监督审查' }];
    const results = await Promise.all(Array.from({ length: 24 }, async (_, i) => {
      const trace = traceId();
      const { data, errors } = await ask(askers[i % askers.length], trace);
      const rows = await entriesOf(trace); // right after the response: no waiting
      return { idNumber: data?.case?.party?.idNumber as string | null | undefined, errors, rows };
    }));
    const released = results.filter((r) => typeof r.idNumber === 'string');
    expect(released.length).toBeGreaterThanOrEqual(8); // the officer of the case's own bureau, at least
    for (const r of released) {
      const decision = r.idNumber!.includes('*') ? 'masked' : 'full';
      expect(r.rows).toContainEqual({ coordinate: 'Party.idNumber', decision });
    }
  });

  it('the audit table unwritable: personal fields withheld with AUDIT_UNAVAILABLE, the rest answers; denials answer; entries resume after', async () => {
    const lock = await lockAuditLog(auditUrl);
    const deniedTrace = traceId();
    try {
      const { data, errors } = await ask(officer, traceId());
      expect(data.case).toMatchObject({ id: caseId, caseNumber: expect.any(String), party: { name: null, idNumber: null, phone: null } });
      const unavailable = (errors ?? []).filter((e) => e.extensions?.code === 'AUDIT_UNAVAILABLE');
      expect(unavailable.map((e) => e.path)).toEqual(expect.arrayContaining([['case', 'party', 'name'], ['case', 'party', 'idNumber'], ['case', 'party', 'phone']]));
      expect(unavailable[0].message).toMatch(/audit log could not be written/);

      // Anonymous: the personal fields are denied, no data released; the answer still goes out.
      const anonymous = await ask(null, deniedTrace);
      expect(anonymous.errors?.some((e) => e.extensions?.code === 'UNAUTHORIZED_FIELD_OR_TYPE' || e.extensions?.code === 'FORBIDDEN')).toBe(true);
    } finally {
      await lock.release();
    }
    // The queued denial is written once the table is writable again.
    await eventually(async () => ((await entriesOf(deniedTrace)).some((r) => r.decision === 'denied') ? true : undefined), 15_000, 'the denial entry');
    // And releases resume, each with its entry on arrival.
    const trace = traceId();
    const { data } = await eventually(async () => {
      const answer = await ask(officer, trace);
      return typeof answer.data?.case?.party?.idNumber === 'string' && !answer.data.case.party.idNumber.includes('*') ? answer : undefined;
    }, 15_000, 'the ID number in full again');
    expect(data.case.party.idNumber).toMatch(/^\d{17}[\dX]$/);
    expect(await entriesOf(trace)).toContainEqual({ coordinate: 'Party.idNumber', decision: 'full' });
  });
});
