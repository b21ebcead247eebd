// Starts one gateway under test (bench/cluster.ts, N workers) on the running hub's subgraphs.
import { freePort } from '../scripts/hub/hub';
import { ServiceProcess } from '../scripts/hub/processes';
import { signForwardedIdentity } from '../kit/identity';
import { GATEWAY, readSigningKey } from '../kit/keys';
import { PROCURATOR, REASON } from './dataset';
import type { BenchHub } from './hub';
import type { TargetKind } from './gateways';

export const TARGET_LABELS: Record<TargetKind, string> = {
  hub: "hub's gateway (policy, masking, audit)",
  apollo: 'bare @apollo/gateway',
  'apollo-agents': "@apollo/gateway with the hub's subgraph client (agents made once)",
  hive: 'Hive Gateway (JS planner, dedupe on)',
  'hive-nodedupe': 'Hive Gateway (JS planner, dedupe off)',
  'hive-router': 'Hive Gateway (Rust planner, dedupe on)',
  'hive-router-nodedupe': 'Hive Gateway (Rust planner, dedupe off)',
};

/** How long a gateway under test may take to boot: minutes on a machine busy with other work (load 30–50 on 2 cores seen). */
const BOOT_TIMEOUT_MS = 300_000;

export interface StartedTarget { kind: TargetKind; url: string; stop(): Promise<void> }

/** The identity the baselines send every subgraph: one long-lived procurator with a reason. */
export async function staticIdentity(bench: BenchHub): Promise<string> {
  // Signed with the gateway's key, as the hub's gateway signs: the baselines stand in for it,
  // with one token addressed to every subgraph.
  const gateway = await readSigningKey(bench.hub.keys.privateKey(GATEWAY), GATEWAY);
  return signForwardedIdentity({ ...PROCURATOR, reason: REASON }, gateway, Object.keys(bench.hub.subgraphUrls), 86_400);
}

export async function startTarget(bench: BenchHub, kind: TargetKind, workers: number, echo = false, extraEnv: NodeJS.ProcessEnv = {}): Promise<StartedTarget> {
  const port = await freePort();
  const { hub } = bench;
  // The hub's gateway gets exactly what scripts/hub/hub.ts gave the hub's own gateway (its database
  // login, keys, issuer, subgraph URLs, the bench's audit rate); the baselines read the URLs and the token.
  const env: NodeJS.ProcessEnv = {
    ...hub.environments.gateway,
    PORT: String(port),
    BENCH_WORKERS: String(workers),
    BENCH_IDENTITY_TOKEN: await staticIdentity(bench),
    ...extraEnv,
  };
  const service = new ServiceProcess(`bench:${kind}`, ['bench/cluster.ts', kind], env, echo);
  await service.start(BOOT_TIMEOUT_MS);
  return { kind, url: `http://127.0.0.1:${port}/graphql`, stop: () => service.stop() };
}
