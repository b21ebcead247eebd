import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleFor } from './build';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One service of the hub, however it runs: in its own process (ServiceProcess) or in the launcher's (in-process.ts). */
export interface HubService {
  readonly name: string;
  /** Resolves once the service serves. */
  start(): Promise<void>;
  /** Drains and stops it (SIGTERM for a process). */
  stop(): Promise<void>;
  /** Ends it with nothing drained (SIGKILL): a process only. */
  kill(): Promise<void>;
  /** Freezes it (SIGSTOP) and thaws it (SIGCONT): a process only. */
  pause(): void;
  resume(): void;
  readonly running: boolean;
  /** Its last lines of output. */
  readonly recentOutput: string;
}

/** One service of the hub in its own Node process; ready once it prints its `listening` line. */
export class ServiceProcess implements HubService {
  private child: ChildProcess | null = null;
  private tail: string[] = [];

  /** `buildDir`: a folder of scripts/hub/build.ts to start the entry's bundle from instead of its sources through tsx. */
  constructor(readonly name: string, private readonly entry: string[], private readonly env: NodeJS.ProcessEnv, private readonly echo: boolean,
    private readonly buildDir?: string) {}

  // Generous: on a busy machine (CI with browsers, eight subgraphs on two cores, or three hubs
  // starting at once) a cold start with every migration has taken over 90 s; a service that fails
  // still reports at once (exit), so the bound only matters for one that hangs.
  start(timeoutMs = 240_000): Promise<void> {
    const [file, ...args] = this.entry;
    const bundle = this.buildDir ? bundleFor(this.buildDir, file) : undefined;
    const child = spawn(process.execPath, bundle ? [bundle, ...args] : ['--import', 'tsx', file, ...args], { cwd: ROOT, env: { ...this.env, HUB_SUPERVISED: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    const remember = (chunk: Buffer) => {
      const text = chunk.toString();
      this.tail = [...this.tail, ...text.split('\n').filter(Boolean)].slice(-40);
      if (this.echo) process.stderr.write(text.replace(/^(?=.)/gm, `[${this.name}] `));
    };
    child.stderr!.on('data', remember);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start within ${timeoutMs} ms:\n${this.tail.join('\n')}`)), timeoutMs);
      child.stdout!.on('data', (chunk: Buffer) => {
        remember(chunk);
        if (chunk.toString().includes('"event":"listening"')) { clearTimeout(timer); resolve(); }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        this.child = null;
        reject(new Error(`${this.name} exited with ${code} before listening:\n${this.tail.join('\n')}`));
      });
    });
  }

  stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      // A stopping service drains its requests for up to 10 s (kit/http.ts DRAIN_GRACE_MS) first.
      const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', () => { clearTimeout(kill); this.child = null; resolve(); });
      child.kill('SIGTERM');
    });
  }

  /**
   * Ends the process with `signal` (default SIGKILL: no shutdown hook, no drain, as a host that
   * loses power or an OOM kill) and waits until it is gone. A stopped (SIGSTOP) process dies too.
   */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => { this.child = null; resolve(); });
      child.kill(signal);
    });
  }

  /** Freezes the process (SIGSTOP): it keeps its sockets but answers nothing, like a hung service. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null;
  }

  get recentOutput(): string {
    return this.tail.join('\n');
  }
}
