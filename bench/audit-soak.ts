// npx tsx bench/audit-soak.ts [--duration S] [--connections N] [--requests N]
//
// The audit log under sustained load (issue 18): "count of releases sent = count of entries
// stored", and what durable audit costs per request.
//   1. Soak: N clients ask the hub's gateway back to back for a party's ID number (the case's own
//      bureau with a reason: in full; the procurator: masked), each request with its own trace id,
//      for S seconds. Every response that carried an ID number is a release sent; the entries
//      stored are counted by trace id after the load. They must be equal (none missing, none twice).
//   2. The same load without personal fields (the case's number only): nothing to audit. Latency
//      and the CPU per request of the gateway and PostgreSQL against the soak's.
//   3. The writer alone on the same database, as many concurrent requests: `commit` (durable: the
//      response waits for the COMMIT, group commit) against `record` (queued, written about 250 ms
//      later: the gateway before issue 18). Latency per request and the process's CPU per request.
// Writes bench/results/audit-soak.json and .md.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { AuditWriter, type AuditEntryInput } from '../gateway/audit/index';
import { hubClient } from '../scripts/hub/client';
import { DEMO_BUREAUS, residentId } from '../scripts/demo-data';
import { bootBenchHub } from './hub';
import { cpuPerRequest, sampleCpu } from './cpu';

const { values: args } = parseArgs({ options: { duration: { type: 'string' }, connections: { type: 'string' }, requests: { type: 'string' } } });
const durationSec = Number(args.duration ?? 20);
const connections = Number(args.connections ?? 8);
const writerRequests = Number(args.requests ?? 2000);
const log = (message: string) => process.stderr.write(`[audit-soak] ${message}\n`);

const OFFICER = { role: 'agency_officer', org: 'MR-320706', region: '320706', sub: 'soak:officer' };
const PROCURATOR = { role: 'procurator', org: 'PROC-320706', region: '320706', sub: 'soak:procurator' };
const RELEASING = `query($id: ID!) { case(id: $id) { id ... on MarketRegulationCase { party { name idNumber } } } }`;
const PLAIN = `query($id: ID!) { case(id: $id) { id caseNumber } }`;

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

interface Phase { requests: number; failed: number; releases: { full: number; masked: number }; traces: Map<string, 'full' | 'masked'>; latencies: number[]; cpuMs: Record<string, number> }

const hub = await bootBenchHub();
try {
  const client = hubClient(hub.hub.gatewayUrl, hub.dataDir);
  const admin = { role: 'platform_admin', org: 'PLATFORM' };
  for (const input of DEMO_BUREAUS) {
    const { errors } = await client.graphql(`mutation($input: AgencyInput!) { registerAgency(input: $input) { code } }`, { input }, admin);
    if (errors) throw new Error(`registerAgency: ${JSON.stringify(errors)}`);
  }
  const created = await client.graphql(`mutation($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id } }`, { input: {
    caseNumber: '海市监处罚〔2026〕9001号', actType: 'ADMINISTRATIVE_PENALTY', cause: '销售伪劣产品', offenceCode: 'CL140',
    party: { kind: 'NATURAL_PERSON', name: '张伟', idNumber: residentId('320706', '19850312', 1), phone: '13812345678', address: '江苏省连云港市海州区朝阳路18号' },
    amountInvolved: 86000, fineAmount: 30000, decidedAt: '2026-09-15T02:00:00Z', region: '320706', productName: '劣质电线', salesAmount: 62000, unsoldGoodsValue: 24000,
  } }, OFFICER);
  const caseId = created.data?.createMarketRegulationCase?.id as string;
  if (!caseId) throw new Error(`createMarketRegulationCase: ${JSON.stringify(created.errors)}`);
  for (let i = 0; ; i++) {
    const { data } = await client.graphql(`query($id: ID!) { case(id: $id) { id } }`, { id: caseId }, PROCURATOR);
    if (data?.case?.id) break;
    if (i > 100) throw new Error('the case never reached the index');
    await new Promise((r) => setTimeout(r, 100));
  }
  const tokens = { officer: await client.tokenFor(OFFICER), procurator: await client.tokenFor(PROCURATOR) };

  async function load(query: string, seconds: number): Promise<Phase> {
    const phase: Phase = { requests: 0, failed: 0, releases: { full: 0, masked: 0 }, traces: new Map(), latencies: [], cpuMs: {} };
    const until = Date.now() + seconds * 1000;
    const before = sampleCpu();
    await Promise.all(Array.from({ length: connections }, async (_, c) => {
      for (let i = 0; Date.now() < until; i++) {
        const officer = (c + i) % 2 === 0;
        const trace = randomBytes(16).toString('hex');
        const headers: Record<string, string> = {
          'content-type': 'application/json', traceparent: `00-${trace}-${randomBytes(8).toString('hex')}-01`,
          authorization: `Bearer ${officer ? tokens.officer : tokens.procurator}`,
        };
        if (officer) headers['x-access-reason'] = encodeURIComponent('核查当事人身份');
        const started = performance.now();
        try {
          const response = await fetch(`${hub.hub.gatewayUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables: { id: caseId } }) });
          const body = (await response.json()) as { data?: any };
          phase.latencies.push(performance.now() - started);
          phase.requests++;
          const idNumber = body.data?.case?.party?.idNumber;
          if (typeof idNumber === 'string') {
            const decision = idNumber.includes('*') ? 'masked' : 'full';
            phase.releases[decision]++;
            phase.traces.set(trace, decision);
          } else if (query === RELEASING) phase.failed++;
        } catch {
          phase.failed++;
        }
      }
    }));
    phase.cpuMs = cpuPerRequest(before, sampleCpu(), phase.requests, 'main'); // the hub's own gateway (gateway/main.ts)
    phase.latencies.sort((a, b) => a - b);
    return phase;
  }

  log(`soak: ${connections} clients for ${durationSec} s asking for an ID number`);
  const soak = await load(RELEASING, durationSec);
  // Counted right after the load: a response that arrived has its entry already (nothing to wait for).
  const db = new pg.Client({ connectionString: hub.postgres.url(hub.hub.databases.gateway) });
  await db.connect();
  const { rows } = await db.query<{ trace_id: string; decision: string; n: number }>(
    `SELECT trace_id, decision, count(*)::int AS n FROM audit_log WHERE coordinate = 'Party.idNumber' AND trace_id = ANY($1) GROUP BY trace_id, decision`, [[...soak.traces.keys()]]);
  await db.end();
  const stored = rows.filter((r) => soak.traces.get(r.trace_id) === r.decision).reduce((n, r) => n + r.n, 0);
  const missing = [...soak.traces].filter(([trace, decision]) => !rows.some((r) => r.trace_id === trace && r.decision === decision)).length;
  const releasesSent = soak.releases.full + soak.releases.masked;
  log(`soak: ${releasesSent} releases sent, ${stored} entries stored, ${missing} missing`);

  log(`control: the same load without personal fields for ${durationSec} s`);
  const plain = await load(PLAIN, durationSec);

  log(`writer: ${writerRequests} concurrent requests of 2 entries, commit against record`);
  const url = hub.postgres.url(hub.hub.databases.gateway);
  const entries = (i: number, kind: string): AuditEntryInput[] => ['Party.name', 'Party.idNumber'].map((coordinate) => ({
    subject: 'bench:writer', role: 'procurator', org: 'PROC-320706', region: '320706', coordinate, entityId: `case-${i}`, decision: 'masked', traceId: `${kind}-${i}`,
  }));
  async function writer(kind: 'commit' | 'record') {
    const w = new AuditWriter(url);
    const latencies: number[] = [];
    const cpu = process.cpuUsage();
    const started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: connections * 4 }, async () => {
      while (next < writerRequests) {
        const i = next++;
        const t = performance.now();
        if (kind === 'commit') await w.commit(entries(i, kind), 10_000);
        else w.record(entries(i, kind));
        latencies.push(performance.now() - t);
        await new Promise((r) => setImmediate(r)); // another request's turn, as a server interleaves them
      }
    }));
    const answeredMs = performance.now() - started;
    await w.close(); // what record queued is written before the figures are read
    const used = process.cpuUsage(cpu);
    latencies.sort((a, b) => a - b);
    return {
      requests: writerRequests, p50Ms: round(percentile(latencies, 50), 3), p99Ms: round(percentile(latencies, 99), 3),
      answeredInMs: round(answeredMs, 0), cpuMsPerRequest: round((used.user + used.system) / 1000 / writerRequests, 3),
    };
  }
  const commit = await writer('commit');
  const record = await writer('record');

  const summary = (p: Phase) => ({
    requests: p.requests, failed: p.failed, requestsPerSecond: round(p.requests / durationSec, 1),
    p50Ms: round(percentile(p.latencies, 50)), p99Ms: round(percentile(p.latencies, 99)),
    gatewayCpuMsPerRequest: round(p.cpuMs.gateway ?? 0, 3), postgresCpuMsPerRequest: round(p.cpuMs.postgres ?? 0, 3), totalCpuMsPerRequest: round(p.cpuMs.total ?? 0, 3),
  });
  const report = {
    at: new Date().toISOString(), durationSec, connections,
    soak: { ...summary(soak), releasesSent, releasesFull: soak.releases.full, releasesMasked: soak.releases.masked, entriesStored: stored, missing, equal: stored === releasesSent && missing === 0 },
    withoutPersonalFields: summary(plain),
    writer: { commit, record },
  };
  const dir = join(fileURLToPath(new URL('./results/', import.meta.url)));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'audit-soak.json'), `${JSON.stringify(report, null, 2)}\n`);
  const s = report.soak;
  const w = report.withoutPersonalFields;
  writeFileSync(join(dir, 'audit-soak.md'), [
    `# Audit soak (${report.at})`,
    '',
    `${connections} clients, ${durationSec} s per phase, one gateway process (\`npx tsx bench/audit-soak.ts\`).`,
    '',
    `**Releases sent = entries stored: ${s.equal ? 'yes' : 'NO'}** — ${s.releasesSent} responses carried an ID number (${s.releasesFull} full, ${s.releasesMasked} masked), ${s.entriesStored} entries stored for them, ${s.missing} missing; ${s.failed} requests failed.`,
    '',
    '| load | requests | req/s | p50 ms | p99 ms | gateway CPU ms/req | PostgreSQL CPU ms/req | all services CPU ms/req |',
    '|---|---|---|---|---|---|---|---|',
    `| ID number (audited, durable) | ${s.requests} | ${s.requestsPerSecond} | ${s.p50Ms} | ${s.p99Ms} | ${s.gatewayCpuMsPerRequest} | ${s.postgresCpuMsPerRequest} | ${s.totalCpuMsPerRequest} |`,
    `| case number only (nothing audited) | ${w.requests} | ${w.requestsPerSecond} | ${w.p50Ms} | ${w.p99Ms} | ${w.gatewayCpuMsPerRequest} | ${w.postgresCpuMsPerRequest} | ${w.totalCpuMsPerRequest} |`,
    '',
    `The writer alone, ${writerRequests} requests of two entries, ${connections * 4} at a time:`,
    '',
    '| writer | p50 ms a request waits | p99 ms | all answered in ms | CPU ms/req (this process) |',
    '|---|---|---|---|---|',
    `| commit (durable, group commit) | ${commit.p50Ms} | ${commit.p99Ms} | ${commit.answeredInMs} | ${commit.cpuMsPerRequest} |`,
    `| record (queued, before issue 18) | ${record.p50Ms} | ${record.p99Ms} | ${record.answeredInMs} | ${record.cpuMsPerRequest} |`,
    '',
  ].join('\n'));
  console.log(JSON.stringify(report, null, 2));
  if (!report.soak.equal) process.exitCode = 1;
} finally {
  await hub.stop();
}
