import type { SubgraphContext } from '../../kit/module';
import { badInput } from '../../kit/errors';
import { requireMay, requireScope } from '../../kit/access';
import { directoryEntryRule } from './resources/directory-entry';
import { requireRegion, requireText } from '../../kit/rules';
import { AGENCY_KINDS } from '../agencies/registry';
import { Agency, Officer, PowerItem } from './entities';
import type { JusticeLoaders } from './loaders';

type Ctx = SubgraphContext<JusticeLoaders>;

// The directory of enforcement bodies is kept by the justice bureau (执法主体名录): the directory
// entry rule (resources/directory-entry.ts) says who may change which bureau's entries, and every
// entry records who registered it and when.

async function requireAgency(ctx: Ctx, code: string) {
  const agency = await ctx.loaders.agencyByCode.load(code);
  if (!agency) throw badInput('input.agencyCode', 'exists', `no bureau with code ${code}`);
  return agency;
}

/** Who registered an entry, from the caller's identity and the hub's clock. */
function registrar(ctx: Ctx) {
  return { registeredBy: ctx.identity.sub, registeredByOrg: ctx.identity.org ?? null, registeredAt: ctx.runtime.now() };
}

export const directoryMutations = {
  async registerAgency(_: unknown, { input }: { input: { code: string; name: string; kind: string; region: string } }, ctx: Ctx) {
    requireScope(ctx.identity, 'directory:write', 'registering a bureau');
    const code = requireText('input.code', input.code, 64);
    if (!/^[A-Za-z0-9-]+$/.test(code)) throw badInput('input.code', 'pattern', 'may hold letters, digits and hyphens only');
    if (!AGENCY_KINDS.some((k) => k.kind === input.kind)) {
      throw badInput('input.kind', 'oneOf', `must be one of ${AGENCY_KINDS.map((k) => k.kind).join(', ')}`);
    }
    const region = requireRegion('input.region', input.region);
    // A new bureau belongs where its region is: the keeper's grant must cover that region.
    requireMay(ctx.identity, directoryEntryRule, 'write', { agencyCode: code, region });
    const row = { code, name: requireText('input.name', input.name, 200), kind: input.kind, region, ...registrar(ctx) };
    const repo = ctx.runtime.db.getRepository(Agency);
    if (await repo.existsBy({ code })) throw badInput('input.code', 'unique', `a bureau with code ${code} exists already`);
    return repo.save(row);
  },
  async registerOfficer(_: unknown, { input }: { input: { agencyCode: string; name: string; certificateNumber: string; category: string } }, ctx: Ctx) {
    requireScope(ctx.identity, 'directory:write', 'registering an officer');
    const agency = await requireAgency(ctx, input.agencyCode);
    requireMay(ctx.identity, directoryEntryRule, 'write', { agencyCode: agency.code, region: agency.region });
    const certificateNumber = requireText('input.certificateNumber', input.certificateNumber, 64);
    const name = requireText('input.name', input.name, 100);
    const category = requireText('input.category', input.category, 100);
    const repo = ctx.runtime.db.getRepository(Officer);
    if (await repo.existsBy({ certificateNumber })) throw badInput('input.certificateNumber', 'unique', 'this certificate number is registered already');
    return repo.save({ agencyCode: agency.code, name, certificateNumber, category, ...registrar(ctx) });
  },
  async addPowerItem(_: unknown, { input }: { input: { agencyCode: string; code: string; name: string; actType: string; legalBasis: string } }, ctx: Ctx) {
    requireScope(ctx.identity, 'directory:write', 'adding a power item');
    const agency = await requireAgency(ctx, input.agencyCode);
    requireMay(ctx.identity, directoryEntryRule, 'write', { agencyCode: agency.code, region: agency.region });
    const repo = ctx.runtime.db.getRepository(PowerItem);
    const code = requireText('input.code', input.code, 64);
    const name = requireText('input.name', input.name, 200);
    const legalBasis = requireText('input.legalBasis', input.legalBasis, 500);
    if (await repo.existsBy({ agencyCode: agency.code, code })) throw badInput('input.code', 'unique', 'this bureau lists that power already');
    return repo.save({ agencyCode: agency.code, code, name, actType: input.actType, legalBasis, ...registrar(ctx) });
  },
};

/** The `registration` field of a directory entry: who registered it and when; null before it was recorded. */
export const registrationField = {
  registration: (row: { registeredBy: string | null; registeredByOrg: string | null; registeredAt: Date | null }) =>
    (row.registeredBy && row.registeredAt ? { by: row.registeredBy, org: row.registeredByOrg, at: row.registeredAt } : null),
};
