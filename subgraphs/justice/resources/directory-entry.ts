// The row rule of the directory of enforcement bodies (执法主体名录): bureaus, their officers
// (执法证) and their power lists (权力清单). The directory is public (阳光执法), but only its keeper
// changes it: the justice bureau within its region (directory:write@region), the platform
// administrator everywhere (directory:write@all). Every entry records who registered it.
import { defineResource } from '../../../kit/access';

/** Where an entry belongs: the bureau it is (or belongs to) and that bureau's region. */
export interface DirectoryEntryPlace { agencyCode: string; region: string }

export const directoryEntryRule = defineResource<DirectoryEntryPlace>({
  resource: 'directory entry',
  placeText: "the bureau's code; the bureau's region",
  place: (e) => ({ units: [e.agencyCode], region: e.region }),
  actions: {
    /** Register a bureau, an officer of a bureau, a power item of a bureau. */
    write: { scope: 'directory:write' },
  },
});
