import { defineFlow } from '../../kit/flow';
import type { TransferStatus } from './entities';

/**
 * 移送 → 受理 → 立案 / 不予立案 → 复议 (国务院令第310号 第八条、第九条), and 依通知立案 after the
 * procuratorate's filing supervision (刑事诉讼法 第113条). The mutations read the states each step
 * starts from here; the diagram in docs/supervision-at-work.md is drawn from it.
 */
export const transferFlow = defineFlow<TransferStatus, 'submit' | 'accept' | 'decide' | 'requestReconsideration' | 'decideReconsideration' | 'fileOnOrder'>({
  noun: 'transfer',
  title: 'A transfer (移送涉嫌犯罪案件), at public security',
  states: {
    SUBMITTED: '已移送', ACCEPTED: '已受理', FILED: '已立案', NOT_FILED: '不予立案',
    RECONSIDERATION_REQUESTED: '提请复议', RECONSIDERATION_UPHELD: '复议维持不予立案',
  },
  steps: {
    submit: { from: [], to: ['SUBMITTED'], by: 'transferCase' },
    accept: { from: ['SUBMITTED'], to: ['ACCEPTED'], by: 'acceptTransfer' },
    decide: { from: ['ACCEPTED'], to: ['FILED', 'NOT_FILED'], by: 'decideTransfer', within: 'filingDecision' },
    requestReconsideration: { from: ['NOT_FILED'], to: ['RECONSIDERATION_REQUESTED'], by: 'requestReconsideration', within: 'reconsiderationRequest' },
    decideReconsideration: { from: ['RECONSIDERATION_REQUESTED'], to: ['FILED', 'RECONSIDERATION_UPHELD'], by: 'decideReconsideration', within: 'reconsiderationAnswer' },
    fileOnOrder: { from: ['NOT_FILED', 'RECONSIDERATION_UPHELD'], to: ['FILED'], by: 'fileOnOrder', within: 'filingOrder' },
  },
});
