import type { SubgraphRuntime } from '../../../kit/module';
import { OutboxRelay as KitOutboxRelay } from '../../../kit/outbox';

/**
 * Delivers an agency's outbox to the case index (justice's `case-events` route): the kit's
 * generic relay (kit/outbox.ts), at least once, in order, with backoff.
 */
export class OutboxRelay extends KitOutboxRelay {
  constructor(runtime: SubgraphRuntime, pollMs?: number) {
    super(runtime, { to: 'justice', route: 'case-events', pollMs });
  }
}
