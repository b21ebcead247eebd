import type { Identity } from '../../kit/identity';
import type { SubgraphContext } from '../../kit/module';
import { isUuid } from '../../kit/loaders';
import { requireText, type Violations } from '../../kit/rules';
import { readableCase } from './cases';
import type { AgencyRow } from './entities';
import type { JusticeLoaders } from './loaders';

/**
 * What the justice bureau addresses to a bureau (a 监督意见书, a complaint about it): the bureau
 * from the directory, within the caller's reach (`inReach`: the resource's row rule on the bureau's
 * place), and an optional case of that bureau the caller may read. Each broken rule is added to `v`,
 * so the caller reports them all at once; the result holds what passed.
 */
export async function addressedBureau(
  ctx: SubgraphContext<JusticeLoaders>, v: Violations, input: { agencyCode: string; caseId?: string | null },
  inReach: (bureau: AgencyRow, identity: Identity) => boolean,
): Promise<{ bureau: AgencyRow | null; caseId: string | null }> {
  const code = v.check(() => requireText('input.agencyCode', input.agencyCode, 64), '');
  const bureau = code ? await ctx.loaders.agencyByCode.load(code) : null;
  if (code && !bureau) v.add('input.agencyCode', 'exists', `no bureau with code ${code} in the directory`);
  if (bureau && !inReach(bureau, ctx.identity)) v.add('input.agencyCode', 'jurisdiction', `bureau ${code} is outside your jurisdiction`);
  let caseId: string | null = null;
  if (input.caseId) {
    const indexed = isUuid(input.caseId) ? await readableCase(ctx, input.caseId) : null;
    if (!indexed) v.add('input.caseId', 'exists', `no case ${input.caseId} you may read in the case index`);
    else if (bureau && indexed.agencyCode !== bureau.code) v.add('input.caseId', 'ofAgency', `case ${input.caseId} is not a case of bureau ${bureau.code}`);
    else caseId = indexed.id;
  }
  return { bureau: bureau ?? null, caseId };
}
