import type { InternalRoute, SubgraphRuntime } from '../../kit/module';
import { log } from '../../kit/log';
import { followAgencyKinds, type AgencyEntry } from '../agencies/learning';

// The procuratorate screens a case by its agency's kind (schema/offence-map.json `agencyKinds`;
// screening.ts). An agency outside this repository is known to justice only, which stores the
// entry the agency announced (subgraphs/justice/agency-kinds.ts). The procuratorate asks justice
// for those entries over signed HTTP (POST justice /internal/agency-kinds-learnt), with the one
// follower justice uses for its own table (subgraphs/agencies/learning.ts): at start, and at once
// when an index event names a case type it does not know (no poll: nothing else needs the kind). Justice learns an agency
// before it accepts one case event of it, so that ask always finds it: the case is screened as
// its kind, never as a kind unknown.

const fromJustice = async (runtime: SubgraphRuntime): Promise<AgencyEntry[]> =>
  ((await runtime.send<{ agencies: AgencyEntry[] }>('justice', 'agency-kinds-learnt', {})).agencies ?? []);

const follower = followAgencyKinds('agency kinds from justice', fromJustice, {
  // Justice may not be up yet. No poll: what the procuratorate needs the kind for is judging a
  // case, and a case of an agency it does not know makes it ask (knowCaseTypes) before judging.
  mustStart: false, poll: false,
  changed: async () => { log.info('agency kinds learnt from justice'); },
});

export const agencyKindsWorker = follower.worker;

/** The case types an index-event body names (unchecked: the route checks the message itself). */
function caseTypesOf(body: unknown): string[] {
  const events = (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return [];
  return events.map((e) => (e as { caseType?: unknown } | null)?.caseType).filter((t): t is string => typeof t === 'string');
}

/** justice's index events, judged once every case type in them is a known agency's. */
export function knowingAgencyKinds(route: InternalRoute): InternalRoute {
  return async (runtime, body, from) => {
    // Justice not answering fails the delivery: its outbox sends the events again, and they are
    // not judged without their agency's kind meanwhile.
    await follower.knowCaseTypes(runtime, caseTypesOf(body));
    return route(runtime, body, from);
  };
}
