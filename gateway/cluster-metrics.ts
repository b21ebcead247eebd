// The gateway in several worker processes (GATEWAY_WORKERS) keeps one registry per worker, and a
// scrape reaches whichever worker the kernel hands it to: that worker asks the primary, which
// gathers every worker's figures (prom-client's AggregatorRegistry) and answers with their sum.
import cluster from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { useClusterExposition } from '../kit/metrics';

const ASK = 'hub:metrics?';
const ANSWER = 'hub:metrics';
const WAIT_MS = 6_000;

interface Ask { type: typeof ASK; id: number }
interface Answer { type: typeof ANSWER; id: number; text?: string; failed?: boolean }

/** In the primary: answers a worker's request with the figures of all workers. */
export function aggregateWorkerMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: Ask) => {
    if (message?.type !== ASK) return;
    aggregator.clusterMetrics().then((text): Answer => ({ type: ANSWER, id: message.id, text }), (): Answer => ({ type: ANSWER, id: message.id, failed: true }))
      .then((answer) => { if (worker.isConnected()) worker.send(answer); });
  });
}

/** In a worker: its /metrics answers with the whole cluster's figures, asked of the primary. */
export function metricsFromPrimary(): void {
  // Constructing one installs prom-client's answer to the primary's gathering in this worker.
  new AggregatorRegistry();
  let next = 0;
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  process.on('message', (message: Answer) => {
    if (message?.type !== ANSWER) return;
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.failed || message.text === undefined) pending?.reject(new Error('the primary could not gather the workers\' metrics'));
    else pending?.resolve(message.text);
  });
  useClusterExposition(() => new Promise<string>((resolve, reject) => {
    const id = ++next;
    waiting.set(id, { resolve, reject });
    process.send!({ type: ASK, id } satisfies Ask);
    setTimeout(() => { if (waiting.delete(id)) reject(new Error('the primary did not answer for the metrics')); }, WAIT_MS).unref();
  }));
}
