// The row rule of a supervision matter (检察监督事项): it belongs to the procuratorate that opened it
// and to the case's region. Supervision matters are read under supervision:read (procurators and
// the justice bureau, in their jurisdiction, schema/policy.json); the internal notes are the
// opening procuratorate's (supervision:notes@unit).
import type { Identity } from '../../../kit/identity';
import { defineResource, mayFilter, rowFilterSql } from '../../../kit/access';
import type { SupervisionMatterRow } from '../entities';

export type SupervisionMatterPlace = Pick<SupervisionMatterRow, 'procuratorateCode' | 'region'>;

/** A procuratorate acts in its own name: the unit that opens a matter is recorded on it. */
export const OWN_UNIT = { text: 'by a procuratorate with a unit code, recorded as the opener', check: (identity: Identity) => !!identity.org };

export const supervisionMatterRule = defineResource<SupervisionMatterPlace>({
  resource: 'supervision matter',
  placeText: 'the procuratorate that opened it; the case\'s region',
  place: (m) => ({ units: [m.procuratorateCode], region: m.region }),
  actions: {
    read: { scope: 'supervision:read' },
    /** 立案监督 / 移送监督 …: on a case of the caller's jurisdiction (the place is the case's). */
    open: { scope: 'supervision:write', when: OWN_UNIT },
    close: {
      scope: 'supervision:write',
      when: { text: 'only the procuratorate that opened the matter', check: (identity, m) => !!identity.org && identity.org === m.procuratorateCode },
    },
    readNotes: { scope: 'supervision:notes' },
  },
});

/** The read rule as SQL on supervision_matter under `alias`, for list queries. */
export function supervisionMatterReadSql(identity: Identity, alias: string) {
  return rowFilterSql(mayFilter(identity, supervisionMatterRule, 'read'), { units: [`${alias}.procuratorate_code`], region: `${alias}.region` }, 'matterRead');
}
