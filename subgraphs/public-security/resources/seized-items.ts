// The row rule of a handover of seized items (涉案物品移交, 国务院令第310号 第十二条). It belongs where
// its transfer belongs: the bureau that transferred the case, the public-security unit that
// accepted and filed it, the case's region. The bureau hands over; the unit that filed signs for it.
import type { Identity } from '../../../kit/identity';
import { defineResource, mayFilter, rowFilterSql } from '../../../kit/access';
import type { TransferRow } from '../entities';

export type SeizedItemsPlace = Pick<TransferRow, 'agencyCode' | 'acceptingUnit' | 'region'>;

export const seizedItemsRule = defineResource<SeizedItemsPlace>({
  resource: 'seized-items handover',
  placeText: 'its transfer\'s: the transferring bureau and the accepting public-security unit; the case\'s region',
  place: (t) => ({ units: [t.agencyCode, t.acceptingUnit], region: t.region }),
  actions: {
    /** What was handed over is internal case data (内部), read like the transfer. */
    read: { scope: 'case:read' },
    /** 第十二条: the bureau that transferred the case (行政执法机关) hands over what it seized. */
    handOver: {
      scope: 'transfer:write',
      when: { text: 'only the bureau that transferred the case', check: (identity: Identity, t: SeizedItemsPlace) => !!identity.org && identity.org === t.agencyCode },
    },
    /** 办结交接手续: the public-security unit that accepted (and filed) the case signs for the items. */
    confirmReceipt: {
      scope: 'transfer:decide',
      when: { text: 'only the unit that accepted the transfer', check: (identity: Identity, t: SeizedItemsPlace) => !!identity.org && identity.org === t.acceptingUnit },
    },
  },
});

/** The read rule as SQL on a table with agency_code, accepting_unit and region under `alias`. */
export function seizedItemsReadSql(identity: Identity, alias: string) {
  return rowFilterSql(mayFilter(identity, seizedItemsRule, 'read'),
    { units: [`${alias}.agency_code`, `${alias}.accepting_unit`], region: `${alias}.region` }, 'seizedItemsRead');
}
