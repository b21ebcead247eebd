// `--baseline <git ref>`: an earlier commit of the hub, checked out in a temporary git worktree
// (this checkout's node_modules linked in), booted with that commit's own bench code (its
// bench/hub.ts, seed.ts and targets.ts: its migrations, its seed, its gateway) on its own
// embedded PostgreSQL, beside this commit's hub. The worktree is removed afterwards, on failure
// too, and at exit if the run is interrupted.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url)).replace(/\/$/, '');

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** What the baseline's own bench code offers (the shapes this commit's bench/hub.ts, seed.ts and targets.ts have). */
interface BaselineBenchHub {
  dataDir: string;
  seedTarget: unknown;
  sqlStatements(): Promise<number>;
  stop(): Promise<void>;
}
interface BaselineModules {
  bootBenchHub(echo?: boolean): Promise<BaselineBenchHub>;
  seedCases(target: unknown, range: { from: number; to: number; total: number; now: Date }, label?: string): Promise<number>;
  dropPool(target: unknown): Promise<void>;
  caseIds(target: unknown, numbers: number[]): Promise<string[]>;
  startTarget(bench: BaselineBenchHub, kind: 'hub', workers: number, echo?: boolean): Promise<{ url: string; stop(): Promise<void> }>;
}

export interface BaselineHub {
  ref: string;
  commit: string;
  /** The worktree and the baseline hub's data directory: where its processes run (bench/cpu.ts `within`). */
  dirs: string[];
  dataDir: string;
  url: string;
  sqlStatements(): Promise<number>;
  /** The baseline's case ids for the given case numbers, written to a file for the load generator. */
  idsFile(numbers: number[]): Promise<string>;
  stop(): Promise<void>;
}

let worktree: string | null = null;

/** Removes the worktree (the node_modules link first, so nothing follows it), synchronously: it also runs at exit. */
export function removeWorktree(): void {
  const dir = worktree;
  if (!dir) return;
  worktree = null;
  try { if (existsSync(join(dir, 'node_modules'))) unlinkSync(join(dir, 'node_modules')); } catch { /* already gone */ }
  try { git('worktree', 'remove', '--force', dir); } catch { /* not registered, or half made */ }
  rmSync(dir, { recursive: true, force: true });
  try { git('worktree', 'prune'); } catch { /* nothing to prune */ }
}
process.once('exit', removeWorktree);

/** The commit a ref names, or an error naming the ref. */
export function resolveRef(ref: string): string {
  try {
    return git('rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`);
  } catch {
    throw new Error(`--baseline: git does not know "${ref}" as a commit here`);
  }
}

/**
 * Checks the ref out in a temporary worktree, boots its hub with its own bench code, seeds the
 * same number of cases and starts its gateway under test. On any failure the worktree is removed.
 */
export async function bootBaselineHub(ref: string, opts: { cases: number; workers: number; now: Date; echo: boolean; log: (m: string) => void }): Promise<BaselineHub> {
  const commit = resolveRef(ref);
  const dir = mkdtempSync(join(tmpdir(), 'hub-baseline-'));
  worktree = dir;
  let bench: BaselineBenchHub | undefined;
  try {
    git('worktree', 'add', '--detach', dir, commit);
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const load = async (file: string) => import(pathToFileURL(join(dir, file)).href) as Promise<Partial<BaselineModules>>;
    const mods = { ...(await load('bench/hub.ts')), ...(await load('bench/seed.ts')), ...(await load('bench/targets.ts')) } as BaselineModules;
    for (const name of ['bootBenchHub', 'seedCases', 'dropPool', 'caseIds', 'startTarget'] as const) {
      if (typeof mods[name] !== 'function') throw new Error(`${ref} has no bench ${name}(): too old to measure as a baseline`);
    }
    opts.log(`baseline ${ref} (${commit.slice(0, 12)}): booting its hub from ${dir}`);
    bench = await mods.bootBenchHub(opts.echo);
    await mods.seedCases(bench.seedTarget, { from: 1, to: opts.cases, total: opts.cases, now: opts.now }, `baseline: seeding ${opts.cases.toLocaleString('en')}`);
    await mods.dropPool(bench.seedTarget);
    const target = await mods.startTarget(bench, 'hub', opts.workers, opts.echo);
    const started = bench;
    return {
      ref, commit, dirs: [dir, started.dataDir], dataDir: started.dataDir, url: target.url,
      sqlStatements: () => started.sqlStatements(),
      async idsFile(numbers) {
        const file = join(started.dataDir, `baseline-ids-${numbers.length}.json`);
        writeFileSync(file, JSON.stringify(await mods.caseIds(started.seedTarget, numbers)));
        return file;
      },
      async stop() {
        try {
          await target.stop().catch(() => {});
          await started.stop().catch(() => {});
        } finally {
          removeWorktree();
        }
      },
    };
  } catch (error) {
    await bench?.stop().catch(() => {});
    removeWorktree();
    throw error;
  }
}
