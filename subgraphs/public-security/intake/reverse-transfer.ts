import type { SubgraphContext, SubgraphRuntime } from '../../../kit/module';
import { Violations } from '../../../kit/rules';
import { requireCovers, requireMay, requireScope } from '../../../kit/access';
import { notFound } from '../../../kit/errors';
import { wrongState } from '../../../kit/guarded-update';
import { uuidLoader } from '../../../kit/loaders';
import {
  acknowledgeCaseBack, CASE_RETURN_SDL, findCaseReturn, readCaseReturn, sendCaseBack, type CaseReturnInput, type CaseReturnRow, type ReturnGround,
} from '../../../kit/reverse-transfer';
import type { TransferRow } from '../entities';
import type { PublicSecurityLoaders } from '../loaders';
import { transferReturnRule } from '../resources/transfer-return';

// 反向移送 by public security (国务院令第310号 第十三条; 行政处罚法 第二十七条): a transfer it did not file
// (不予立案, or the refusal upheld on reconsideration) goes back to the bureau for an administrative
// penalty, with the reasons and the materials. The shared mechanism is kit/reverse-transfer.ts;
// this owner keeps its table (case_return) and its two mutations.

type Ctx = SubgraphContext<PublicSecurityLoaders>;

const TABLE = 'case_return';

/** The transfer states a return may follow, and the ground each gives. */
const GROUNDS: Partial<Record<TransferRow['status'], ReturnGround>> = { NOT_FILED: 'NOT_FILED', RECONSIDERATION_UPHELD: 'RECONSIDERATION_UPHELD' };

/** Per-request loaders (publicSecurityLoaders): the return of each transfer of a page, in one statement. */
export function transferReturnLoaders(runtime: SubgraphRuntime) {
  return { returnByTransferId: uuidLoader<CaseReturnRow>((ids) => findCaseReturn(runtime.db, TABLE, { transferIds: ids }), (r) => r.transferId) };
}

export const reverseTransferMutations = {
  /** 移送行政处罚: the unit that refused to file the transfer sends the case back to its bureau. */
  async returnTransferForPenalty(_: unknown, { transferId, input }: { transferId: string; input: CaseReturnInput }, ctx: Ctx) {
    const what = 'a return of the case for an administrative penalty';
    const scope = transferReturnRule.actions.returnForPenalty.scope;
    requireScope(ctx.identity, scope, what);
    const transfer = await ctx.loaders.transferById.load(transferId);
    if (!transfer) throw notFound('CaseTransfer', transferId);
    const place = { agencyCode: transfer.agencyCode, senderUnit: transfer.acceptingUnit ?? '', region: transfer.region };
    requireCovers(ctx.identity, scope, transferReturnRule.place(place), `${what} on this transfer`);
    const ground = GROUNDS[transfer.status];
    if (!ground) throw wrongState(`${what} needs a transfer that is ${Object.keys(GROUNDS).join(' or ')}; transfer ${transfer.id} is ${transfer.status}`);
    requireMay(ctx.identity, transferReturnRule, 'returnForPenalty', place);
    const violations = new Violations();
    const read = readCaseReturn(violations, input, { opinionRequired: false });
    violations.throwIfAny();
    const now = ctx.runtime.now();
    const row = await sendCaseBack(ctx, TABLE, {
        caseId: transfer.caseId, transferId: transfer.id, agencyCode: transfer.agencyCode, senderUnit: transfer.acceptingUnit!, region: transfer.region,
        sender: 'PUBLIC_SECURITY', ground, reason: read.reason, materials: read.materials, opinion: read.opinion ?? null, returnedAt: now, returnedBy: ctx.identity.sub,
    });
    ctx.loaders.returnByTransferId.clear(row.transferId).prime(row.transferId, row);
    return row;
  },

  /** 签收: the bureau acknowledges the case sent back; public security is told. */
  async acknowledgeTransferReturn(_: unknown, { id }: { id: string }, ctx: Ctx) {
    return acknowledgeCaseBack(ctx, TABLE, transferReturnRule, id);
  },
};

export const reverseTransferFields = {
  /** 反向移送: the case sent back to the bureau after this transfer was not filed, if it was (read with the transfer). */
  returnForPenalty: (t: TransferRow, _: unknown, ctx: Ctx) => ctx.loaders.returnByTransferId.load(t.id),
};

export const REVERSE_TRANSFER_SDL = `
${CASE_RETURN_SDL}
extend type CaseTransfer {
  "反向移送: the case sent back to the bureau for an administrative penalty after it was not filed (国务院令第310号 第十三条), if it was"
  returnForPenalty: CaseReturn
}

extend type Mutation {
  "反向移送 (国务院令第310号 第十三条, 行政处罚法 第二十七条): the unit that refused to file a transfer (NOT_FILED, or upheld on reconsideration) sends the case back to its bureau for an administrative penalty, with the reasons and the materials; the bureau is told at once, the procuratorate of the region copied"
  returnTransferForPenalty(transferId: ID!, input: CaseReturnInput!): CaseReturn @requiresScopes(scopes: [["transfer:decide"]])
  "签收: the bureau acknowledges a case public security sent back; it then records the penalty on the same case (its case update)"
  acknowledgeTransferReturn(id: ID!): CaseReturn @requiresScopes(scopes: [["transfer:write"]])
}
`;
