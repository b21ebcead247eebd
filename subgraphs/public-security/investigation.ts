import type { SubgraphContext, SubgraphRuntime } from '../kit/module';
import { batchLoader, perRequest } from '../kit/loaders';
import { badInput, forbidden, notFound } from '../kit/errors';
import { requirePhone, requireText, withinJurisdiction } from '../kit/rules';
import type { TransferRow } from './entities';
import type { PublicSecurityLoaders } from './loaders';

type Ctx = SubgraphContext<PublicSecurityLoaders>;

interface InvestigationRow { transfer_id: string; summary: string; measures: string[]; informant_name: string | null; informant_phone: string | null; updated_at: Date }

export function investigationLoader(runtime: SubgraphRuntime) {
  return batchLoader<string, InvestigationRow | null>(async (ids) => {
    const rows: InvestigationRow[] = await runtime.db.query(`SELECT * FROM investigation WHERE transfer_id = ANY($1)`, [[...ids]]);
    const map = new Map(rows.map((r) => [r.transfer_id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

const loaderOf = perRequest(investigationLoader);

/** Classified (侦查): the accepting unit and the procurators of the region only. */
function mayReadInvestigation(ctx: Ctx, transfer: TransferRow): boolean {
  const { identity } = ctx;
  if (identity.role === 'psb_officer') return !!identity.org && identity.org === transfer.acceptingUnit;
  return identity.role === 'procurator' && withinJurisdiction(identity.region, transfer.region);
}

export const investigationFields = {
  async investigation(transfer: TransferRow, _: unknown, ctx: Ctx) {
    const row = await loaderOf(ctx).load(transfer.id);
    if (!row) return null;
    const allowed = mayReadInvestigation(ctx, transfer);
    ctx.releases.push({ coordinate: 'CaseTransfer.investigation', entityId: transfer.id, decision: allowed ? 'full' : 'denied' });
    return allowed ? { ...row, transfer } : null;
  },
};

export const investigationType = {
  measures: (row: InvestigationRow) => row.measures,
  updatedAt: (row: InvestigationRow) => row.updated_at,
  informant(row: InvestigationRow & { transfer: TransferRow }, _: unknown, ctx: Ctx) {
    if (!row.informant_name) return null;
    // 举报人: the accepting public-security unit alone knows who reported.
    const allowed = ctx.identity.role === 'psb_officer' && ctx.identity.org === row.transfer.acceptingUnit;
    ctx.releases.push({ coordinate: 'Investigation.informant', entityId: row.transfer.id, decision: allowed ? 'full' : 'denied' });
    return allowed ? { name: row.informant_name, phone: row.informant_phone } : null;
  },
};

export async function recordInvestigation(_: unknown, { transferId, input }: { transferId: string; input: Record<string, any> }, ctx: Ctx) {
  const transfer = await ctx.loaders.transferById.load(transferId);
  if (!transfer) throw notFound('transfer', transferId);
  if (ctx.identity.role !== 'psb_officer' || ctx.identity.org !== transfer.acceptingUnit) throw forbidden('only the unit that accepted the transfer records its investigation');
  if (!['ACCEPTED', 'FILED'].includes(transfer.status)) throw badInput('transferId', 'transition', `an investigation needs an accepted or filed transfer (status is ${transfer.status})`);
  const summary = requireText('input.summary', input.summary, 5000);
  const measures = (input.measures as string[]).map((m, i) => requireText(`input.measures[${i}]`, m, 200));
  const informantName = input.informantName ? requireText('input.informantName', input.informantName, 100) : null;
  const informantPhone = requirePhone('input.informantPhone', input.informantPhone);
  await ctx.runtime.db.query(
    `INSERT INTO investigation (transfer_id, summary, measures, informant_name, informant_phone, recorded_by, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (transfer_id) DO UPDATE SET summary = $2, measures = $3, informant_name = $4, informant_phone = $5, recorded_by = $6, updated_at = now()`,
    [transfer.id, summary, JSON.stringify(measures), informantName, informantPhone, ctx.identity.sub]);
  loaderOf(ctx).clear(transfer.id);
  return transfer;
}
