import { defineFlow } from '../../../kit/flow';

/**
 * 涉案物品移交 (国务院令第310号 第十二条): once public security files a transferred case, the bureau
 * hands over the seized items and the other materials of the case within 3 days of receiving the
 * filing notice (立案通知书), and the two complete the handover (办结交接手续: public security signs
 * for what it received, 签收). A bureau that seized nothing says so, with the reason; there is then
 * nothing to sign for. OUTSTANDING is no row of its own: it is a FILED transfer without a handover.
 */
export type HandoverStatus = 'OUTSTANDING' | 'HANDED_OVER' | 'NONE_SEIZED' | 'RECEIVED';

export const seizedItemsFlow = defineFlow<HandoverStatus, 'file' | 'handOver' | 'confirmReceipt'>({
  noun: 'handover',
  title: 'The handover of seized items (涉案物品移交), after public security files a transferred case',
  states: { OUTSTANDING: '待移交', HANDED_OVER: '已移交待签收', NONE_SEIZED: '无涉案物品', RECEIVED: '已签收' },
  steps: {
    file: { from: [], to: ['OUTSTANDING'], by: '立案: decideTransfer, decideReconsideration or fileOnOrder' },
    handOver: { from: ['OUTSTANDING'], to: ['HANDED_OVER', 'NONE_SEIZED'], by: 'recordSeizedItemsHandover', within: 'seizedItemsHandover' },
    confirmReceipt: { from: ['HANDED_OVER'], to: ['RECEIVED'], by: 'confirmSeizedItemsReceipt' },
  },
});
