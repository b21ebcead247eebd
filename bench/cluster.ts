// N worker processes of one gateway behind node:cluster, sharing one port:
// `node --import tsx bench/cluster.ts <hub|apollo|hive>` with BENCH_WORKERS and the gateway's env.
// Prints the hub's `listening` line once every worker listens (scripts/hub/processes.ts waits for it).
import cluster from 'node:cluster';
import { superviseProcess } from '../scripts/hub/supervised';
import { startTarget, TARGETS, type TargetKind } from './gateways';

const kind = process.argv[2] as TargetKind;
if (!TARGETS.includes(kind)) {
  console.error(`usage: bench/cluster.ts <${TARGETS.join('|')}>`);
  process.exit(2);
}

if (cluster.isPrimary) {
  const workers = Math.max(1, Number(process.env.BENCH_WORKERS ?? 2));
  let ready = 0;
  let stopping = false;
  cluster.on('message', (_worker, message) => {
    if (message === 'listening' && ++ready === workers) {
      console.log(JSON.stringify({ event: 'listening', service: `${kind} ×${workers}`, url: `http://127.0.0.1:${process.env.PORT}/graphql` }));
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`[${kind}] worker ${worker.process.pid} exited (${code ?? signal}); stopping`);
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
} else {
  try {
    const running = await startTarget(kind);
    const stop = () => { running.stop().finally(() => process.exit(0)); };
    process.once('SIGTERM', stop);
    process.once('disconnect', stop);
    process.send!('listening');
  } catch (error) {
    console.error(`[${kind}] worker failed to start:`, error);
    process.exit(1);
  }
}
