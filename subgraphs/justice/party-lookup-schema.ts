/**
 * Justice's half of a blinded party lookup (issue 17; party-lookup.ts), included in schema.ts.
 * The gateway blinds the number a procurator or public-security officer typed and asks for its
 * evaluation here, with the caller's forwarded identity, before it asks `partyCases` by the
 * reference. Inaccessible: not part of the public API (clients keep `partyCases(identifier, kind)`),
 * only the gateway's own request to justice names it.
 */
export const PARTY_LOOKUP_SDL = `
"""One OPRF evaluation (RFC 9497 P256-SHA256, verifiable mode) of one blinded party identifier"""
type PartyRefEvaluation @federation__inaccessible {
  "Justice's key that evaluated it (its public key is pinned in the key directory)"
  keyId: String!
  "The evaluated element, a compressed P-256 point, hex"
  evaluated: String!
  "The DLEQ proof that the key behind keyId evaluated it, hex"
  proof: String!
}

extend type Query {
  "The gateway's step of a blinded partyCases lookup: counts against the caller's lookup limit"
  partyRefEvaluation(blinded: String!): PartyRefEvaluation @federation__inaccessible @requiresScopes(scopes: [["party:lookup"]])
}
`;
