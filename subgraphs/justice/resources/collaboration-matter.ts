// The row rule of a collaboration matter (案件咨询, 提前介入, 线索, 交办/督办;
// subgraphs/justice/collaboration.ts): it belongs to the requesting unit and the addressed unit,
// and lies in the addressed unit's region. Either unit reads it; only the addressed unit answers,
// only the requesting unit urges (督办). The supervisors of the region (supervision:read) read the
// matters of their region. A matter is opened by a unit from itself (collaboration:request), or,
// for 交办, assigned by a supervisor to a bureau within its region (collaboration:assign).
import type { Identity } from '../../../kit/identity';
import { defineResource, mayAny, mayAnySql } from '../../../kit/access';

export interface CollaborationPlace { requesterUnit: string; addresseeUnit: string; region: string }

const ADDRESSED_UNIT = {
  text: 'only the unit the matter is addressed to',
  check: (identity: Identity, m: CollaborationPlace) => !!identity.org && identity.org === m.addresseeUnit,
};
const REQUESTING_UNIT = {
  text: 'only the unit that opened the matter',
  check: (identity: Identity, m: CollaborationPlace) => !!identity.org && identity.org === m.requesterUnit,
};

export const collaborationMatterRule = defineResource<CollaborationPlace>({
  resource: 'collaboration matter',
  placeText: "the requesting and the addressed unit; the addressed unit's region",
  place: (m) => ({ units: [m.requesterUnit, m.addresseeUnit], region: m.region }),
  actions: {
    read: { scope: 'collaboration:request' },
    readSupervised: { scope: 'supervision:read' },
    /** From the caller's own unit (the place names it as requester). */
    request: { scope: 'collaboration:request', when: REQUESTING_UNIT },
    /** 交办: to a bureau within the caller's region. */
    assign: { scope: 'collaboration:assign', when: REQUESTING_UNIT },
    answer: { scope: 'collaboration:answer', when: ADDRESSED_UNIT },
    urge: { scope: 'collaboration:request', when: REQUESTING_UNIT },
  },
});

/** Whether the caller reads the matter, as one of its units or as a supervisor of its region. */
export function mayReadMatter(identity: Identity, m: CollaborationPlace): boolean {
  return mayAny(identity, collaborationMatterRule, ['read', 'readSupervised'], m);
}

/** The read rule as SQL on collaboration_matter under `alias`, for lists. */
export function matterReadSql(identity: Identity, alias: string) {
  return mayAnySql(identity, collaborationMatterRule, {
    read: { units: [`${alias}.requester_unit`, `${alias}.addressee_unit`], region: `${alias}.region` },
    readSupervised: { units: [`${alias}.requester_unit`, `${alias}.addressee_unit`], region: `${alias}.region` },
  }, 'collabRead');
}
