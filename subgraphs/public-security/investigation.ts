import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { batchLoader, perRequest } from '../../kit/loaders';
import { badInput, notFound } from '../../kit/errors';
import { may, requireMay, requireScope } from '../../kit/access';
import { requirePhone, requireText } from '../../kit/rules';
import { classifiedRelease, investigationRule } from './resources/investigation';
import { TRANSFER_COLUMNS, type TransferRow } from './entities';
import { remember, type PublicSecurityLoaders } from './loaders';
import { investigationProgress } from './investigation-reminder';

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

export const investigationFields = {
  /**
   * 侦查 (classified): in full to a caller whose grant covers it and who stated a reason, else
   * nothing; each decision goes to the audit log. A caller the rule covers but who gave no reason
   * is told so (the same answer as any lookup that needs a purpose).
   */
  async investigation(transfer: TransferRow, _: unknown, ctx: Ctx) {
    const row = await loaderOf(ctx).load(transfer.id);
    if (!row) return null;
    const decision = classifiedRelease(ctx.identity, 'read', transfer);
    ctx.releases.push({ coordinate: 'CaseTransfer.investigation', entityId: transfer.id, decision });
    if (decision === 'full') return { ...row, transfer };
    if (may(ctx.identity, investigationRule, 'read', transfer)) {
      throw badInput('X-Access-Reason', 'required', 'investigation details are classified: state the purpose of this access in X-Access-Reason');
    }
    return null;
  },
};

export const investigationType = {
  measures: (row: InvestigationRow) => row.measures,
  updatedAt: (row: InvestigationRow) => row.updated_at,
  /** 举报人 (classified): the unit that accepted the transfer alone, with a stated reason. */
  informant(row: InvestigationRow & { transfer: TransferRow }, _: unknown, ctx: Ctx) {
    if (!row.informant_name) return null;
    const decision = classifiedRelease(ctx.identity, 'readInformant', row.transfer);
    ctx.releases.push({ coordinate: 'Investigation.informant', entityId: row.transfer.id, decision });
    return decision === 'full' ? { name: row.informant_name, phone: row.informant_phone } : null;
  },
};

export async function recordInvestigation(_: unknown, { transferId, input }: { transferId: string; input: Record<string, any> }, ctx: Ctx) {
  requireScope(ctx.identity, investigationRule.actions.record.scope, 'record an investigation');
  const transfer = await ctx.loaders.transferById.load(transferId);
  if (!transfer) throw notFound('transfer', transferId);
  requireMay(ctx.identity, investigationRule, 'record', transfer);
  if (!['ACCEPTED', 'FILED'].includes(transfer.status)) throw badInput('transferId', 'transition', `an investigation needs an accepted or filed transfer (status is ${transfer.status})`);
  const summary = requireText('input.summary', input.summary, 5000);
  const measures = (input.measures as string[]).map((m, i) => requireText(`input.measures[${i}]`, m, 200));
  const informantName = input.informantName ? requireText('input.informantName', input.informantName, 100) : null;
  const informantPhone = requirePhone('input.informantPhone', input.informantPhone);
  const updated = await ctx.runtime.db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO investigation (transfer_id, summary, measures, informant_name, informant_phone, recorded_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (transfer_id) DO UPDATE SET summary = $2, measures = $3, informant_name = $4, informant_phone = $5, recorded_by = $6, updated_at = now()`,
      [transfer.id, summary, JSON.stringify(measures), informantName, informantPhone, ctx.identity.sub]);
    // 立而不侦: progress on a filed case starts its reminder period again.
    await investigationProgress(tx, transfer.id, ctx.runtime.now());
    const [row]: TransferRow[] = await tx.query(`SELECT ${TRANSFER_COLUMNS} FROM case_transfer WHERE id = $1`, [transfer.id]);
    return row;
  });
  loaderOf(ctx).clear(transfer.id);
  return remember(ctx.loaders, updated);
}
