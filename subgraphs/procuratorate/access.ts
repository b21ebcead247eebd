import type { Identity } from '../kit/identity';
import { forbidden } from '../kit/errors';
import { withinJurisdiction } from '../kit/rules';

/**
 * Who may read a supervision matter or a suggestion (row-level; field permissions come later):
 * procurators whose jurisdiction covers the row's region (the case's or the bureau's),
 * justice supervisors, and, for a suggestion only, officers of the bureau it is addressed to.
 * Everyone else reads nothing: lists come back empty and single lookups null.
 */
export function mayRead(identity: Identity, row: { region: string }, addressedTo: string | null = null): boolean {
  switch (identity.role) {
    case 'procurator': return withinJurisdiction(identity.region, row.region);
    case 'justice_supervisor': return true;
    case 'agency_officer': return addressedTo !== null && !!identity.org && identity.org === addressedTo;
    default: return false;
  }
}

export interface Procurator { sub: string; org: string; region: string }

/** The caller as a procurator of a procuratorate with a jurisdiction, or FORBIDDEN. */
export function requireProcurator(identity: Identity, action: string): Procurator {
  if (identity.role !== 'procurator' || !identity.org || !identity.region) {
    throw forbidden(`only a procurator of a procuratorate with a jurisdiction may ${action}`);
  }
  return { sub: identity.sub, org: identity.org, region: identity.region };
}
