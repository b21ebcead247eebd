import type { SubgraphRuntime } from '../../kit/module';
import { PollLoop, pollMsOf, type Worker } from '../../kit/workers';
import { log } from '../../kit/log';
import { AGENCY_KIND_BY_CASE_TYPE, learnAgencyKind, parseAgencyRegistry, type AgencyKind } from './registry';

// Learning agency kinds while a subgraph runs (issue 9): an agency outside this repository is not
// in schema/agencies.json, so an owner that reads the registry learns its entry from where the
// entry is kept. Justice keeps the entries the agencies announce (its agency_kind table); the
// procuratorate asks justice for them over signed HTTP (an owner never reads another's database).
// One follower for both: at start and on every poll, then at once when a case type nobody knows
// turns up, the entries are learnt into AGENCY_KINDS, which every reader consults at each use.

/** What an agency announces of itself: its registry entry (schema/agencies.json's shape). */
export type AgencyEntry = Pick<AgencyKind, 'name' | 'label' | 'bureauPrefix' | 'figures' | 'attributes'>;

export const entryOf = (kind: AgencyKind): AgencyEntry =>
  ({ name: kind.name, label: kind.label, bureauPrefix: kind.bureauPrefix, figures: kind.figures, attributes: kind.attributes });

/** Learns the entries; true when one is new or changed. A bad entry stops the pass, named. */
export function learnEntries(entries: AgencyEntry[]): boolean {
  let changed = false;
  for (const kind of parseAgencyRegistry({ agencies: entries })) changed = learnAgencyKind(kind) || changed;
  return changed;
}

export interface AgencyKindFollower {
  /** Starts the poll (first pass awaited only when `mustStart`: a source that is another owner may be down); `poll: false`, one pass at start. */
  worker: Worker;
  /** Learns now; several callers at once share one read. True when something changed. */
  refresh(runtime: SubgraphRuntime): Promise<boolean>;
  /** Learns now unless every case type is known already (an event of an agency learnt since the last poll). */
  knowCaseTypes(runtime: SubgraphRuntime, caseTypes: Iterable<string>): Promise<void>;
}

/**
 * Follows the agency entries `read` returns. `changed` runs after a pass that learnt something
 * (justice rebuilds its schema). Polls every five outbox polls: entries change rarely, and a case
 * of an agency not yet learnt is learnt on its arrival (knowCaseTypes) rather than by polling faster.
 */
export function followAgencyKinds(label: string, read: (runtime: SubgraphRuntime) => Promise<AgencyEntry[]>,
  options: { changed?: (runtime: SubgraphRuntime) => Promise<void>; mustStart?: boolean; poll?: boolean } = {}): AgencyKindFollower {
  let running: Promise<boolean> | null = null;
  const refresh = (runtime: SubgraphRuntime): Promise<boolean> => {
    running ??= (async () => {
      try {
        const changed = learnEntries(await read(runtime));
        if (changed) await options.changed?.(runtime);
        return changed;
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const worker: Worker = async (runtime) => {
    if (options.mustStart) await refresh(runtime);
    if (options.poll === false) {
      // Learnt at start when the source answers, else on the first case of an unknown type.
      if (!options.mustStart) await refresh(runtime).catch((error) => log.warn(`${label}: not learnt at start`, { error: (error as Error).message }));
      return async () => {};
    }
    const loop = new PollLoop(`[${runtime.name}] ${label}`, pollMsOf(runtime, 'OUTBOX_POLL_MS') * 5, async () => { await refresh(runtime); return 0; });
    loop.start();
    return () => loop.stop();
  };
  const knowCaseTypes = async (runtime: SubgraphRuntime, caseTypes: Iterable<string>) => {
    if ([...caseTypes].every((t) => AGENCY_KIND_BY_CASE_TYPE.has(t))) return;
    await refresh(runtime);
  };
  return { worker, refresh, knowCaseTypes };
}
