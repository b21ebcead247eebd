import type { SubgraphRuntime } from '../../../kit/module';
import { PollLoop, pollMsOf, type Worker } from '../../../kit/workers';
import { log } from '../../../kit/log';
import type { AgencyKind } from '../registry';

/**
 * An agency outside the hub's repository tells justice its registry entry at every start (POST
 * /internal/agency-kinds, signed with its own key), until justice answers: justice then lists its
 * case types without a redeploy (subgraphs/justice/agency-kinds.ts). The entry is state, not an
 * event: sent again whole, stored once, so a retry or a restart does no harm.
 */
export function announceWorker(kind: AgencyKind): Worker {
  return async (runtime: SubgraphRuntime) => {
    let announced = false;
    const entry = { name: kind.name, label: kind.label, bureauPrefix: kind.bureauPrefix, figures: kind.figures, attributes: kind.attributes };
    const loop = new PollLoop('agency announcement', pollMsOf(runtime, 'OUTBOX_POLL_MS'), async () => {
      if (announced) return 0;
      await runtime.send('justice', 'agency-kinds', entry);
      announced = true;
      log.info('announced to justice', { agency: kind.name, caseType: kind.caseType });
      return 0;
    });
    loop.start();
    return () => loop.stop();
  };
}
