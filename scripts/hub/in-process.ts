import type { SubgraphModule } from '../../kit/module';
import { runSubgraph } from '../../kit/runtime';
import { log, runAsService, type ServiceLog } from '../../kit/log';
import { gatewayConfig } from '../../gateway/config';
import { gatewaySigningKey } from '../../gateway/data-source';
import { startGateway } from '../../gateway/server';
import type { HubService } from './processes';

/**
 * One service of the hub run in the launcher's own process (the test hub), with the surface of a
 * ServiceProcess: the same entry (runSubgraph, or the gateway's start as gateway/main.ts does it)
 * given the service's own environment object, never process.env. What only a process has
 * (signals, worker processes, a tracer provider of its own) is refused with a clear error.
 */
export class InProcessService implements HubService {
  private serving: { stop(): Promise<void> } | null = null;
  private tail: string[] = [];
  private readonly output: ServiceLog;

  /** `module`: the subgraph to run, or `gateway`. */
  constructor(readonly name: string, private readonly module: SubgraphModule | 'gateway', private readonly env: NodeJS.ProcessEnv, echo: boolean) {
    const prefix = `[${name}] `;
    this.output = {
      name: module === 'gateway' ? 'gateway' : module.name,
      level: env.LOG_LEVEL,
      write: (text) => {
        this.tail = [...this.tail, ...text.split('\n').filter(Boolean)].slice(-40);
        if (echo) process.stderr.write(text.replace(/^(?=.)/gm, prefix));
      },
    };
  }

  async start(): Promise<void> {
    if (this.serving) throw new Error(`${this.name} is already running`);
    this.refuseWhatNeedsAProcess();
    this.serving = await runAsService(this.output, async () => {
      if (this.module === 'gateway') {
        const config = gatewayConfig(this.env);
        // As gateway/main.ts: a missing or wrong signing key stops the start, not the first request.
        await gatewaySigningKey(config.signingKeyFile);
        const running = await startGateway(config);
        log.info('listening', { event: 'listening', workers: 1, url: `${running.url}/graphql` });
        return running;
      }
      const running = await runSubgraph(this.module, this.env);
      log.info('listening', { event: 'listening', subgraph: this.module.name, url: running.url });
      return running;
    });
  }

  async stop(): Promise<void> {
    const serving = this.serving;
    this.serving = null;
    await serving?.stop();
  }

  kill(): Promise<void> {
    return Promise.reject(this.needsProcesses('killed'));
  }

  pause(): void {
    throw this.needsProcesses('paused');
  }

  resume(): void {
    throw this.needsProcesses('resumed');
  }

  get running(): boolean {
    return this.serving !== null;
  }

  get recentOutput(): string {
    return this.tail.join('\n');
  }

  private needsProcesses(what: string): Error {
    return new Error(`${this.name} runs in the test's own process and cannot be ${what}: start the hub with { processes: true }`);
  }

  /** Settings that are per process: one service cannot have them alone in a shared process. */
  private refuseWhatNeedsAProcess(): void {
    if (this.env.OTEL_EXPORTER_OTLP_ENDPOINT) throw new Error(`${this.name}: traces have one provider per process (kit/tracing.ts): start the hub with { processes: true }`);
    if (this.module === 'gateway' && Number(this.env.GATEWAY_WORKERS || 1) > 1) throw new Error(`${this.name}: GATEWAY_WORKERS runs worker processes: start the hub with { processes: true }`);
  }
}
