import { DEADLINE_EXTENSIONS, currentRule, periodText } from '../../../kit/deadlines';
import { ATTACHMENT_KINDS, ATTACHMENT_NAMES, MAY_BE_ABSENT } from './attachments';
import { SEIZED_ITEMS_SDL } from './seized-items-schema';
import { REVERSE_TRANSFER_SDL } from './reverse-transfer';
import { FORWARD_SDL } from './forward';
import { RETRANSFER_SDL } from './retransfer';

// Public-security intake (受理) in the schema: the attachments of 国务院令第310号 第六条, 补正 and the
// per-case extension of the filing period. Descriptions are drawn from the same data the code
// enforces (attachments.ts, schema/deadlines.json).

const levels = DEADLINE_EXTENSIONS.filter((x) => x.key === 'filingDecision' && x.effectiveTo === null)
  .map((x) => `${x.level} (${x.period.amount} ${x.period.unit}${x.approval ? `, approved by ${x.approval.split(' (')[0]}` : ', no approval named'})`).join('; ');

export const INTAKE_SDL = `
${SEIZED_ITEMS_SDL}
${REVERSE_TRANSFER_SDL}
${FORWARD_SDL}${RETRANSFER_SDL}
"""国务院令第310号 第六条: the five materials a transfer must carry"""
enum TransferAttachmentKind {
${ATTACHMENT_KINDS.map((k) => `  "${ATTACHMENT_NAMES[k]}${MAY_BE_ABSENT[k] ? `; may be declared absent when ${MAY_BE_ABSENT[k]}` : '; never absent'}"\n  ${k}`).join('\n')}
}

"""One of the five, provided (title) or declared absent with a reason where the law allows"""
type TransferAttachment {
  kind: TransferAttachmentKind!
  "its name in 第六条"
  name: String!
  "the document's title, when provided"
  title: String
  "why it is absent (e.g. no items seized)"
  absentReason: String
}

input TransferAttachmentInput {
  kind: TransferAttachmentKind!
  "the document's title: it is provided"
  title: String
  "or why it is absent, where the law allows (the list of items, the inspection report, other materials)"
  absentReason: String
}

"""补正: public security asks the transferring bureau to complete the transfer's materials"""
type TransferMaterialsRequest {
  "within ${periodText(currentRule('materialsNotice'))} of acceptance (schema/deadlines.json: materialsNotice)"
  requestedAt: DateTime!
  "what is missing"
  missing: [TransferAttachmentKind!]!
  note: String
  "收到: served on the bureau through the platform when made; the completion period runs from here"
  receivedAt: DateTime!
  "${periodText(currentRule('materialsCompletion'))} from receipt (schema/deadlines.json: materialsCompletion)"
  dueAt: DateTime!
  completedAt: DateTime
  "not completed and past dueAt, by the hub's clock"
  overdue: Boolean!
}

"""立案审查期限的延长 granted to one case"""
type FilingExtension {
  "the level of schema/deadlines.json extensions: ${levels}"
  level: String!
  "who approved it (批准), as the level requires"
  approvedBy: String
  "the approval the level needs by law; null when the law names none"
  approvalRequired: String
  reason: String!
  grantedAt: DateTime!
  citation: String!
}

extend type CaseTransfer {
  "第六条: the attachments as declared, in the article's order"
  attachments: [TransferAttachment!]!
  "第六条: the kinds neither provided nor declared absent (all five for a transfer made with the free list only)"
  missingAttachments: [TransferAttachmentKind!]!
  "补正: the latest request to complete the materials, if any"
  materialsRequest: TransferMaterialsRequest
  "立案审查期限的延长, if granted; decisionDueAt follows it"
  filingExtension: FilingExtension
}

extend type Mutation {
  "补正: the accepting unit names the missing materials, within ${periodText(currentRule('materialsNotice'))} of acceptance; the bureau is told at once. The filing period waits until they are complete"
  requestTransferMaterials(id: ID!, missing: [TransferAttachmentKind!]!, note: String): CaseTransfer @requiresScopes(scopes: [["transfer:decide"]])
  "补正: the transferring bureau completes the materials asked for (each provided, or absent with a reason where allowed), within ${periodText(currentRule('materialsCompletion'))} of receipt; the filing period runs again from now"
  completeTransferMaterials(id: ID!, attachments: [TransferAttachmentInput!]!): CaseTransfer @requiresScopes(scopes: [["transfer:write"]])
  "立案审查期限的延长: the accepting unit records an extension of this case's filing period, before it ends, naming who approved it where the level needs approval (levels: ${levels})"
  extendFilingPeriod(id: ID!, level: String!, approvedBy: String, reason: String!): CaseTransfer @requiresScopes(scopes: [["transfer:decide"]])
}
`;
