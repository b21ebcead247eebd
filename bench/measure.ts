// One measurement: a load child process (bench/load.ts) against one gateway with one query,
// the subgraphs' SQL counters read around the measured part (after the warm-up).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { LoadResult, LoadSpec } from './load';
import type { QuerySpec } from './queries';
import type { FirstAnswer } from './compare';
import { cpuPerRequest, sampleCpu } from './cpu';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface Measurement extends LoadResult {
  sqlStatements: number;
  sqlPerRequest: number;
  /** CPU milliseconds per request by component (gateway, each subgraph, postgres, total), bench/cpu.ts. */
  cpuMsPerRequest: Record<string, number>;
}

export interface LoadSettings { connections: number; durationSec: number; warmupSec: number }

/** Reads the counter until it holds still twice running: the requests still in flight have done their work. */
async function settled(sqlStatements: () => Promise<number>, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = await sqlStatements();
  let still = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = await sqlStatements();
    still = now === last ? still + 1 : 0;
    if (still >= 2 || Date.now() > deadline) return now;
    last = now;
  }
}

/** Drives each query in turn from one load child process; SQL per request counts every request sent. */
/** `within`: count only the processes running in these directories (bench/cpu.ts; --baseline runs two hubs). */
export async function measureAll(url: string, queries: QuerySpec[], settings: LoadSettings, sqlStatements: () => Promise<number>, workDir: string, gateway: string, within?: readonly string[]): Promise<Measurement[]> {
  const specs: LoadSpec[] = queries.map((q) => ({ url, query: q.query, variables: q.variables, idsFile: q.idsFile, headers: q.headers, ...settings }));
  const specFile = join(workDir, `load-${Date.now()}.json`);
  writeFileSync(specFile, JSON.stringify(specs));
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts', specFile], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const results: Measurement[] = [];
  let before = 0;
  let cpuBefore = sampleCpu(process.pid, within);
  for await (const line of createInterface({ input: child.stdout! })) {
    if (!line.startsWith('{')) continue;
    const { event, ...result } = JSON.parse(line) as { event: string } & LoadResult;
    if (event === 'warm') {
      before = await settled(sqlStatements);
      cpuBefore = sampleCpu(process.pid, within);
    } else if (event === 'result') {
      const sql = (await settled(sqlStatements)) - before;
      const cpuMsPerRequest = cpuPerRequest(cpuBefore, sampleCpu(process.pid, within), result.sent, gateway);
      results.push({ ...result, sqlStatements: sql, sqlPerRequest: result.sent ? sql / result.sent : 0, cpuMsPerRequest });
    }
    child.stdin!.write('go\n');
  }
  const code = await exited;
  if (results.length !== queries.length) throw new Error(`the load generator exited with ${code} after ${results.length} of ${queries.length} queries`);
  return results;
}

/** One request of a query before the load: what a target answers, and any error in it. */
export async function preflight(url: string, query: QuerySpec, anId: string): Promise<FirstAnswer> {
  const variables = query.idsFile ? { ...query.variables, id: anId } : query.variables ?? {};
  const response = await fetch(url, { method: 'POST', headers: query.headers, body: JSON.stringify({ query: query.query, variables }) });
  const text = await response.text();
  if (!response.ok) return { problem: `HTTP ${response.status}: ${text.slice(0, 300)}`, data: null };
  const body = JSON.parse(text) as { data?: unknown; errors?: { message: string; path?: unknown[]; extensions?: { code?: string } }[] };
  if (body.errors?.length) {
    return { problem: body.errors.slice(0, 3).map((e) => `${e.extensions?.code ?? 'ERROR'} at ${(e.path ?? []).join('.')}: ${e.message}`).join('; '), data: body.data ?? null };
  }
  return { problem: body.data ? null : `no data: ${text.slice(0, 300)}`, data: body.data ?? null };
}

/** SQL statements per request of the 50-case page at several page sizes, sent one at a time. */
export async function statementsByPageSize(url: string, page: (first: number) => QuerySpec, sqlStatements: () => Promise<number>, sizes = [10, 50, 100]) {
  const rows: { first: number; statementsPerRequest: number }[] = [];
  for (const first of sizes) {
    const spec = page(first);
    await preflight(url, spec, ''); // warm the plan and the pools
    const before = await sqlStatements();
    const runs = 5;
    for (let i = 0; i < runs; i++) {
      const { problem } = await preflight(url, spec, '');
      if (problem) throw new Error(`page of ${first}: ${problem}`);
    }
    rows.push({ first, statementsPerRequest: ((await sqlStatements()) - before) / runs });
  }
  return rows;
}
