import { changeStream } from '../../kit/change-stream';
import { inBackground } from '../../kit/database';
import { addressedTo, unitOf } from './inbox';

// Push for the inbox (双向通报, issue 12): GET /events/inbox, opened by the gateway for one user,
// says `changed` when a notice addressed to the user's unit arrives or the unit marks one read.
// The signals come from the triggers of migration 1700000002500; whether a notice concerns the
// user is decided by the inbox's own addressing (addressedTo), never by a second copy of it.

type InboxSignal = { notice: string } | { unit: string };

export const inboxChanges = changeStream<InboxSignal>({
  channel: 'inbox_changed',
  // The inbox's addressing reads the unit, the role's grants and the region; the user stands in for a unit-less caller.
  audienceOf: (identity) => JSON.stringify([unitOf(identity), identity.role, identity.region ?? null]),
  async concerns(runtime, identity, signal) {
    if ('unit' in signal) return signal.unit === unitOf(identity);
    const params: unknown[] = [signal.notice];
    const where = addressedTo(identity, params);
    const found = await inBackground(runtime.db, (runner) => runner.query(`SELECT 1 FROM notification n WHERE n.id = $1 AND ${where}`, params));
    return found.length > 0;
  },
});
