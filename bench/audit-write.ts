// npx tsx bench/audit-write.ts [--root <checkout>] [--pages 1000] [--concurrency 8]
// PostgreSQL's CPU per 50-case page of audit entries (a hundred releases of one request) written
// through the gateway's own AuditWriter (gateway/audit/writer.ts, durable commit as a request
// awaits it) on a fresh embedded PostgreSQL with the audit log's migrations: the server's process
// tree's utime+stime (the postmaster's reaped children included) around a fixed number of pages,
// after 200 pages of warm-up. `--root` measures another checkout's writer (a git worktree of an
// earlier commit with node_modules linked), so a change to the batch's SQL is a before/after pair.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { freePort } from '../scripts/hub/hub';

const { values: args } = parseArgs({ options: { root: { type: 'string' }, pages: { type: 'string' }, concurrency: { type: 'string' } } });
const root = resolve(args.root ?? join(import.meta.dirname, '..'));
const pages = Number(args.pages ?? 1000);
const concurrency = Number(args.concurrency ?? 8);
const { startEmbeddedPostgres } = await import(join(root, 'scripts/hub/postgres.ts'));
const { openDatabase, StatementCounter } = await import(join(root, 'kit/database.ts'));
const { audit } = await import(join(root, 'subgraphs/audit/index.ts'));
const { AuditWriter } = await import(join(root, 'gateway/audit/writer.ts'));

const dir = mkdtempSync(join(tmpdir(), 'audit-write-'));
const server = await startEmbeddedPostgres(dir, await freePort(), false);
const admin = new pg.Client({ connectionString: server.url('postgres') });
await admin.connect();
await admin.query('CREATE DATABASE audit_write');
const db = await openDatabase({ url: server.url('audit_write'), entities: audit.entities, migrations: audit.migrations, counter: new StatementCounter() });
await db.runMigrations();

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux
const fields = (pid: string) => { const stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); return stat.slice(stat.lastIndexOf(')') + 2).split(' '); };
const { rows: [{ pid: backend }] } = await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
const postmaster = Number(fields(String(backend))[1]);
/** The server's CPU ms: the postmaster's own and its reaped children's, and every live child's. */
function serverCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const f = fields(pid);
      if (Number(pid) === postmaster) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      else if (Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
    } catch { /* the process ended meanwhile */ }
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

const writer = new AuditWriter(server.url('audit_write'), {});
/** One request's entries: a 50-case page's party name and ID number. */
const page = (n: number) => Array.from({ length: 100 }, (_, i) => ({
  subject: `officer-${n % 16}`, role: 'agency_officer', org: 'MR-320706', region: '320706', clientAddress: '127.0.0.1', operationName: 'CasePage',
  documentHash: 'e'.repeat(64), coordinate: i % 2 ? 'Party.name' : 'Party.idNumber', entityId: `case-${n}-${i >> 1}`, decision: 'full' as const,
  reason: '核查案件当事人', traceId: `trace-${n}`,
}));
const write = async (from: number, count: number) => {
  for (let i = 0; i < count; i += concurrency) {
    await Promise.all(Array.from({ length: Math.min(concurrency, count - i) }, (_, k) => writer.commit(page(from + i + k), 10_000)));
  }
};
await write(0, 200);
const cpuBefore = serverCpuMs();
const started = Date.now();
await write(1_000_000, pages);
const cpu = serverCpuMs() - cpuBefore;
console.log(`${root}: ${pages} pages of 100 entries, ${concurrency} at once: PostgreSQL ${(cpu / pages).toFixed(2)} ms CPU a page, ${((Date.now() - started) / pages).toFixed(2)} ms wall a page`);
await writer.close();
await db.destroy();
await admin.end();
await server.stop();
rmSync(dir, { recursive: true, force: true });
