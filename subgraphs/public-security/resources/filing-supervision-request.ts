// The row rule of a filing-supervision request as public security holds it (立案监督: 要求说明不立案理由,
// 通知立案 on one of its transfers). It belongs where the transfer belongs (the transferring bureau,
// the accepting public-security unit, the case's region) and to the procuratorate that sent it.
// Reading it is reading internal case data (case:read); answering it is the accepting unit's, as
// is every filing step of the transfer (刑诉规则 第五百五十九条、第五百六十一条; 公安机关办理刑事案件
// 程序规定 第一百八十三条、第一百八十四条: the public-security organ that refused explains and files).
import type { Identity } from '../../../kit/identity';
import { defineResource, mayFilter, rowFilterSql } from '../../../kit/access';

export interface FilingSupervisionRequestPlace { agencyCode: string; acceptingUnit: string | null; procuratorateCode: string; region: string }

const ACCEPTING_UNIT = {
  text: 'only the unit that accepted and refused the transfer',
  check: (identity: Identity, r: FilingSupervisionRequestPlace) => !!identity.org && identity.org === r.acceptingUnit,
};

export const filingSupervisionRequestRule = defineResource<FilingSupervisionRequestPlace>({
  resource: 'filing supervision request',
  placeText: 'the transferring bureau, the accepting public-security unit and the procuratorate; the case\'s region',
  place: (r) => ({ units: [r.agencyCode, r.acceptingUnit, r.procuratorateCode], region: r.region }),
  actions: {
    read: { scope: 'case:read' },
    /** 不立案理由说明. */
    explain: { scope: 'transfer:decide', when: ACCEPTING_UNIT },
    /** 依通知立案. */
    file: { scope: 'transfer:decide', when: ACCEPTING_UNIT },
  },
});

/** The read rule as SQL on filing_supervision_request under `alias`, for list queries. */
export function filingSupervisionRequestReadSql(identity: Identity, alias: string) {
  return rowFilterSql(mayFilter(identity, filingSupervisionRequestRule, 'read'),
    { units: [`${alias}.agency_code`, `${alias}.accepting_unit`, `${alias}.procuratorate_code`], region: `${alias}.region` }, 'fsrRead');
}
