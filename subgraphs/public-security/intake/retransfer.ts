import type { SubgraphContext } from '../../../kit/module';
import { Violations, requireText } from '../../../kit/rules';
import { badInput } from '../../../kit/errors';
import { may } from '../../../kit/access';
import { guardedUpdate } from '../../../kit/guarded-update';
import { justiceClient } from '../../../kit/justice-client';
import type { PublicSecurityLoaders } from '../loaders';
import { TRANSFER_COLUMNS, type TransferRow } from '../entities';
import { readTransferInput, requireStep, submitTransfer, type TransferInput } from '../mutations';
import { transferRule } from '../resources/transfer';

// 重新移送: a case public security refused (NOT_FILED, RECONSIDERATION_UPHELD) or returned (RETURNED)
// may be transferred again when the bureau has new evidence (新的证据): a refusal is a decision on
// the evidence it was made on (不予立案: 认为没有犯罪事实，或者犯罪事实显著轻微 …, 国务院令第310号
// 第八条), not a bar to the case for ever, and 第三条 still obliges the bureau to transfer a case
// that, on what it now knows, meets the threshold. The new transfer names the new evidence
// (required) and the transfer it follows (previousTransfer); it starts afresh at SUBMITTED with its
// own filing period, and the earlier transfer is closed for good (supersededBy: no reconsideration
// or other step re-opens it). One case has at most one open transfer (the partial unique index of
// migrations/1700000002400). EnforcementCase.transfer is the latest; EnforcementCase.transfers the
// history, newest first.

type Ctx = SubgraphContext<PublicSecurityLoaders>;

export const RETRANSFER_SDL = `
extend type CaseTransfer {
  "重新移送: the earlier transfer of the same case this one follows, if it is a re-transfer"
  previousTransfer: CaseTransfer
  "重新移送: the new evidence (新的证据) this re-transfer was made on"
  newEvidence: String
  "the later transfer of the same case that followed this one, if any: this one is then closed"
  nextTransfer: CaseTransfer
}

extend type EnforcementCase {
  "every transfer of the case to public security, newest first (the first is transfer)"
  transfers: [CaseTransfer!]
}

extend type Mutation {
  "重新移送: after a refusal (NOT_FILED, RECONSIDERATION_UPHELD) or a return (RETURNED) of transfer id, the bureau that transferred the case transfers it again, naming the new evidence; the new transfer follows the earlier one (previousTransfer)"
  retransferCase(id: ID!, newEvidence: String!, input: TransferInput!): CaseTransfer @requiresScopes(scopes: [["transfer:write"]])
}
`;

export const retransferMutations = {
  async retransferCase(_: unknown, { id, newEvidence, input }: { id: string; newEvidence: string; input: TransferInput }, ctx: Ctx) {
    const previous = await requireStep(ctx, id, 'retransfer', 'a re-transfer of the case');
    const violations = new Violations();
    const evidence = violations.check(() => requireText('newEvidence', newEvidence, 5000), '');
    const read = readTransferInput(violations, input);
    violations.throwIfAny();
    const found = await justiceClient(ctx.runtime).case(previous.caseId);
    if (!found) throw badInput('id', 'exists', `the case of transfer ${previous.id} is no longer in the case index`);
    const agencyCode = found.agency.code;
    if (!may(ctx.identity, transferRule, 'submit', { agencyCode, acceptingUnit: null, region: found.region })) {
      throw badInput('id', 'ownCase', 'only the bureau that owns a case may transfer it');
    }
    const row = await submitTransfer(ctx, { id: found.id, caseNumber: found.caseNumber, region: found.region, agencyCode }, read,
      { previousTransferId: previous.id, newEvidence: evidence },
      async (tx, inserted) => {
        // The earlier transfer is closed by this one, guarded like every step: of two re-transfers exactly one wins.
        await guardedUpdate<TransferRow>(tx, {
          table: 'case_transfer', id: previous.id, expect: { status: previous.status, version: previous.version }, version: 'version', returning: TRANSFER_COLUMNS,
          set: { superseded_by: inserted.id },
        }, { type: 'CaseTransfer', conflict: () => `transfer ${previous.id} was changed by someone else while it was ${previous.status}; reload it` });
      });
    ctx.loaders.transferById.clear(previous.id);
    ctx.loaders.transfersByCaseId.clear(row.caseId);
    return row;
  },
};

/** A linked transfer, if the caller may read it. */
async function linked(ctx: Ctx, id: string | null): Promise<TransferRow | null> {
  if (!id) return null;
  const transfer = await ctx.loaders.transferById.load(id);
  return transfer && may(ctx.identity, transferRule, 'read', transfer) ? transfer : null;
}

export const retransferFields = {
  previousTransfer: (t: TransferRow, _: unknown, ctx: Ctx) => linked(ctx, t.previousTransferId),
  newEvidence: (t: TransferRow) => t.newEvidence,
  nextTransfer: (t: TransferRow, _: unknown, ctx: Ctx) => linked(ctx, t.supersededBy),
};

export const caseTransfersFields = {
  /** The case's transfers the caller may read, newest first: one statement for a page of cases. */
  async transfers(c: { id: string }, _: unknown, ctx: Ctx): Promise<TransferRow[]> {
    const rows = await ctx.loaders.transfersByCaseId.load(c.id);
    return rows.filter((t) => may(ctx.identity, transferRule, 'read', t));
  },
};
