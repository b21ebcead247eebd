import type { Channel } from '../../../kit/outbox';
import { CASE_EVENT, CASE_EVENT_ROUTE, type CaseEvent } from '../../../kit/messages/case-event';

/**
 * An agency's outbox to the case index: the kit's outbox (kit/outbox.ts) holding CaseEvents,
 * relayed to justice's `case-events` route at least once, in order, with backoff.
 */
export const CASE_EVENTS: Channel<CaseEvent> = { to: 'justice', route: CASE_EVENT_ROUTE, table: 'outbox', message: CASE_EVENT };
