// The row rule of a party (当事人) of a case: its personal values (ID number, phone, address)
// follow the case's place — the owning bureau and the case's region — and are released in full
// only with a stated purpose (个人信息保护法 第六条: no more than the purpose needs; 网络安全法
// 第21条: every access recorded). The cross-agency lookup (partyCases) answers, case by case, only
// where the caller's party:lookup grant covers the case.
import type { Identity } from '../identity';
import { defineResource } from '../access';

/** The case a party's values belong to: the case id (for the audit log), its bureau and region. */
export interface PartyPlace { entityId: string; agencyCode: string; region: string }

const statedReason = (identity: Identity) => !!identity.reason;

export const partyRule = defineResource<PartyPlace>({
  resource: 'party',
  placeText: "the case's owning bureau; the case's region",
  place: (p) => ({ units: [p.agencyCode], region: p.region }),
  actions: {
    /** In full. Without a reason a holder of personal:read over the case gets the masked value. */
    read: { scope: 'personal:read', when: { text: 'with a stated reason (X-Access-Reason); without one the value is masked', check: statedReason } },
    /** Masked only (ID number without the birth date, phone 3 + 4 digits, address to the district). */
    readMasked: { scope: 'personal:masked' },
    /** partyCases: one party's cases across agencies, those in the caller's reach only. */
    lookup: {
      scope: 'party:lookup',
      when: { text: 'with a stated reason (X-Access-Reason), one lookup per request, within a rate and a daily quota per caller', check: statedReason },
    },
  },
});
