import type { SubgraphContext } from '../kit/module';
import { badInput, forbidden } from '../kit/errors';
import { requireRegion, requireText } from '../kit/rules';
import { AGENCY_KINDS } from '../agencies/registry';
import { Agency, Officer, PowerItem } from './entities';
import type { JusticeLoaders } from './loaders';

type Ctx = SubgraphContext<JusticeLoaders>;

// The directory of enforcement bodies is kept by the justice bureau (执法主体名录).
function requireDirectoryKeeper(ctx: Ctx): void {
  if (!['justice_supervisor', 'platform_admin', 'service'].includes(ctx.identity.role)) {
    throw forbidden('only the justice bureau or the platform administrator maintains the directory');
  }
}

async function requireAgency(ctx: Ctx, code: string) {
  const agency = await ctx.loaders.agencyByCode.load(code);
  if (!agency) throw badInput('input.agencyCode', 'exists', `no bureau with code ${code}`);
  return agency;
}

export const directoryMutations = {
  async registerAgency(_: unknown, { input }: { input: { code: string; name: string; kind: string; region: string } }, ctx: Ctx) {
    requireDirectoryKeeper(ctx);
    const code = requireText('input.code', input.code, 64);
    if (!/^[A-Za-z0-9-]+$/.test(code)) throw badInput('input.code', 'pattern', 'may hold letters, digits and hyphens only');
    if (!AGENCY_KINDS.some((k) => k.kind === input.kind)) {
      throw badInput('input.kind', 'oneOf', `must be one of ${AGENCY_KINDS.map((k) => k.kind).join(', ')}`);
    }
    const row = { code, name: requireText('input.name', input.name, 200), kind: input.kind, region: requireRegion('input.region', input.region) };
    const repo = ctx.runtime.db.getRepository(Agency);
    if (await repo.existsBy({ code })) throw badInput('input.code', 'unique', `a bureau with code ${code} exists already`);
    return repo.save(row);
  },
  async registerOfficer(_: unknown, { input }: { input: { agencyCode: string; name: string; certificateNumber: string; category: string } }, ctx: Ctx) {
    requireDirectoryKeeper(ctx);
    await requireAgency(ctx, input.agencyCode);
    const certificateNumber = requireText('input.certificateNumber', input.certificateNumber, 64);
    const repo = ctx.runtime.db.getRepository(Officer);
    if (await repo.existsBy({ certificateNumber })) throw badInput('input.certificateNumber', 'unique', 'this certificate number is registered already');
    return repo.save({ agencyCode: input.agencyCode, name: requireText('input.name', input.name, 100), certificateNumber, category: requireText('input.category', input.category, 100) });
  },
  async addPowerItem(_: unknown, { input }: { input: { agencyCode: string; code: string; name: string; actType: string; legalBasis: string } }, ctx: Ctx) {
    requireDirectoryKeeper(ctx);
    await requireAgency(ctx, input.agencyCode);
    const repo = ctx.runtime.db.getRepository(PowerItem);
    const code = requireText('input.code', input.code, 64);
    if (await repo.existsBy({ agencyCode: input.agencyCode, code })) throw badInput('input.code', 'unique', 'this bureau lists that power already');
    return repo.save({ agencyCode: input.agencyCode, code, name: requireText('input.name', input.name, 200), actType: input.actType, legalBasis: requireText('input.legalBasis', input.legalBasis, 500) });
  },
};
