// The row rule of a filing-supervision matter (立案监督, 刑事诉讼法 第113条; 国务院令第310号 第九条). It
// belongs to the transferring bureau, the public-security unit that refused, the procuratorate
// that took it up, and the case's region. Procurators and the justice bureau read the matters of
// their jurisdiction (supervision:read); the bureau and the refusing unit read those on their own
// transfer (case:read, their unit only). The bureau asks for supervision (提请立案监督, as it asks
// for reconsideration: transfer:write); a procuratorate takes a matter up in its own name and
// only it decides on it afterwards.
import type { Identity } from '../../../kit/identity';
import { defineResource, mayAny, mayAnySql } from '../../../kit/access';

export interface FilingSupervisionPlace { agencyCode: string; acceptingUnit: string | null; procuratorateCode: string | null; region: string }

const PARTY_UNIT = {
  text: 'only the transferring bureau and the public-security unit that refused',
  check: (identity: Identity, m: FilingSupervisionPlace) => !!identity.org && (identity.org === m.agencyCode || identity.org === m.acceptingUnit),
};

const TRANSFERRING_BUREAU = {
  // 第九条: the transferring organ (移送机关) asks the procuratorate.
  text: 'only the bureau that transferred the case',
  check: (identity: Identity, m: FilingSupervisionPlace) => !!identity.org && identity.org === m.agencyCode,
};

const TAKING_UP = {
  text: 'by a procuratorate with a unit code, not yet taken up by another',
  check: (identity: Identity, m: FilingSupervisionPlace) => !!identity.org && (m.procuratorateCode === null || m.procuratorateCode === identity.org),
};

const OWN_MATTER = {
  text: 'only the procuratorate that took the matter up',
  check: (identity: Identity, m: FilingSupervisionPlace) => !!identity.org && identity.org === m.procuratorateCode,
};

export const filingSupervisionRule = defineResource<FilingSupervisionPlace>({
  resource: 'filing supervision',
  placeText: 'the transferring bureau, the refusing public-security unit and the procuratorate; the case\'s region',
  place: (m) => ({ units: [m.agencyCode, m.acceptingUnit, m.procuratorateCode], region: m.region }),
  actions: {
    read: { scope: 'supervision:read' },
    readOwn: { scope: 'case:read', when: PARTY_UNIT },
    /** 提请立案监督. */
    request: { scope: 'transfer:write', when: TRANSFERRING_BUREAU },
    /** 要求说明不立案理由. */
    requireExplanation: { scope: 'supervision:write', when: TAKING_UP },
    /** 理由成立 / 通知立案, and 纠正违法通知书. */
    decide: { scope: 'supervision:write', when: OWN_MATTER },
  },
});

/** Whether the caller reads the matter, by either way in. */
export function mayReadFilingSupervisionMatter(identity: Identity, m: FilingSupervisionPlace): boolean {
  return mayAny(identity, filingSupervisionRule, ['read', 'readOwn'], m);
}

/** Both ways in (supervision:read over the region; case:read of a party unit) as SQL on filing_supervision under `alias`. */
export function filingSupervisionReadSql(identity: Identity, alias: string): { sql: string; params: Record<string, string> } {
  return mayAnySql(identity, filingSupervisionRule, {
    read: { units: [`${alias}.agency_code`, `${alias}.accepting_unit`, `${alias}.procuratorate_code`], region: `${alias}.region` },
    // readOwn's condition (a party unit) within the grant's reach.
    readOwn: { units: [`${alias}.agency_code`, `${alias}.accepting_unit`], region: `${alias}.region`, callerIn: [`${alias}.agency_code`, `${alias}.accepting_unit`] },
  }, 'fsRead');
}
