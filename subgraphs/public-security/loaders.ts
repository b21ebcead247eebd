import type { SubgraphRuntime } from '../../kit/module';
import { uuidGroupLoader, uuidLoader } from '../../kit/loaders';
import { rowsWhereIn } from '../../kit/rows';
import { CaseTransfer, type TransferRow } from './entities';
import { handoverLoaders } from './intake/seized-items';
import { transferReturnLoaders } from './intake/reverse-transfer';

export function publicSecurityLoaders(runtime: SubgraphRuntime) {
  /** Every transfer of the cases asked for in the same tick, newest first per case (a case transferred again has several). */
  const history = (caseIds: string[]) => rowsWhereIn(runtime.db, CaseTransfer, 'caseId', caseIds, { submittedAt: 'DESC', id: 'DESC' });
  const transfersByCaseId = uuidGroupLoader<TransferRow>(history, (r) => r.caseId);
  return {
    /** One SELECT for every key asked for in the same tick. */
    transferById: uuidLoader<TransferRow>((ids) => rowsWhereIn(runtime.db, CaseTransfer, 'id', ids), (r) => r.id),
    /** EnforcementCase.transfer for a whole page of cases: the case's latest transfer (重新移送: intake/retransfer.ts). */
    transferByCaseId: uuidLoader<TransferRow>(async (caseIds) => {
      const latest = new Map<string, TransferRow>();
      for (const row of await history(caseIds)) if (!latest.has(row.caseId)) latest.set(row.caseId, row);
      return [...latest.values()];
    }, (r) => r.caseId),
    /** EnforcementCase.transfers: the history of a whole page of cases, newest first. */
    transfersByCaseId,
    ...handoverLoaders(runtime),
    ...transferReturnLoaders(runtime),
  };
}

export type PublicSecurityLoaders = ReturnType<typeof publicSecurityLoaders>;

/** After a write: later reads in the same request see the new row (the case's latest, when it is a new transfer). */
export function remember(loaders: PublicSecurityLoaders, row: TransferRow): TransferRow {
  loaders.transferById.clear(row.id).prime(row.id, row);
  loaders.transferByCaseId.clear(row.caseId);
  // Only the latest transfer of a case moves on (a superseded one is history: mutations.ts requireStep).
  if (!row.supersededBy) loaders.transferByCaseId.prime(row.caseId, row);
  loaders.transfersByCaseId.clear(row.caseId);
  return row;
}
