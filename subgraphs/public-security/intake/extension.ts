import type { SubgraphContext } from '../../../kit/module';
import { Violations, optionalText, requireText } from '../../../kit/rules';
import { dueAt, extensionInEffect, extensionsInEffect, filingDecisionDueAt, isPast } from '../../../kit/deadlines';
import type { PublicSecurityLoaders } from '../loaders';
import type { TransferRow } from '../entities';
import { transferFlow } from '../transfer-flow';
import { notice, requireStep, save } from '../mutations';

// 立案审查期限的延长, for one case (《公安机关受理行政执法机关移送涉嫌犯罪案件规定》 第八条: 7 days where
// leads need checking; 30 days for a major, complex case with the approval of a county-level
// head; economic crimes 《关于公安机关办理经济犯罪案件的若干规定》 第十六条: 10 / 30 / 60 days). The
// levels, periods and approvals are data (schema/deadlines.json `extensions`); the unit records
// the level, who approved it where the level needs approval, and why. An extension is granted
// while the period runs: once it has ended the decision is overdue and no extension cures that.

type Ctx = SubgraphContext<PublicSecurityLoaders>;

/** When the filing period counts from: the acceptance, or the completion of the materials after 补正 (materials.ts). */
export const filingPeriodStart = (t: TransferRow): Date => t.materialsCompletedAt ?? t.acceptedAt!;

/** The filing decision's due date for a period starting at `start`, under the case's extension if it has one. */
export function filingDueAt(t: TransferRow, start: Date, level: string | null = t.filingExtensionLevel, env?: NodeJS.ProcessEnv): Date {
  return level ? filingDecisionDueAt(start, level) : dueAt('filingDecision', { acceptedAt: start }, { env });
}

export const extensionMutations = {
  async extendFilingPeriod(_: unknown, { id, level, approvedBy, reason }: { id: string; level: string; approvedBy?: string | null; reason: string }, ctx: Ctx) {
    const transfer = await requireStep(ctx, id, 'extendFilingPeriod', 'an extension of the filing period');
    const now = ctx.runtime.now();
    const start = filingPeriodStart(transfer);
    const violations = new Violations();
    const levels = extensionsInEffect('filingDecision', start);
    const extension = levels.find((x) => x.level === level);
    if (!extension) violations.add('level', 'oneOf', `must be one of ${levels.map((x) => x.level).join(', ')} (schema/deadlines.json extensions)`);
    const approver = violations.check(() => optionalText('approvedBy', approvedBy, 200), null);
    if (extension?.approval && !approver) {
      violations.add('approvedBy', 'requiredApproval', `the ${level} extension needs the approval of ${extension.approval}: name who approved it`);
    }
    const why = violations.check(() => requireText('reason', reason, 2000), '');
    if (isPast(transfer.decisionDueAt, now)) {
      violations.add('id', 'deadline', `the filing period ended on ${new Date(transfer.decisionDueAt).toISOString()}: it can no longer be extended`);
    }
    const extendedDue = extension ? filingDueAt(transfer, start, level) : null;
    if (extendedDue && extendedDue.getTime() <= new Date(transfer.decisionDueAt).getTime()) {
      violations.add('level', 'longer', `${level} would end the period on ${extendedDue.toISOString()}, not after ${new Date(transfer.decisionDueAt).toISOString()}`);
    }
    violations.throwIfAny();
    return save(ctx, transfer, {
      status: transferFlow.to('extendFilingPeriod', 'ACCEPTED'), decisionDueAt: extendedDue!,
      filingExtensionLevel: level, filingExtensionApprovedBy: approver, filingExtensionReason: why, filingExtendedAt: now, filingExtendedBy: ctx.identity.sub,
    }, (row) => [notice(row, { org: row.agencyCode }, 'FILING_PERIOD_EXTENDED', `立案审查期限延长至 ${new Date(row.decisionDueAt).toISOString()}: ${row.summary.slice(0, 60)}`, now)]);
  },
};

export const extensionFields = {
  filingExtension: (t: TransferRow) => {
    if (!t.filingExtensionLevel) return null;
    const rule = extensionInEffect('filingDecision', t.filingExtensionLevel, filingPeriodStart(t));
    return {
      level: t.filingExtensionLevel, approvedBy: t.filingExtensionApprovedBy, approvalRequired: rule.approval, reason: t.filingExtensionReason,
      grantedAt: t.filingExtendedAt, citation: rule.citation,
    };
  },
};
