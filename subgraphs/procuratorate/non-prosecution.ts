import type { SubgraphContext, SubgraphRuntime } from '../../kit/module';
import { Violations } from '../../kit/rules';
import { may, requireCovers, requireMay, requireScope } from '../../kit/access';
import { notFound } from '../../kit/errors';
import { wrongState } from '../../kit/guarded-update';
import { isUuid, uuidGroupLoader } from '../../kit/loaders';
import {
  acknowledgeCaseBack, CASE_RETURN_SDL, findCaseReturn, readCaseReturn, sendCaseBack, type CaseReturnInput, type CaseReturnRow,
} from '../../kit/reverse-transfer';
import type { ProcuratorateLoaders } from './loaders';
import { procuratorialOpinionRule } from './resources/procuratorial-opinion';

// 不起诉 → 检察意见 (刑事诉讼法 第一百七十七条第三款: 对被不起诉人需要给予行政处罚……的，人民检察院应当提出
// 检察意见，移送有关主管机关处理; 行政处罚法 第二十七条; 最高人民检察院 2021 行刑反向衔接): after deciding
// not to prosecute a case public security filed, the procuratorate sends it back to the bureau that
// transferred it, with its 检察意见, the reasons and the materials. The shared mechanism is
// kit/reverse-transfer.ts; this owner keeps its table (case_return) and its two mutations. What it
// knows of the case's transfer is its copy (transferred_case, 抄送 by public security): only a
// filed case can have been prosecuted, so only a filed one can be returned after 不起诉.

type Ctx = SubgraphContext<ProcuratorateLoaders>;

const TABLE = 'case_return';

/** Per-request loaders (procuratorateLoaders): a case's returns, latest first (a case transferred again after a return may come back again). */
export function nonProsecutionLoaders(runtime: SubgraphRuntime) {
  return { caseReturnsByCaseId: uuidGroupLoader<CaseReturnRow>((ids) => findCaseReturn(runtime.db, TABLE, { caseIds: ids }), (r) => r.caseId) };
}

export const nonProsecutionMutations = {
  /** 检察意见: the procuratorate decided not to prosecute and sends the case back to its bureau for an administrative penalty. */
  async returnCaseAfterNonProsecution(_: unknown, { caseId, input }: { caseId: string; input: CaseReturnInput }, ctx: Ctx) {
    const what = 'a return of the case after 不起诉';
    const scope = procuratorialOpinionRule.actions.returnForPenalty.scope;
    requireScope(ctx.identity, scope, what);
    const [transferred]: { caseId: string; transferId: string; agencyCode: string; region: string; filing: string | null }[] = isUuid(caseId)
      ? await ctx.runtime.db.query(`SELECT case_id AS "caseId", transfer_id AS "transferId", agency_code AS "agencyCode", region, filing
          FROM transferred_case WHERE case_id = $1`, [caseId])
      : [];
    if (!transferred) throw notFound('EnforcementCase', caseId);
    const place = { agencyCode: transferred.agencyCode, senderUnit: ctx.identity.org ?? '', region: transferred.region };
    requireCovers(ctx.identity, scope, procuratorialOpinionRule.place(place), `${what} on this case`);
    if (transferred.filing !== 'FILED') {
      throw wrongState(`${what} needs a case public security filed (立案) and the procuratorate did not prosecute; case ${caseId} is ${transferred.filing ?? 'not decided'} at public security`);
    }
    requireMay(ctx.identity, procuratorialOpinionRule, 'returnForPenalty', place);
    const violations = new Violations();
    const read = readCaseReturn(violations, input, { opinionRequired: true });
    violations.throwIfAny();
    const now = ctx.runtime.now();
    const row = await sendCaseBack(ctx, TABLE, {
        caseId: transferred.caseId, transferId: transferred.transferId, agencyCode: transferred.agencyCode, senderUnit: ctx.identity.org!, region: transferred.region,
        sender: 'PROCURATORATE', ground: 'NON_PROSECUTION', reason: read.reason, materials: read.materials, opinion: read.opinion ?? null,
        returnedAt: now, returnedBy: ctx.identity.sub,
    });
    ctx.loaders.caseReturnsByCaseId.clear(row.caseId);
    return row;
  },

  /** 签收: the bureau acknowledges the 检察意见 and the case; the procuratorate is told. */
  async acknowledgeProcuratorialOpinion(_: unknown, { id }: { id: string }, ctx: Ctx) {
    return acknowledgeCaseBack(ctx, TABLE, procuratorialOpinionRule, id);
  },
};

export const nonProsecutionCaseFields = {
  /** The latest return of the case after 不起诉, to those whose case:read covers it (the bureau, public security and procurators of the region). */
  async returnAfterNonProsecution(c: { id: string }, _: unknown, ctx: Ctx): Promise<CaseReturnRow | null> {
    const [row] = await ctx.loaders.caseReturnsByCaseId.load(c.id);
    return row && may(ctx.identity, procuratorialOpinionRule, 'read', row) ? row : null;
  },
};

export const NON_PROSECUTION_SDL = `
${CASE_RETURN_SDL}

extend type EnforcementCase {
  "不起诉 → 检察意见: the case the procuratorate sent back to its bureau for an administrative penalty (刑事诉讼法 第一百七十七条第三款), if it did; the bureau, public security and the procuratorate of the region"
  returnAfterNonProsecution: CaseReturn @requiresScopes(scopes: [["case:read"]])
}

extend type Mutation {
  "不起诉 → 检察意见 (刑事诉讼法 第一百七十七条第三款, 行政处罚法 第二十七条): a procuratorate of the region sends a filed case it decided not to prosecute back to the bureau that transferred it, with its 检察意见 (input.opinion, required), the reasons and the materials; the bureau is told at once, public security of the region copied"
  returnCaseAfterNonProsecution(caseId: ID!, input: CaseReturnInput!): CaseReturn @requiresScopes(scopes: [["supervision:write"]])
  "签收: the bureau acknowledges the 检察意见 and the case; it then records the penalty on the same case (its case update)"
  acknowledgeProcuratorialOpinion(id: ID!): CaseReturn @requiresScopes(scopes: [["transfer:write"]])
}
`;
