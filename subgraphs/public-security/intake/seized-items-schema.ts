import { currentRule, periodText } from '../../../kit/deadlines';

// 涉案物品移交 (国务院令第310号 第十二条) in the schema: intake/seized-items.ts enforces it; the
// period is read from schema/deadlines.json (seizedItemsHandover).

const period = periodText(currentRule('seizedItemsHandover'));

export const SEIZED_ITEMS_SDL = `
"""涉案物品移交: where the handover of a filed case's seized items stands (国务院令第310号 第十二条)"""
enum SeizedItemsHandoverStatus {
  "待移交: the case is filed and the bureau has recorded nothing yet"
  OUTSTANDING
  "已移交: the bureau handed the items over; the accepting unit is to sign for them"
  HANDED_OVER
  "无涉案物品: the bureau seized nothing (noneSeizedReason); nothing to sign for"
  NONE_SEIZED
  "已签收: the accepting unit signed for the items (办结交接手续)"
  RECEIVED
}

"""One seized item handed over (涉案物品)"""
type SeizedItem {
  description: String!
  quantity: Float!
  "计量单位: 件, 卷, 千克 …"
  unit: String!
}

input SeizedItemInput {
  "what the item is"
  description: String!
  "more than 0"
  quantity: Float!
  "计量单位: 件, 卷, 千克 …"
  unit: String!
}

"""涉案物品移交 of a filed transfer: the bureau hands over within ${period} of receiving the filing notice; the accepting unit signs for the items"""
type SeizedItemsHandover @requiresScopes(scopes: [["case:read"]]) {
  transfer: CaseTransfer
  status: SeizedItemsHandoverStatus!
  "收到立案通知书: the filing notice is served on the bureau through the platform when the case is filed; the period runs from here"
  noticeReceivedAt: DateTime!
  "${period} from noticeReceivedAt (schema/deadlines.json: seizedItemsHandover)"
  dueAt: DateTime!
  "the items handed over; empty while outstanding or when none were seized"
  items: [SeizedItem!]!
  "why nothing was seized (无涉案物品)"
  noneSeizedReason: String
  handedOverAt: DateTime
  "recorded after dueAt"
  late: Boolean!
  "签收"
  receivedAt: DateTime
  receiptNote: String
  "nothing recorded and past dueAt, by the hub's clock"
  overdue: Boolean!
}

extend type CaseTransfer {
  "涉案物品移交: once the case is filed (null before)"
  seizedItemsHandover: SeizedItemsHandover
}

extend type OverdueItems {
  "涉案物品移交: filed transfers with nothing handed over past dueAt, among the transfers the caller reads"
  seizedItemsHandovers: [SeizedItemsHandover!]
}

extend type Mutation {
  "涉案物品移交: the bureau that transferred a filed case records the items it handed over (each with its quantity), or why none were seized, within ${period} of the filing notice; the accepting unit is told at once"
  recordSeizedItemsHandover(transferId: ID!, items: [SeizedItemInput!], noneSeizedReason: String): SeizedItemsHandover @requiresScopes(scopes: [["transfer:write"]])
  "签收: the unit that accepted the transfer confirms it received the items handed over; the bureau is told at once"
  confirmSeizedItemsReceipt(transferId: ID!, note: String): SeizedItemsHandover @requiresScopes(scopes: [["transfer:decide"]])
}
`;
