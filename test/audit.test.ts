// The append-only, hash-chained audit log: the writer, the database's refusals, verification,
// concurrent writers, `npm run audit:verify`, release collection, and the auditors' read side.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuditWriter, auditRequest, chainHash, GENESIS_HASH, verifyAuditChain, type AuditEntryInput } from '../gateway/audit/index';
import { SubgraphDataSource, type GatewayContext } from '../gateway/data-source';
import { externalPostgres } from '../scripts/hub/postgres';
import { audit } from '../subgraphs/audit';
import { openDatabase, StatementCounter } from '../kit/database';
import { startHub, eventually, type TestHub } from './support/hub';
import { callers } from './support/fixtures';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const server = () => externalPostgres(inject('postgresAdminUrl'));
const created: string[] = [];

/** A fresh database on the test run's PostgreSQL, with the audit subgraph's migrations unless told not to. */
async function freshDatabase(migrate = true): Promise<string> {
  const name = `audit_t${randomBytes(5).toString('hex')}`;
  await withClient(server().url('postgres'), (c) => c.query(`CREATE DATABASE "${name}"`));
  created.push(name);
  const url = server().url(name);
  if (migrate) await migrateAudit(url);
  return url;
}

async function migrateAudit(url: string): Promise<void> {
  const db = await openDatabase({ url, entities: audit.entities, migrations: audit.migrations, counter: new StatementCounter() });
  await db.destroy();
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try { return await work(client); } finally { await client.end(); }
}

const count = (url: string) => withClient(url, async (c) => Number((await c.query('SELECT count(*) AS n FROM audit_log')).rows[0].n));

function entry(i: number, overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    subject: `user-${i % 7}`, role: i % 2 ? 'procurator' : 'psb_officer', org: 'PROC-320706', region: '320706',
    clientAddress: '10.0.0.7', operationName: 'CaseParty', documentHash: 'a'.repeat(64),
    coordinate: i % 3 ? 'Party.idNumber' : 'Party.phone', entityId: `case-${i}`, decision: 'full',
    reason: '审查是否以罚代刑 (案件 ' + i + ')', traceId: `trace-${i}`, ...overrides,
  };
}

/** `npm run audit:verify` against a database: exit code and output. */
function runVerifyScript(databaseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'audit:verify'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

afterAll(async () => {
  if (created.length) await withClient(server().url('postgres'), async (c) => {
    for (const name of created) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
});

/** Text with what SQL and JSON quote: apostrophes, backslashes, double quotes, dollar quotes. */
const AWKWARD = String.raw`审查 O'Brien's \' \\ "x" $$ $1 E'\n'` + '\n\t';

describe('the audit log in its database', () => {
  let url: string;
  let writer: AuditWriter;
  const recorded = 25;

  beforeAll(async () => {
    url = await freshDatabase();
    writer = new AuditWriter(url);
  });
  afterAll(() => writer?.close());

  it('writes recorded entries as a valid hash chain', async () => {
    writer.record([entry(1), entry(2, { decision: 'masked', reason: null, org: undefined })]);
    writer.record(Array.from({ length: 20 }, (_, i) => entry(3 + i)));
    writer.record([entry(23, { decision: 'denied', entityId: null }), entry(24, { reason: AWKWARD }), entry(25, { subject: '含\u0000NUL的用户\uD800' })]);
    expect(writer.pending).toBe(recorded);
    await writer.flush();
    expect(writer.pending).toBe(0);
    expect(await count(url)).toBe(recorded);

    const rows = await withClient(url, async (c) => (await c.query('SELECT * FROM audit_log ORDER BY sequence')).rows);
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    expect(rows.map((r) => r.entity_id).slice(0, 3)).toEqual(['case-1', 'case-2', 'case-3']);
    expect(rows[1]).toMatchObject({ decision: 'masked', reason: null, org: null, coordinate: 'Party.idNumber', trace_id: 'trace-2' });
    expect(rows[24].subject).toBe('含NUL的用户\uFFFD');
    expect(rows[23].reason).toBe(AWKWARD); // the batch goes to PostgreSQL as a literal: stored as given
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    // The hash is sha256(prev_hash + '\n' + canonical JSON), recomputable from the stored row.
    const r = rows[0];
    expect(r.hash).toBe(chainHash(GENESIS_HASH, {
      at: r.at, subject: r.subject, role: r.role, org: r.org, region: r.region, clientAddress: r.client_address, operationName: r.operation_name,
      documentHash: r.document_hash, coordinate: r.coordinate, entityId: r.entity_id, decision: r.decision, reason: r.reason, traceId: r.trace_id,
    }));

    expect(await verifyAuditChain(url)).toEqual({ ok: true, checked: recorded });
    expect(await verifyAuditChain(url, { pageSize: 4 })).toEqual({ ok: true, checked: recorded }); // across pages
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    await withClient(url, async (c) => {
      await expect(c.query(`UPDATE audit_log SET decision = 'denied' WHERE sequence = 1`)).rejects.toThrow(/audit_log is append-only: UPDATE is refused/);
      await expect(c.query(`DELETE FROM audit_log WHERE sequence = 2`)).rejects.toThrow(/audit_log is append-only: DELETE is refused/);
      await expect(c.query(`TRUNCATE audit_log`)).rejects.toThrow(/audit_log is append-only: TRUNCATE is refused/);
      // Even statements that match no row.
      await expect(c.query(`UPDATE audit_log SET reason = 'x' WHERE false`)).rejects.toThrow(/append-only/);
      await expect(c.query(`DELETE FROM audit_log WHERE false`)).rejects.toThrow(/append-only/);
    });
    expect(await count(url)).toBe(recorded);
    expect((await verifyAuditChain(url)).ok).toBe(true);
  });

  it('npm run audit:verify exits 0 on an intact chain', async () => {
    const { code, stdout } = await runVerifyScript(url);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`audit log intact: ${recorded} entries verified`));
    expect(stdout).not.toContain(':postgres@'); // no password in the output
  });

  it('finds a row altered behind the hub\'s back (triggers disabled by a superuser) and names it', async () => {
    const target = await withClient(url, async (c) => {
      const { rows } = await c.query(`SELECT sequence::int AS sequence, decision FROM audit_log ORDER BY sequence OFFSET 9 LIMIT 1`);
      expect(rows[0].decision).toBe('full');
      await c.query('ALTER TABLE audit_log DISABLE TRIGGER ALL');
      await c.query(`UPDATE audit_log SET decision = 'masked' WHERE sequence = $1`, [rows[0].sequence]);
      await c.query('ALTER TABLE audit_log ENABLE TRIGGER ALL');
      return rows[0].sequence as number;
    });
    const report = await verifyAuditChain(url);
    expect(report.ok).toBe(false);
    expect(report.firstBad).toEqual({ sequence: target, reason: expect.stringMatching(/altered/) });
    expect(report.checked).toBe(10);
  });

  it('npm run audit:verify exits 1 on a broken chain and names the row', async () => {
    const first = await withClient(url, async (c) => Number((await c.query('SELECT min(sequence) AS s FROM audit_log')).rows[0].s));
    const { code, stderr } = await runVerifyScript(url);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`AUDIT LOG BROKEN at row sequence ${first + 9}: .*altered`));
  });

  it('a removed row breaks the link of the next one', async () => {
    const removedUrl = await freshDatabase();
    const w = new AuditWriter(removedUrl);
    w.record(Array.from({ length: 6 }, (_, i) => entry(i)));
    await w.close();
    await withClient(removedUrl, async (c) => {
      await c.query('ALTER TABLE audit_log DISABLE TRIGGER ALL');
      await c.query('DELETE FROM audit_log WHERE sequence = 3');
      await c.query('ALTER TABLE audit_log ENABLE TRIGGER ALL');
    });
    expect(await verifyAuditChain(removedUrl)).toEqual({ ok: false, checked: 3, firstBad: { sequence: 4, reason: expect.stringMatching(/removed/) } });
  });

  it('npm run audit:verify exits 2 when it cannot check', async () => {
    const { code, stderr } = await runVerifyScript(server().url('audit_no_such_database'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/could not be verified/);
  });
});

describe('several gateway processes writing at once', () => {
  it('2 writers × 50 concurrent requests: every entry is stored once, in one valid chain', async () => {
    const url = await freshDatabase();
    // Short windows and small batches, so both workers' batches are many and must share the chain
    // lock (a writer with room for everything could write it in one batch on a loaded machine).
    const writers = [new AuditWriter(url, { maxBatch: 11, intervalMs: 5 }), new AuditWriter(url, { maxBatch: 7, intervalMs: 1 })];
    let recorded = 0;
    await Promise.all(writers.flatMap((writer, w) => Array.from({ length: 50 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, Math.random() * 30));
      const n = 1 + ((i * 7 + w) % 5); // 1 to 5 entries per request
      writer.record(Array.from({ length: n }, (_, k) => entry(i * 10 + k, { traceId: `w${w}-r${i}-${k}` })));
      recorded += n;
    })));
    await Promise.all(writers.map((w) => w.flush()));
    expect(recorded).toBeGreaterThan(100);
    expect(await count(url)).toBe(recorded);
    const traces = await withClient(url, async (c) => (await c.query('SELECT count(DISTINCT trace_id) AS n FROM audit_log')).rows[0].n);
    expect(Number(traces)).toBe(recorded); // none twice
    // The two writers' batches interleave in the one chain.
    const order = await withClient(url, async (c) => (await c.query('SELECT left(trace_id, 2) AS w FROM audit_log ORDER BY sequence')).rows.map((r) => r.w));
    expect(order.filter((w, i) => i > 0 && w !== order[i - 1]).length).toBeGreaterThan(2);
    expect(await verifyAuditChain(url)).toEqual({ ok: true, checked: recorded });
    await Promise.all(writers.map((w) => w.close()));
  });

  it('keeps entries it could not write and retries until they are in (no entry dropped)', async () => {
    const url = await freshDatabase(false); // no table yet: every write fails
    const failures: string[] = [];
    const writer = new AuditWriter(url, { initialBackoffMs: 10, maxBackoffMs: 50, log: (m) => failures.push(m) });
    writer.record([entry(1), entry(2)]);
    writer.record([entry(3)]);
    await eventually(async () => (writer.consecutiveFailures >= 2 ? true : undefined), 5_000, 'two failed writes');
    expect(writer.pending).toBe(3);
    expect(failures[0]).toMatch(/writing 3 entries failed/);
    await migrateAudit(url);
    await writer.flush();
    expect(writer.consecutiveFailures).toBe(0);
    expect(await count(url)).toBe(3);
    expect(await verifyAuditChain(url)).toEqual({ ok: true, checked: 3 });
    await writer.close();
    expect(() => writer.record([entry(4)])).toThrow(/closed/);
  });
});

describe('collecting releases', () => {
  it('takes extensions.releases of subgraph responses into the context and out of the response', async () => {
    const source = new SubgraphDataSource('market-regulation', 'http://127.0.0.1:1/graphql', 'x'.repeat(32), 1000);
    const context: GatewayContext = { identity: { sub: 'u1', role: 'procurator' } };
    const response: any = { data: { x: 1 }, extensions: { releases: [
      { coordinate: 'Party.idNumber', entityId: 'c1', decision: 'full' },
      { coordinate: 'Party.phone', entityId: 'c1', decision: 'masked' },
      { coordinate: 'Party.address', entityId: 7, decision: 'whatever' },
      { entityId: 'no coordinate' },
    ] } };
    const out = await source.didReceiveResponse!({ response, request: {} as any, context });
    expect(out).toBe(response);
    expect(response.extensions).toBeUndefined();
    const other: any = { data: {}, extensions: { releases: [{ coordinate: 'Party.idNumber', entityId: 'c2', decision: 'denied' }], cost: 3 } };
    await source.didReceiveResponse!({ response: other, request: {} as any, context });
    expect(other.extensions).toEqual({ cost: 3 });
    expect(context.releases).toEqual([
      { coordinate: 'Party.idNumber', entityId: 'c1', decision: 'full' },
      { coordinate: 'Party.phone', entityId: 'c1', decision: 'masked' },
      { coordinate: 'Party.address', entityId: '7', decision: 'full' }, // unknown decision: counted as released
      { coordinate: 'Party.idNumber', entityId: 'c2', decision: 'denied' },
    ]);
  });

  it('auditRequest maps releases and denials into entries', () => {
    const recorded: AuditEntryInput[] = [];
    const n = auditRequest({ record: (entries) => { recorded.push(...entries); } }, {
      identity: { sub: 'p1', role: 'procurator', org: 'PROC-320706', region: '320706', reason: '立案监督' },
      clientAddress: '10.1.2.3', operationName: 'Case', documentHash: 'b'.repeat(64), traceId: 't-1',
      releases: [{ coordinate: 'Party.idNumber', entityId: 'c1', decision: 'full' }],
      denied: [{ coordinate: 'Investigation.informant', path: ['case', 'investigation', 'informant'] }],
    });
    expect(n).toBe(2);
    const common = { subject: 'p1', role: 'procurator', org: 'PROC-320706', region: '320706', clientAddress: '10.1.2.3', operationName: 'Case',
      documentHash: 'b'.repeat(64), reason: '立案监督', traceId: 't-1', at: expect.any(Date) };
    expect(recorded).toEqual([
      { ...common, coordinate: 'Party.idNumber', entityId: 'c1', decision: 'full' },
      { ...common, coordinate: 'Investigation.informant', entityId: null, decision: 'denied' },
    ]);
    expect(auditRequest({ record: () => { throw new Error('not called with nothing'); } } as any, { identity: { sub: 'x', role: 'public' }, releases: [], denied: [] })).toBe(0);
  });
});

describe('auditLog through the gateway', () => {
  let hub: TestHub;
  let url: string;
  beforeAll(async () => {
    hub = await startHub();
    url = server().url(hub.databases.audit);
    const writer = new AuditWriter(url);
    writer.record(Array.from({ length: 5 }, (_, i) => entry(i, { subject: 'p-7', decision: i === 4 ? 'denied' : 'full' })));
    await writer.close();
  });
  afterAll(() => hub?.stop());

  const PAGE = `query($after: String, $filter: AuditFilter) { auditLog(first: 2, after: $after, filter: $filter) {
    edges { cursor node { sequence at subject role org coordinate entityId decision reason traceId prevHash hash } }
    pageInfo { hasNextPage endCursor } } }`;

  it('lets an auditor page through the entries, newest first', async () => {
    const auditor = { role: 'auditor', org: 'AUDIT-320706', region: '320706' };
    const nodes: any[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const { data, errors }: any = await hub.graphql(PAGE, { after, filter: { subject: 'p-7' } }, auditor);
      expect(errors).toBeUndefined();
      nodes.push(...data.auditLog.edges.map((e: any) => e.node));
      after = data.auditLog.pageInfo.hasNextPage ? data.auditLog.pageInfo.endCursor : null;
      if (!after) break;
    }
    expect(nodes).toHaveLength(5);
    const sequences = nodes.map((n) => Number(n.sequence));
    expect(sequences).toEqual([...sequences].sort((a, b) => b - a));
    expect(nodes[0]).toMatchObject({ subject: 'p-7', decision: 'DENIED', entityId: 'case-4', traceId: 'trace-4' });
    expect(nodes[4].prevHash).toBe(GENESIS_HASH);
    expect(nodes[3].prevHash).toBe(nodes[4].hash);

    const denied = await hub.graphql(PAGE, { filter: { decision: 'DENIED' } }, auditor);
    expect(denied.errors).toBeUndefined();
    expect(denied.data.auditLog.edges.map((e: any) => e.node.entityId)).toEqual(['case-4']);
  });

  it('gives a procurator no entries', async () => {
    const { data, errors } = await hub.graphql(PAGE, {}, callers.procurator);
    expect(data?.auditLog ?? null).toBeNull();
    expect(errors?.[0]?.extensions?.code).toMatch(/^(FORBIDDEN|UNAUTHORIZED_FIELD_OR_TYPE)$/);
  });
});
