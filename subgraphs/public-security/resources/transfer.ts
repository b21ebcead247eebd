// The row rule of a transfer (移送, 国务院令第310号). Who may read a transfer and who may take each
// step of it follows from schema/policy.json (scope@reach) and where the transfer belongs: the
// bureau that transferred it, the public-security unit that accepted it, the case's region.
import type { Identity } from '../../../kit/identity';
import { defineResource, mayFilter, rowFilterSql } from '../../../kit/access';
import type { TransferRow } from '../entities';

/**
 * What the rule looks at: a transfer, or the transfer about to be submitted. After a 转送 the unit
 * named competent and the unit that forwarded it hold the transfer too (intake/forward.ts).
 */
export type TransferPlace = Pick<TransferRow, 'agencyCode' | 'acceptingUnit' | 'region'> & Partial<Pick<TransferRow, 'competentUnit' | 'forwardedFrom'>>;

const ACCEPTING_UNIT = {
  // 第八条: the public-security organ that accepted the transfer decides within 3 days, and (第九条)
  // answers the reconsideration of its own refusal. No regional grant widens this.
  text: 'only the unit that accepted the transfer',
  check: (identity: Identity, t: TransferPlace) => !!identity.org && identity.org === t.acceptingUnit,
};

const TRANSFERRING_BUREAU = {
  // 第九条: the transferring organ (移送机关) asks for reconsideration of a refusal of its own transfer.
  text: 'only the bureau that transferred the case',
  check: (identity: Identity, t: TransferPlace) => !!identity.org && identity.org === t.agencyCode,
};

export const transferRule = defineResource<TransferPlace>({
  resource: 'transfer',
  placeText: 'the transferring bureau and the accepting public-security unit; the case\'s region',
  place: (t) => ({ units: [t.agencyCode, t.acceptingUnit, t.competentUnit, t.forwardedFrom], region: t.region }),
  actions: {
    /** Transfer status is internal case data (内部). */
    read: { scope: 'case:read' },
    /** 移送: the place is the case's (its bureau, its region), checked before the transfer exists. */
    submit: { scope: 'transfer:write', when: TRANSFERRING_BUREAU },
    /** 受理: by a unit in its own name, so that the unit which decides is known. */
    accept: { scope: 'transfer:decide', when: {
      // 转送: a transfer forwarded to the competent unit waits for that unit (intake/forward.ts).
      text: 'by a unit with a unit code, which becomes the accepting unit; after a 转送 only the unit named competent',
      check: (identity, t) => !!identity.org && (!t.competentUnit || identity.org === t.competentUnit),
    } },
    /** 补正: the accepting unit asks the bureau for the missing materials (公安部 2016 受理规定). */
    requestMaterials: { scope: 'transfer:decide', when: ACCEPTING_UNIT },
    /** 补正: the bureau that transferred the case completes its materials. */
    completeMaterials: { scope: 'transfer:write', when: TRANSFERRING_BUREAU },
    /** 立案审查期限的延长: recorded by the accepting unit, with the approval the level names. */
    extendFilingPeriod: { scope: 'transfer:decide', when: ACCEPTING_UNIT },
    /** 立案 / 不予立案. */
    decide: { scope: 'transfer:decide', when: ACCEPTING_UNIT },
    /** 提请复议. */
    requestReconsideration: { scope: 'transfer:write', when: TRANSFERRING_BUREAU },
    /** 复议决定. */
    decideReconsideration: { scope: 'transfer:decide', when: ACCEPTING_UNIT },
    /** 转送: the accepting unit sends a case it has no jurisdiction over to the competent unit or authority (公安部 2016 受理规定). */
    forward: { scope: 'transfer:decide', when: ACCEPTING_UNIT },
    /** 退回: the accepting unit returns the file to the bureau, with written reasons. */
    return: { scope: 'transfer:decide', when: ACCEPTING_UNIT },
    /** 重新移送: the bureau that transferred the case transfers it again, with new evidence. */
    retransfer: { scope: 'transfer:write', when: TRANSFERRING_BUREAU },
  },
});

/** The read rule as SQL on case_transfer under `alias`, for list queries. */
export function transferReadSql(identity: Identity, alias: string) {
  return rowFilterSql(mayFilter(identity, transferRule, 'read'),
    { units: [`${alias}.agency_code`, `${alias}.accepting_unit`, `${alias}.competent_unit`, `${alias}.forwarded_from`], region: `${alias}.region` }, 'transferRead');
}
