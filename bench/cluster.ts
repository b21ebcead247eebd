// N worker processes of one gateway behind node:cluster, sharing one port:
// `node --import tsx bench/cluster.ts <hub|apollo|hive>` with BENCH_WORKERS and the gateway's env.
import { runClustered } from '../gateway/workers';
import { startTarget, TARGETS, type TargetKind } from './gateways';

const kind = process.argv[2] as TargetKind;
if (!TARGETS.includes(kind)) {
  console.error(`usage: bench/cluster.ts <${TARGETS.join('|')}>`);
  process.exit(2);
}
await runClustered({
  workers: Math.max(1, Number(process.env.BENCH_WORKERS ?? 2)),
  label: kind,
  url: `http://127.0.0.1:${process.env.PORT}/graphql`,
  start: () => startTarget(kind),
});
