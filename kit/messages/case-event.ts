import { amount, bool, instant, integer, list, message, MessageError, nullable, object, optional, record, regionCode, text, uuid, type Check, type Payload } from './check';
import { isResidentIdNumber, isUnifiedSocialCreditCode } from '../rules';
import { PARTY_REF } from '../crypto/oprf';

/**
 * What an agency's outbox sends justice's case index (POST /internal/case-events) when a case is
 * recorded or changed. The party travels as its kind and its keyed reference only (issue 17: an
 * OPRF output under justice's key, kit/crypto/oprf.ts) — never its number, name or phone, neither
 * in the outbox row nor on the wire (个人信息保护法 第51条: 去标识化 before anything leaves the
 * agency). The outbox row holds `ref: null`; the relay fills it in just before sending
 * (subgraphs/agencies/kit/party-ref.ts).
 */

/**
 * 当事人 in a case event: kind, reference and the id of the key that made it (a rotation re-keys
 * by it), nothing else: another property is refused, not dropped.
 */
const PARTY_KEYS = ['kind', 'ref', 'refKey'];
const partyOfEvent: Check<{ kind: string; ref: string | null; refKey?: string | null }> = (v, path) => {
  const party = object({ kind: text(50), ref: nullable(text(64)), refKey: optional(nullable(text(64))) })(v, path);
  const extra = Object.keys(v as object).find((key) => !PARTY_KEYS.includes(key));
  if (extra) throw new MessageError(`${path}.${extra}`, 'personalData', 'a case event carries the party\'s kind and keyed reference only');
  if (party.ref !== null && !PARTY_REF.test(party.ref)) throw new MessageError(`${path}.ref`, 'partyRef', 'must be a party reference (64 lowercase hex digits)');
  return party;
};

/** Digit or letter runs of the identifiers' lengths, and mobile numbers, in free text. */
const CANDIDATE_ID = /(?<![0-9A-Za-z])[0-9A-Z]{18}(?![0-9A-Za-z])/g;
const MOBILE = /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)/;

/**
 * Free text of a case event (案由, 案号, the agency's own text fields) refused when it holds a
 * resident ID number (GB 11643, check digit valid), a credit code (GB 32100, check valid) or a
 * mobile number: whatever an officer typed into a field, it does not leave the agency.
 */
const withoutPersonalData = <T extends string | null | undefined>(check: Check<T>): Check<T> => (v, path) => {
  const value = check(v, path);
  if (typeof value !== 'string') return value;
  const upper = value.toUpperCase();
  const identifier = [...upper.matchAll(CANDIDATE_ID)].some(([m]) => isResidentIdNumber(m) || isUnifiedSocialCreditCode(m));
  if (identifier || MOBILE.test(value)) throw new MessageError(path, 'personalData', 'must not hold an ID number, credit code or phone number');
  return value;
};
/** What every message about one recorded case says of it (the index event forwards the same). */
export const CASE_FACTS = {
  caseId: uuid,
  caseType: text(100),
  version: integer,
  agencyCode: text(100),
  caseNumber: text(100),
  actType: text(100),
  offenceCode: nullable(text(50)),
  amountInvolved: nullable(amount),
  fineAmount: nullable(amount),
  decidedAt: nullable(instant),
  /** 违法行为发生时: the threshold rules apply the version in force then; absent from older events. */
  conductAt: optional(nullable(instant)),
  region: regionCode,
  recordedAt: instant,
};

export const CASE_EVENT = message('CaseEvent', {
  ...CASE_FACTS,
  caseNumber: withoutPersonalData(text(100)),
  cause: withoutPersonalData(text(500)),
  party: nullable(partyOfEvent),
  /** The agency's own figures (e.g. salesAmount), for the threshold rules. */
  figures: optional(record(nullable(amount))),
  /** 阳光执法; absent from events recorded before publication existed (then: not published). */
  legalBasis: optional(withoutPersonalData(nullable(text(1000)))),
  penaltyKinds: optional(nullable(list(text(50), 20))),
  involvesMinor: optional(nullable(bool)),
  confidential: optional(nullable(bool)),
  /** The agency's own non-personal text fields (e.g. pollutant), for the threshold rules. */
  attributes: optional(nullable(record(withoutPersonalData(nullable(text(500)))))),
});
export type CaseEvent = Payload<typeof CASE_EVENT>;

/** The route of the index that takes them (justice), and the agencies' outbox table. */
export const CASE_EVENT_ROUTE = 'case-events';
