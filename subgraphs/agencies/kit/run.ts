import type { SubgraphModule } from '../../../kit/module';
import { runSubgraph } from '../../../kit/runtime';
import { superviseProcess } from '../../../kit/supervised';
import { log, nameService } from '../../../kit/log';

/**
 * Runs an agency's subgraph in this process, as subgraphs/main.ts runs the hub's: its database
 * migrated, its endpoint listening on PORT, the `listening` line on stdout once it serves, and a
 * clean stop on SIGTERM. Configuration is the environment (DATABASE_URL, JUSTICE_URL, the keys).
 */
export async function runAgency(agency: SubgraphModule, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  nameService(agency.name);
  const running = await runSubgraph(agency, env);
  log.info('listening', { event: 'listening', subgraph: agency.name, url: running.url });
  superviseProcess(() => running.stop());
}
