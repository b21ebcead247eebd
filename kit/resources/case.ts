// The row rule of a case (行政执法案件), read by the justice case index and by every agency
// subgraph alike, so the index and the owning agency answer the same caller the same way.
// A case belongs to its owning bureau and lies in its region: an agency officer reads and records
// its own bureau's cases (case:read@unit, case:write@unit), public security, the procuratorate and
// the justice bureau read the cases of their region (case:read@region), the owners' machines all.
import type { Identity } from '../identity';
import { defineResource, mayFilter, rowFilterSql } from '../access';

/** Where a case belongs: its owning bureau and its region (行政区划代码). */
export interface CasePlace { agencyCode: string; region: string }

export const caseRule = defineResource<CasePlace>({
  resource: 'case',
  placeText: "the owning bureau; the case's region",
  place: (c) => ({ units: [c.agencyCode], region: c.region }),
  actions: {
    /** Facts, amounts, party name, status (内部): the case itself. */
    read: { scope: 'case:read' },
    /** 录入: record a case of a bureau (the bureau named by the caller's org). */
    record: { scope: 'case:write' },
  },
});

/**
 * The case rule as SQL over a table's own columns: the rows the caller may read. For list queries
 * (TypeORM named parameters): `qb.andWhere(sql, params)`.
 */
export function caseReadSql(identity: Identity, columns: { agencyCode: string; region: string }, name = 'caseRule') {
  return rowFilterSql(mayFilter(identity, caseRule, 'read'), { units: [columns.agencyCode], region: columns.region }, name);
}
