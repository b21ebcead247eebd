import type { Channel } from '../../../kit/outbox';
import { CASE_EVENT, CASE_EVENT_ROUTE, type CaseEvent } from '../../../kit/messages/case-event';
import { withPartyRefs } from './party-ref';

/**
 * An agency's outbox to the case index: the kit's outbox (kit/outbox.ts) holding CaseEvents,
 * relayed to justice's `case-events` route at least once, in order, with backoff. The rows name
 * the case and its figures, never the party's identifier; the relay adds the party's keyed
 * reference just before sending (party-ref.ts).
 */
export const CASE_EVENTS: Channel<CaseEvent> = { to: 'justice', route: CASE_EVENT_ROUTE, table: 'outbox', message: CASE_EVENT, prepare: withPartyRefs };
