// CPU time per component, from the kernel's own counters: utime+stime (and, for a process whose
// children come and go such as PostgreSQL's postmaster, cutime+cstime of the children it reaped)
// of every process below the benchmark, grouped by what it runs. Unlike requests/s, CPU
// milliseconds per request hold still on a shared machine: the load of other work moves the
// wall clock, not the work done per request.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface ProcessTimes { pid: number; ppid: number; ownMs: number; reapedChildrenMs: number; command: string }

function readProcess(pid: number): ProcessTimes | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state ppid … utime(14) stime(15) cutime(16) cstime(17), 1-based in proc(5).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = (i: number) => Number(fields[i]) * (1000 / CLOCK_TICKS_PER_SECOND);
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    return { pid, ppid: Number(fields[1]), ownMs: ticks(11) + ticks(12), reapedChildrenMs: ticks(13) + ticks(14), command };
  } catch {
    return null; // ended meanwhile, or not ours to read
  }
}

/** What a process is, for the report: a subgraph by name, the gateway under test, PostgreSQL, the load generator. */
export function componentOf(command: string): string | null {
  const subgraph = /subgraphs\/main\.ts\s+(\S+)/.exec(command);
  if (subgraph) return subgraph[1];
  const benchGateway = /bench\/cluster\.ts\s+(\S+)/.exec(command);
  if (benchGateway) return `gateway:${benchGateway[1]}`;
  if (/gateway\/main\.ts/.test(command)) return 'gateway:main'; // the hub's own gateway, idle during a benchmark
  if (/bench\/load\.ts/.test(command)) return 'load generator';
  if (/(^|\/)postgres(\s|:|$)/.test(command)) return 'postgres';
  return null;
}

export type CpuSample = Record<string, number>;

/** Whether a directory is one of `dirs` or below one of them. */
export function inScope(dir: string, dirs: readonly string[]): boolean {
  return dirs.some((d) => dir === d.replace(/\/+$/, '') || dir.startsWith(`${d.replace(/\/+$/, '')}/`));
}

/** The working directory of a process (a hub's services run in its checkout, PostgreSQL in its data directory). */
function cwdOf(pid: number): string {
  try { return readlinkSync(`/proc/${pid}/cwd`); } catch { return ''; }
}

/**
 * CPU milliseconds used so far by each component among the descendants of `root` (this
 * process by default, so the hubs of other programs on the machine are not counted). A reaped
 * child's time is counted once, in its parent's cutime, when the parent is itself a component.
 * `within`: only components whose process runs in one of these directories (or below), so that
 * with a baseline hub booted beside this one (--baseline), each hub's subgraphs and PostgreSQL
 * are counted apart: its services run in its checkout, its PostgreSQL in its data directory.
 */
export function sampleCpu(root = process.pid, within?: readonly string[]): CpuSample {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => readProcess(Number(d))).filter((p): p is ProcessTimes => p !== null);
  const children = new Map<number, ProcessTimes[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const sample: CpuSample = {};
  const visit = (pid: number, inherited: string | null) => {
    for (const child of children.get(pid) ?? []) {
      const named = componentOf(child.command);
      if (named && within && !inScope(cwdOf(child.pid), within)) continue; // another hub's, and its children
      const component = named ?? inherited;
      if (component) sample[component] = (sample[component] ?? 0) + child.ownMs + child.reapedChildrenMs;
      visit(child.pid, component);
    }
  };
  visit(root, null);
  return sample;
}

/**
 * CPU milliseconds per request by component between two samples, for requests sent through the
 * gateway `measured` (hub, apollo or hive): its processes are reported as `gateway`, the other
 * gateways (started, idle until their turn) are left out; `total` sums the gateway, the
 * subgraphs and PostgreSQL, not the load generator.
 */
export function cpuPerRequest(before: CpuSample, after: CpuSample, requests: number, measured: string): Record<string, number> {
  if (!requests) return {};
  const perRequest: Record<string, number> = {};
  for (const component of Object.keys(after).sort()) {
    if (component.startsWith('gateway:') && component !== `gateway:${measured}`) continue;
    const ms = after[component] - (before[component] ?? 0);
    perRequest[component.startsWith('gateway:') ? 'gateway' : component] = +(ms / requests).toFixed(3);
  }
  perRequest.total = +Object.entries(perRequest).filter(([c]) => c !== 'load generator').reduce((sum, [, ms]) => sum + ms, 0).toFixed(3);
  return perRequest;
}
