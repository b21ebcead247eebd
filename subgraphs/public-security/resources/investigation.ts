// The row rule of an investigation (侦查) and its informant (举报人): classified data. It belongs to
// the public-security unit that accepted the transfer and to the case's region; the policy decides
// which grants reach it (investigation:read@unit for that unit, @region for the supervising
// procurators; informant:read@unit for that unit alone). Classified values are released only with
// a stated purpose (X-Access-Reason, 网络安全法 第21条) and there is no masked form.
import type { Identity } from '../../../kit/identity';
import { defineResource, may } from '../../../kit/access';
import { classifiedDecision, type Decision } from '../../../kit/personal-data';
import type { TransferRow } from '../entities';

export type InvestigationPlace = Pick<TransferRow, 'acceptingUnit' | 'region'>;

export const investigationRule = defineResource<InvestigationPlace>({
  resource: 'investigation',
  placeText: 'the public-security unit that accepted the transfer; the case\'s region',
  place: (t) => ({ units: [t.acceptingUnit], region: t.region }),
  actions: {
    /** Investigation details (classified; a stated reason is needed too). */
    read: { scope: 'investigation:read' },
    /** The informant's name and phone (classified; a stated reason is needed too). */
    readInformant: { scope: 'informant:read' },
    /** Records or updates the investigation. */
    record: {
      scope: 'transfer:decide',
      when: { text: 'only the unit that accepted the transfer', check: (identity: Identity, t) => !!identity.org && identity.org === t.acceptingUnit },
    },
  },
});

/**
 * Whether a classified value is released in full or not at all: the rule's scope must cover the
 * record (kit classifiedDecision) and the caller must have stated a reason.
 */
export function classifiedRelease(identity: Identity, action: 'read' | 'readInformant', t: InvestigationPlace): Decision {
  const decision = classifiedDecision(identity, investigationRule.actions[action].scope, investigationRule.place(t));
  // A `when` condition, should one be added to a read, holds here as everywhere.
  return decision === 'full' && may(identity, investigationRule, action, t) ? 'full' : 'denied';
}
