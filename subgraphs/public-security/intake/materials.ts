import type { SubgraphContext } from '../../../kit/module';
import { Violations, optionalText } from '../../../kit/rules';
import { dueAt, isPast } from '../../../kit/deadlines';
import type { PublicSecurityLoaders } from '../loaders';
import type { TransferRow } from '../entities';
import { transferFlow } from '../transfer-flow';
import { notice, requireStep, save } from '../mutations';
import { ATTACHMENT_KINDS, ATTACHMENT_NAMES, mergeAttachments, missingKinds, readAttachments, type AttachmentInput, type AttachmentKind } from './attachments';
import { filingDueAt } from './extension';

// 补正 (《公安机关受理行政执法机关移送涉嫌犯罪案件规定》, 公安部 2016): 移送材料不全的，应当在接受案件后
// 24小时内书面告知移送的行政执法机关在3日内补正 (materialsNotice, materialsCompletion in
// schema/deadlines.json; article numbers to be checked). The same rules forbid refusing a
// transfer because its materials are incomplete, so the transfer is accepted first and the
// request follows acceptance.
//
// The filing period while materials are outstanding: the 2016 rules do not say in terms that it
// stops. What the texts support is that the short period is counted for complete materials:
// 《关于公安机关办理经济犯罪案件的若干规定》 第十六条 gives 3 days "移送材料符合相关规定的", and a
// decision cannot be asked of public security on materials it has been told to wait for. The hub
// therefore lets the filing period wait (MATERIALS_REQUESTED, nothing owed by public security)
// and counts it afresh from the completion, as from an acceptance of complete materials. Public
// security may still decide on what it has at any time (decideTransfer from MATERIALS_REQUESTED).

type Ctx = SubgraphContext<PublicSecurityLoaders>;

const names = (kinds: readonly string[]) => kinds.map((k) => ATTACHMENT_NAMES[k as AttachmentKind]).join('、');

export const materialsMutations = {
  /** 补正通知: the accepting unit names what is missing, within 24 hours of acceptance. */
  async requestTransferMaterials(_: unknown, { id, missing, note }: { id: string; missing: AttachmentKind[]; note?: string | null }, ctx: Ctx) {
    const transfer = await requireStep(ctx, id, 'requestMaterials', 'a request to complete materials');
    const now = ctx.runtime.now();
    const violations = new Violations();
    if (!missing.length) violations.add('missing', 'required', 'name at least one of the materials of 国务院令第310号 第六条 that is missing');
    const twice = missing.filter((k, i) => missing.indexOf(k) !== i);
    if (twice.length) violations.add('missing', 'unique', `names ${[...new Set(twice)].join(', ')} more than once`);
    const requestNote = violations.check(() => optionalText('note', note, 2000), null);
    const noticeDue = dueAt('materialsNotice', { acceptedAt: transfer.acceptedAt! });
    if (isPast(noticeDue, now)) {
      violations.add('id', 'deadline', `materials may be asked for within 24 hours of acceptance (materialsNotice), until ${noticeDue.toISOString()}; decide on what the transfer holds`);
    }
    violations.throwIfAny();
    const kinds = ATTACHMENT_KINDS.filter((k) => missing.includes(k));
    // 收到: the notice is served on the bureau through the platform the moment it is made (its inbox).
    const receivedAt = now;
    return save(ctx, transfer, {
      status: transferFlow.to('requestMaterials', 'MATERIALS_REQUESTED'), materialsRequestedAt: now, materialsRequestedBy: ctx.identity.sub,
      materialsMissing: kinds, materialsRequestNote: requestNote, materialsReceivedAt: receivedAt,
      materialsDueAt: dueAt('materialsCompletion', { receivedAt }), materialsCompletedAt: null, materialsCompletedBy: null,
    }, (row) => [notice(row, { org: row.agencyCode }, 'TRANSFER_MATERIALS_REQUESTED', `补正通知: 请补正${names(kinds)}`, now)]);
  },

  /** 补正: the transferring bureau completes what was asked for; the filing period runs again from now. */
  async completeTransferMaterials(_: unknown, { id, attachments }: { id: string; attachments: AttachmentInput[] }, ctx: Ctx) {
    const transfer = await requireStep(ctx, id, 'completeMaterials', 'completing the materials');
    const violations = new Violations();
    const completed = readAttachments(violations, 'attachments', attachments, transfer.materialsMissing ?? []);
    violations.throwIfAny();
    const now = ctx.runtime.now();
    return save(ctx, transfer, {
      status: transferFlow.to('completeMaterials', 'ACCEPTED'), attachments: mergeAttachments(transfer.attachments, completed),
      materialsCompletedAt: now, materialsCompletedBy: ctx.identity.sub, decisionDueAt: filingDueAt(transfer, now, transfer.filingExtensionLevel, ctx.runtime.env),
    }, (row) => [notice(row, row.acceptingUnit ? { org: row.acceptingUnit } : { scope: 'transfer:decide', region: row.region },
      'TRANSFER_MATERIALS_COMPLETED', `材料已补正: ${names(completed.map((a) => a.kind))}`, now)]);
  },
};

export const materialsFields = {
  attachments: (t: TransferRow) => (t.attachments ?? []).map((a) => ({ ...a, name: ATTACHMENT_NAMES[a.kind] })),
  missingAttachments: (t: TransferRow) => missingKinds(t.attachments ?? []),
  materialsRequest: (t: TransferRow, _: unknown, ctx: Ctx) => (t.materialsRequestedAt ? {
    requestedAt: t.materialsRequestedAt, missing: t.materialsMissing ?? [], note: t.materialsRequestNote, receivedAt: t.materialsReceivedAt,
    dueAt: t.materialsDueAt, completedAt: t.materialsCompletedAt,
    overdue: t.status === 'MATERIALS_REQUESTED' && isPast(t.materialsDueAt, ctx.runtime.now()),
  } : null),
};
