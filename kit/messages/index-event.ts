import { amount, instant, list, message, nullable, object, optional, record, regionCode, text, uuid, type Infer, type Payload } from './check';
import { CASE_FACTS } from './case-event';

/** A case of the same party, any agency: what the repeat-offender rules count. */
export const partyCase = object({
  caseId: uuid,
  caseType: text(100),
  agencyCode: text(100),
  region: regionCode,
  offenceCode: nullable(text(50)),
  actType: text(100),
  decidedAt: nullable(instant),
});
export type PartyCase = Infer<typeof partyCase>;

/** How many of a party's other cases travel with an index event, newest first. */
export const PARTY_HISTORY_LIMIT = 100;

/**
 * What justice forwards to the procuratorate (POST /internal/case-events) for every index event
 * it applies: the index row with the party as its keyed hash only (never a name or number), and
 * the party's other cases in the index across every agency, so the procuratorate can apply the
 * repeat-offender rules. (Justice's migration 200 wrote the same shape for cases indexed before.)
 */
export const INDEX_EVENT = message('IndexEvent', {
  ...CASE_FACTS,
  /** 案由: the procuratorate screens it against schema/offence-map.json; absent from older events. */
  cause: optional(nullable(text(500))),
  partyKind: nullable(text(50)),
  partyKey: nullable(text(128)),
  figures: optional(nullable(record(nullable(amount)))),
  attributes: optional(nullable(record(nullable(text(500))))),
  partyCases: optional(list(partyCase, PARTY_HISTORY_LIMIT + 1)),
});
export type IndexEvent = Payload<typeof INDEX_EVENT>;
