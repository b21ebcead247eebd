import type { Identity } from '../kit/identity';
import { forbidden } from '../kit/errors';
import { isRegionCode, jurisdictionPrefix, withinJurisdiction } from '../kit/rules';
import type { TransferRow } from './entities';

/**
 * Who may read a transfer (transfer status is internal data): public security and procurators in
 * their jurisdiction, the justice bureau, and the transferring bureau for its own transfers.
 * `null` means the caller reads none. Field-level permissions come later; this is the row rule.
 */
export interface ReadScope { regionPrefix?: string; agencyCode?: string }

export function readScope(identity: Identity): ReadScope | null {
  switch (identity.role) {
    case 'psb_officer':
    case 'procurator':
      return identity.region && isRegionCode(identity.region) ? { regionPrefix: jurisdictionPrefix(identity.region) } : null;
    case 'justice_supervisor':
      return {};
    case 'agency_officer':
      return identity.org ? { agencyCode: identity.org } : null;
    default:
      return null;
  }
}

export function mayRead(identity: Identity, transfer: TransferRow): boolean {
  const scope = readScope(identity);
  if (!scope) return false;
  if (scope.regionPrefix !== undefined && !transfer.region.startsWith(scope.regionPrefix)) return false;
  return scope.agencyCode === undefined || transfer.agencyCode === scope.agencyCode;
}

export function requireReader(identity: Identity): ReadScope {
  const scope = readScope(identity);
  if (!scope) throw forbidden('transfers are read by public security, procurators, the justice bureau and the transferring bureau');
  return scope;
}

// Who may act on a transfer.

export function requireAgencyOfficer(identity: Identity): string {
  if (identity.role !== 'agency_officer' || !identity.org) throw forbidden('only an officer of an enforcement bureau may do this');
  return identity.org;
}

export function requireOwningBureau(identity: Identity, transfer: TransferRow): void {
  if (requireAgencyOfficer(identity) !== transfer.agencyCode) throw forbidden('only the bureau that transferred the case may do this');
}

export function requirePsbOfficer(identity: Identity): void {
  if (identity.role !== 'psb_officer') throw forbidden('only a public-security officer may do this');
}

export function requirePsbOver(identity: Identity, transfer: TransferRow): void {
  requirePsbOfficer(identity);
  if (!withinJurisdiction(identity.region, transfer.region)) {
    throw forbidden(`region ${transfer.region} lies outside this public-security unit's jurisdiction`);
  }
}
