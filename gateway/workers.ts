// A service in N worker processes sharing one port (node:cluster): the gateway's work is
// JavaScript on one thread, so one worker per core. Prints the hub's `listening` line once every
// worker listens (scripts/hub/processes.ts waits for it).
import cluster from 'node:cluster';
import { superviseProcess } from '../kit/supervised';
import { aggregateWorkerMetrics, metricsFromPrimary } from './cluster-metrics';
import { log, nameService } from '../kit/log';

export interface Clustered {
  workers: number;
  label: string;
  url: string;
  start(): Promise<{ stop(): Promise<void> }>;
}

export async function runClustered({ workers, label, url, start }: Clustered): Promise<void> {
  nameService(label);
  const listening = () => log.info('listening', { event: 'listening', workers, url });
  if (workers <= 1) {
    const running = await start();
    listening();
    return superviseProcess(() => running.stop());
  }
  if (cluster.isWorker) {
    metricsFromPrimary();
    const running = await start().catch((error) => {
      log.error(`${label} worker failed to start`, error);
      process.exit(1);
    });
    const stop = () => { running.stop().finally(() => process.exit(0)); };
    process.once('SIGTERM', stop);
    process.once('disconnect', stop);
    process.send!('listening');
    return;
  }
  aggregateWorkerMetrics();
  let ready = 0;
  let stopping = false;
  cluster.on('message', (_worker, message) => { if (message === 'listening' && ++ready === workers) listening(); });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    // A worker died: stop the rest and exit, so the supervisor (launcher, compose) restarts us whole.
    log.error(`${label} worker exited; stopping`, { worker: worker.process.pid, exit: code ?? signal });
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    process.exit(1);
  });
  // Workers must not watch the launcher's stdin: only the primary does.
  for (let i = 0; i < workers; i++) cluster.fork({ HUB_SUPERVISED: '0' });
  superviseProcess(async () => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
    await Promise.all(alive.map((w) => new Promise<void>((resolve) => {
      const timer = setTimeout(() => { w!.process.kill('SIGKILL'); resolve(); }, 5_000);
      w!.once('exit', () => { clearTimeout(timer); resolve(); });
      w!.process.kill('SIGTERM');
    })));
  });
}
