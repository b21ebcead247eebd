import type { SubgraphContext } from '../../../kit/module';
import { Violations, optionalText, requireText } from '../../../kit/rules';
import { currentRule, dueAt, isPast, periodText, ruleInEffect } from '../../../kit/deadlines';
import type { PublicSecurityLoaders } from '../loaders';
import type { TransferRow } from '../entities';
import { transferFlow } from '../transfer-flow';
import { notice, requireStep, save } from '../mutations';

// 转送 and 退回: what the accepting unit does with a transfer that is not its own to decide.
//
// 《公安机关受理行政执法机关移送涉嫌犯罪案件规定》 (公安部 公通字〔2016〕16号, article numbers to be
// checked) and 《公安机关办理刑事案件程序规定》 (article to be checked: 经过审查，认为有犯罪事实，但不属于
// 自己管辖的案件 … 移送有管辖权的机关处理) make the accepting unit send a case it has no jurisdiction
// over to the competent organ within 24 hours of accepting it (forwardToCompetent in
// schema/deadlines.json, hours by the clock), telling the transferring bureau in writing and copying
// the procuratorate of the same level (抄送同级人民检察院).
//
// Why a forward to ANOTHER PUBLIC-SECURITY UNIT keeps the transfer open and one to ANOTHER AUTHORITY
// ends it here (FORWARDED):
// - Within public security, the competent unit (地域管辖: the place of the crime; 级别管辖: the
//   city's 经侦 for a major economic crime) takes the same transfer under the same rules: it accepts
//   it, and its filing period (国务院令第310号 第八条: 自接受…之日起3日内) runs from ITS acceptance.
//   The bureau's rights against its decision (第九条 复议) and the procuratorate's supervision run
//   against that unit. So the transfer waits for that unit (SUBMITTED again, addressed to it alone:
//   resources/transfer.ts), and nothing is decided by the unit that forwarded it.
// - Another authority (a 监察机关 for a duty crime, 国家安全机关, 军队保卫部门, 海警) is outside public
//   security: its filing is not a 310号令 第八条 decision of public security, the 第九条
//   reconsideration is addressed to public security and does not lie against it, and the hub holds
//   none of its records. Public security's handling of the transfer ends with the forward: FORWARDED,
//   a final state here, naming the authority and the reason; the bureau and the procuratorate are
//   told. The case's fate is that authority's, and the procuratorate's to follow there.
//
// 退回: a case that is no criminal matter at all (没有犯罪事实, 不需要追究刑事责任) goes back to the
// bureau with its file and written reasons (310号令 第八条: 依法不予立案的，应当说明理由，并书面通知
// 行政执法机关，相应退回案卷材料; domain.md "returning the file"), for the administrative penalty
// (第十条). It is public security's refusal to take the case as a crime: the procuratorate is
// told as of a refusal (有案不立 is its to supervise, 刑事诉讼法 第113条), and the bureau may transfer
// the case again with new evidence (retransfer.ts). A refusal by decision (decideTransfer NOT_FILE)
// already returns the file with the written refusal, so RETURNED is for the transfer returned
// instead of a filing decision.

type Ctx = SubgraphContext<PublicSecurityLoaders>;

export interface ForwardInput {
  /** A public-security unit with jurisdiction (its unit code). */
  competentUnit?: string | null;
  /** Or another authority, by name. */
  competentAuthority?: string | null;
  reason: string;
}

export const FORWARD_SDL = `
"""转送: where the accepting unit sent a case it has no jurisdiction over"""
type TransferForward {
  "when, within ${periodText(currentRule('forwardToCompetent'))} of acceptance (schema/deadlines.json: forwardToCompetent)"
  forwardedAt: DateTime!
  "the unit that forwarded it (the earlier accepting unit)"
  forwardedFrom: String
  "the public-security unit named competent: the transfer waits for its acceptance, and the filing period runs from it"
  competentUnit: String
  "or another authority by name: public security's handling ends (FORWARDED)"
  competentAuthority: String
  reason: String!
}

"""退回: the file returned to the transferring bureau, with written reasons"""
type TransferReturn {
  returnedAt: DateTime!
  reason: String!
}

input TransferForwardInput {
  "the competent public-security unit (unit code): the transfer waits for its acceptance"
  competentUnit: String
  "or the competent authority outside public security, by name (监察机关, 国家安全机关 …): the transfer ends here as FORWARDED"
  competentAuthority: String
  "why this unit has no jurisdiction and the other has (书面)"
  reason: String!
}

extend type CaseTransfer {
  "转送, if the transfer was forwarded (the latest forward)"
  forward: TransferForward
  "退回, if the file was returned to the bureau"
  returned: TransferReturn
}

extend type Mutation {
  "转送: the accepting unit sends a case it has no jurisdiction over to the competent public-security unit (which then accepts it) or to another authority (FORWARDED), within ${periodText(currentRule('forwardToCompetent'))} of acceptance; the bureau, the competent unit and the procuratorate of the region are told"
  forwardTransfer(id: ID!, input: TransferForwardInput!): CaseTransfer @requiresScopes(scopes: [["transfer:decide"]])
  "退回: the accepting unit returns the file to the bureau with written reasons, instead of a filing decision (RETURNED); the bureau and the procuratorate are told, and the bureau may transfer the case again with new evidence"
  returnTransfer(id: ID!, reason: String!): CaseTransfer @requiresScopes(scopes: [["transfer:decide"]])
}
`;

/** What the inbox says of the reason: the first words. */
const brief = (text: string) => text.slice(0, 60);

export const forwardMutations = {
  async forwardTransfer(_: unknown, { id, input }: { id: string; input: ForwardInput }, ctx: Ctx) {
    const transfer = await requireStep(ctx, id, 'forward', 'a forward to the competent unit');
    const now = ctx.runtime.now();
    const violations = new Violations();
    const unit = violations.check(() => optionalText('input.competentUnit', input.competentUnit, 100), null);
    const authority = violations.check(() => optionalText('input.competentAuthority', input.competentAuthority, 200), null);
    if (!unit === !authority) {
      violations.add('input', 'oneOf', 'name either the competent public-security unit (competentUnit) or the competent authority outside public security (competentAuthority), not both');
    }
    if (unit && unit === transfer.acceptingUnit) violations.add('input.competentUnit', 'otherUnit', 'names the unit that accepted the transfer: forward it to another unit, or decide on it');
    const reason = violations.check(() => requireText('input.reason', input.reason, 2000), '');
    const due = dueAt('forwardToCompetent', { acceptedAt: transfer.acceptedAt! });
    if (isPast(due, now)) {
      violations.add('id', 'deadline', `a case for another unit is forwarded within ${periodText(ruleInEffect('forwardToCompetent', transfer.acceptedAt!))} of acceptance (forwardToCompetent), until ${due.toISOString()}; decide on it`);
    }
    violations.throwIfAny();
    const forwarded = { forwardedAt: now, forwardedBy: ctx.identity.sub, forwardedFrom: transfer.acceptingUnit, forwardReason: reason };
    if (authority) {
      return save(ctx, transfer, {
        status: transferFlow.to('forward', 'FORWARDED'), ...forwarded, competentUnit: null, competentAuthority: authority,
      }, (row) => [
        notice(row, { org: row.agencyCode }, 'TRANSFER_FORWARDED', `转送${authority}: ${brief(reason)}`, now),
        notice(row, { scope: 'supervision:write', region: row.region }, 'TRANSFER_FORWARDED', `转送${authority} (抄送): ${brief(row.summary)}`, now),
      ]);
    }
    // The competent unit takes the transfer as newly received: it accepts it, and the filing period runs from that acceptance.
    // What the forwarding unit asked for or was granted (补正, an extension) was its own intake: the competent unit starts afresh.
    return save(ctx, transfer, {
      status: transferFlow.to('forward', 'SUBMITTED'), ...forwarded, competentUnit: unit, competentAuthority: null,
      acceptedAt: null, acceptedBy: null, acceptingUnit: null, decisionDueAt: dueAt('filingDecision', now, { env: ctx.runtime.env }),
      materialsRequestedAt: null, materialsRequestedBy: null, materialsMissing: null, materialsRequestNote: null, materialsReceivedAt: null,
      materialsDueAt: null, materialsCompletedAt: null, materialsCompletedBy: null,
      filingExtensionLevel: null, filingExtensionApprovedBy: null, filingExtensionReason: null, filingExtendedAt: null, filingExtendedBy: null,
    }, (row) => [
      notice(row, { org: unit! }, 'TRANSFER_FORWARDED', `转送 (${transfer.acceptingUnit}): ${brief(row.summary)}`, now),
      notice(row, { org: row.agencyCode }, 'TRANSFER_FORWARDED', `转送${unit}: ${brief(reason)}`, now),
      notice(row, { scope: 'supervision:write', region: row.region }, 'TRANSFER_FORWARDED', `转送${unit} (抄送): ${brief(row.summary)}`, now),
    ]);
  },

  async returnTransfer(_: unknown, { id, reason }: { id: string; reason: string }, ctx: Ctx) {
    const transfer = await requireStep(ctx, id, 'return', 'a return of the file');
    const returnReason = requireText('reason', reason, 2000);
    const now = ctx.runtime.now();
    return save(ctx, transfer, {
      status: transferFlow.to('return', 'RETURNED'), returnedAt: now, returnedBy: ctx.identity.sub, returnReason,
    }, (row) => [
      notice(row, { org: row.agencyCode }, 'TRANSFER_RETURNED', `退回移送案件: ${brief(returnReason)}`, now),
      // 抄送: a return is a refusal to take the case as a crime; the procuratorate supervises it (刑事诉讼法 第113条).
      notice(row, { scope: 'supervision:write', region: row.region }, 'TRANSFER_RETURNED', `退回移送案件 (抄送): ${brief(row.summary)}`, now),
    ], () => ({ kind: 'REFUSED', at: now.toISOString(), text: `退回: ${returnReason}` }));
  },
};

export const forwardFields = {
  forward: (t: TransferRow) => (t.forwardedAt ? {
    forwardedAt: t.forwardedAt, forwardedFrom: t.forwardedFrom, competentUnit: t.competentUnit, competentAuthority: t.competentAuthority, reason: t.forwardReason,
  } : null),
  returned: (t: TransferRow) => (t.returnedAt ? { returnedAt: t.returnedAt, reason: t.returnReason } : null),
};
