import { parse, type DocumentNode } from 'graphql';

// SDL shared by several owners. Enums used as input must be identical in every subgraph.
export const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable", "@interfaceObject", "@external", "@requires", "@authenticated", "@requiresScopes"])`;

export const DATE_TIME = `"ISO 8601 date-time, written in UTC. Read with its offset (2026-09-15T08:30:00+08:00, or Z); without one in China Standard Time (UTC+08:00); a date alone (2026-09-15) is that day from 00:00 China Standard Time (kit/scalars.ts)" scalar DateTime`;

export const ACT_TYPE = `
"""执法行为类别"""
enum EnforcementActType {
  ADMINISTRATIVE_PENALTY
  ADMINISTRATIVE_LICENSE
  ADMINISTRATIVE_INSPECTION
  ADMINISTRATIVE_COERCION
  ADMINISTRATIVE_COLLECTION
  ADMINISTRATIVE_CONFIRMATION
  OTHER
}`;

export const PARTY_KIND = `
"""当事人类别"""
enum PartyKind { NATURAL_PERSON ORGANIZATION }`;

export const PAGE_INFO = `type PageInfo @shareable { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }`;

/** The fields every case carries, on the index and on the owning agency alike. */
export const CASE_COMMON_FIELDS = `
  id: ID!
  caseNumber: String! @shareable
  agency: Agency! @shareable
  actType: EnforcementActType! @shareable
  cause: String! @shareable
  offenceCode: String @shareable
  amountInvolved: Float @shareable
  fineAmount: Float @shareable
  decidedAt: DateTime @shareable
  region: String! @shareable
  recordedAt: DateTime! @shareable`;

export function gql(strings: TemplateStringsArray, ...values: unknown[]): DocumentNode {
  return parse(String.raw({ raw: strings }, ...values));
}
