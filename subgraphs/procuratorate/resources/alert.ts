// The row rule of an alert (以罚代刑 or a repeat offender): a lead about a case of a bureau, in the
// case's region. It is supervision data (supervision:read): procurators and the justice bureau
// read the alerts of their jurisdiction; a procurator of that jurisdiction converts one into a
// supervision matter (supervision:write) in its procuratorate's name.
import type { Identity } from '../../../kit/identity';
import { defineResource, mayFilter, rowFilterSql } from '../../../kit/access';
import type { AlertRow } from '../alerts';
import { OWN_UNIT } from './supervision-matter';

export type AlertPlace = Pick<AlertRow, 'agencyCode' | 'region'>;

export const alertRule = defineResource<AlertPlace>({
  resource: 'alert',
  placeText: 'the bureau whose case it is; the case\'s region',
  place: (a) => ({ units: [a.agencyCode], region: a.region }),
  actions: {
    read: { scope: 'supervision:read' },
    convert: { scope: 'supervision:write', when: OWN_UNIT },
  },
});

/** The read rule as SQL on alert under `alias`, for list queries. */
export function alertReadSql(identity: Identity, alias: string) {
  return rowFilterSql(mayFilter(identity, alertRule, 'read'), { units: [`${alias}.agency_code`], region: `${alias}.region` }, 'alertRead');
}
