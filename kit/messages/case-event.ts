import { amount, bool, instant, integer, list, message, nullable, object, optional, record, regionCode, text, uuid, type Payload } from './check';

/**
 * What an agency's outbox sends justice's case index (POST /internal/case-events) when a case is
 * recorded or changed. The party travels as its kind and identifier only (justice keeps a keyed
 * hash of it, never the number); never its name.
 */
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
  cause: text(500),
  party: nullable(object({ kind: text(50), identifier: nullable(text(100)) })),
  /** The agency's own figures (e.g. salesAmount), for the threshold rules. */
  figures: optional(record(nullable(amount))),
  /** 阳光执法; absent from events recorded before publication existed (then: not published). */
  legalBasis: optional(nullable(text(1000))),
  penaltyKinds: optional(nullable(list(text(50), 20))),
  involvesMinor: optional(nullable(bool)),
  confidential: optional(nullable(bool)),
  /** The agency's own non-personal text fields (e.g. pollutant), for the threshold rules. */
  attributes: optional(nullable(record(nullable(text(500))))),
});
export type CaseEvent = Payload<typeof CASE_EVENT>;

/** The route of the index that takes them (justice), and the agencies' outbox table. */
export const CASE_EVENT_ROUTE = 'case-events';
