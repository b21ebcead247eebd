import { may } from '../../kit/access';
import { changeStream } from '../../kit/change-stream';
import { alertRule, type AlertPlace } from './resources/alert';

// Push for alerts (以罚代刑 and repeat offenders, issue 12): GET /events/alerts, opened by the
// gateway for one user, says `changed` when an alert the user may read (the alert's own row rule,
// resources/alert.ts) is raised or changes. Signals come from the trigger of migration 1700000002501.

export const alertChanges = changeStream<AlertPlace>({
  channel: 'alerts_changed',
  // The read rule looks at the role's grants, the unit and the region only.
  audienceOf: (identity) => JSON.stringify([identity.role, identity.org ?? null, identity.region ?? null]),
  concerns: async (_runtime, identity, place) => may(identity, alertRule, 'read', place),
});
