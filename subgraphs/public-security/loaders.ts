import { In } from 'typeorm';
import type { SubgraphRuntime } from '../../kit/module';
import { uuidLoader } from '../../kit/loaders';
import { CaseTransfer, type TransferRow } from './entities';

export function publicSecurityLoaders(runtime: SubgraphRuntime) {
  /** One SELECT for every key asked for in the same tick. */
  const by = (key: 'id' | 'caseId') =>
    uuidLoader<TransferRow>((ids) => runtime.db.getRepository(CaseTransfer).findBy({ [key]: In(ids) }), (r) => r[key]);
  return {
    transferById: by('id'),
    /** EnforcementCase.transfer for a whole page of cases. */
    transferByCaseId: by('caseId'),
  };
}

export type PublicSecurityLoaders = ReturnType<typeof publicSecurityLoaders>;

/** After a write: later reads in the same request see the new row. */
export function remember(loaders: PublicSecurityLoaders, row: TransferRow): TransferRow {
  loaders.transferById.clear(row.id).prime(row.id, row);
  loaders.transferByCaseId.clear(row.caseId).prime(row.caseId, row);
  return row;
}
