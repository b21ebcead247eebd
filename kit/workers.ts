import type { SubgraphRuntime } from './module';
import { log } from './log';
import { asBackgroundWork } from './database';

// Background work of a subgraph (SubgraphModule.workers): outbox relays and watches. Each is a
// poll loop: run a pass, and when it did nothing wait for the poll interval or a nudge. One loop
// for all of them, so stopping, error logging and waking behave the same everywhere.

/** What SubgraphModule.workers takes: starts work for a runtime and returns its stop function. */
export type Worker = (runtime: SubgraphRuntime) => Promise<() => Promise<void>>;

/** A pass returns how much it did: more than 0 runs the next pass at once (a backlog drains). */
export type Pass = () => Promise<number>;

export class PollLoop {
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly label: string, private readonly pollMs: number, private readonly pass: Pass) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Run the next pass now rather than at the next poll (after a commit that gave it work). */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let done = 0;
      try {
        done = await asBackgroundWork(this.pass);
      } catch (error) {
        if (this.running) log.error(`${this.label} failed`, error);
      }
      if (done > 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wake = () => { clearTimeout(timer); resolve(); };
      });
      this.wake = null;
    }
  }
}

/** How often a loop polls: the named variable, else the default. */
export const pollMsOf = (runtime: SubgraphRuntime, variable: string, fallback = 1000): number => Number(runtime.env[variable] ?? fallback);

/**
 * A watch: a pass run every `variable` milliseconds (default 1000) against the runtime, e.g. the
 * procuratorate's overdue watch over suggestions.
 */
export function pollWorker(name: string, variable: string, pass: (runtime: SubgraphRuntime) => Promise<number>): Worker {
  return async (runtime) => {
    const loop = new PollLoop(`[${runtime.name}] ${name}`, pollMsOf(runtime, variable), () => pass(runtime));
    loop.start();
    return () => loop.stop();
  };
}

/** Several workers as one SubgraphModule.workers; stopped in reverse order of starting. */
export function allWorkers(...workers: Worker[]): Worker {
  return async (runtime) => {
    const stops: (() => Promise<void>)[] = [];
    for (const start of workers) stops.push(await start(runtime));
    return async () => { for (const stop of stops.reverse()) await stop(); };
  };
}
