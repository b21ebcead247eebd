import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { batchLoader, perRequest } from '../../kit/loaders';
import { badInput, notFound } from '../../kit/errors';
import { may, requireMay, requireScope } from '../../kit/access';
import { requirePhone, requireText } from '../../kit/rules';
import { classifiedRelease, investigationRule } from './resources/investigation';
import { TRANSFER_COLUMNS, type TransferRow } from './entities';
import { remember, type PublicSecurityLoaders } from './loaders';
import { investigationProgress } from './investigation-reminder';
import { atRest, type SealedTable } from '../../kit/at-rest';
import type { ErasureRule } from '../../kit/retention';

type Ctx = SubgraphContext<PublicSecurityLoaders>;

/** As stored: summary, informant_name and informant_phone hold sealed text, measures a sealed JSON array as a JSON string. */
interface InvestigationRow { transfer_id: string; summary: string; measures: string; informant_name: string | null; informant_phone: string | null; updated_at: Date }

// 侦查情况 and 举报人 at rest (issue 16): classified, so sealed with public security's data key
// (kit/at-rest.ts), each value bound to its column and the transfer's row; opened only here, when
// the row rule released it (a stated purpose included). 个人信息保护法 第51条; 刑事诉讼法 第111条
// (the informant's identity kept secret).
export const INVESTIGATION_AT_REST: SealedTable = {
  table: 'investigation', idColumn: 'transfer_id', columns: ['summary', 'informant_name', 'informant_phone'], jsonColumns: ['measures'],
};

/** 举报人 erased when schema/retention.json `informant`'s period has passed since the investigation's last record (个人信息保护法 第47条). */
export const INFORMANT_ERASURE: ErasureRule = { dataClass: 'informant', table: 'investigation', idColumn: 'transfer_id', startedBy: 't.updated_at <= $1' };

const place = (transferId: string, column: string) => ({ table: 'investigation', column, rowId: transferId });
const openField = (ctx: Ctx, row: InvestigationRow, column: 'summary' | 'measures' | 'informant_name' | 'informant_phone') =>
  atRest(ctx.runtime).open(place(row.transfer_id, column), row[column]);

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
  summary: (row: InvestigationRow, _: unknown, ctx: Ctx) => openField(ctx, row, 'summary'),
  measures: async (row: InvestigationRow, _: unknown, ctx: Ctx) => JSON.parse((await openField(ctx, row, 'measures')) ?? '[]') as string[],
  updatedAt: (row: InvestigationRow) => row.updated_at,
  /** 举报人 (classified): the unit that accepted the transfer alone, with a stated reason. */
  async informant(row: InvestigationRow & { transfer: TransferRow }, _: unknown, ctx: Ctx) {
    if (!row.informant_name) return null;
    const decision = classifiedRelease(ctx.identity, 'readInformant', row.transfer);
    ctx.releases.push({ coordinate: 'Investigation.informant', entityId: row.transfer.id, decision });
    return decision === 'full' ? { name: await openField(ctx, row, 'informant_name'), phone: await openField(ctx, row, 'informant_phone') } : null;
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
  // Sealed before the transaction opens (a new data key is made on its own connection).
  const at = atRest(ctx.runtime);
  const sealed = {
    summary: await at.seal(place(transfer.id, 'summary'), summary),
    measures: JSON.stringify(await at.seal(place(transfer.id, 'measures'), JSON.stringify(measures))),
    informantName: await at.seal(place(transfer.id, 'informant_name'), informantName),
    informantPhone: await at.seal(place(transfer.id, 'informant_phone'), informantPhone),
  };
  const updated = await ctx.runtime.db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO investigation (transfer_id, summary, measures, informant_name, informant_phone, recorded_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (transfer_id) DO UPDATE SET summary = $2, measures = $3, informant_name = $4, informant_phone = $5, recorded_by = $6, updated_at = now()`,
      [transfer.id, sealed.summary, sealed.measures, sealed.informantName, sealed.informantPhone, ctx.identity.sub]);
    // 立而不侦: progress on a filed case starts its reminder period again.
    await investigationProgress(tx, transfer.id, ctx.runtime.now());
    const [row]: TransferRow[] = await tx.query(`SELECT ${TRANSFER_COLUMNS} FROM case_transfer WHERE id = $1`, [transfer.id]);
    return row;
  });
  loaderOf(ctx).clear(transfer.id);
  return remember(ctx.loaders, updated);
}
