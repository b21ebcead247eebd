import { defineFlow } from '../../kit/flow';
import type { TransferStatus } from './entities';

/**
 * 移送 → 受理 → 立案 / 不予立案 → 复议 (国务院令第310号 第八条、第九条), and 依通知立案 after the
 * procuratorate's filing supervision (刑事诉讼法 第113条). The mutations read the states each step
 * starts from here; the diagram in docs/supervision-at-work.md is drawn from it.
 *
 * Intake (intake/): 补正, public security asks the bureau for missing materials within 24 hours of
 * acceptance and the bureau completes them within 3 days of receipt (公安部 2016 受理规定); it may
 * still decide on what it has. The filing period of one case may be extended with the approval its
 * level names (立案审查期限的延长): the transfer stays ACCEPTED, its decisionDueAt moves.
 */
export const transferFlow = defineFlow<TransferStatus, 'submit' | 'accept' | 'requestMaterials' | 'completeMaterials' | 'extendFilingPeriod' | 'decide' | 'requestReconsideration' | 'decideReconsideration' | 'fileOnOrder'>({
  noun: 'transfer',
  title: 'A transfer (移送涉嫌犯罪案件), at public security',
  states: {
    SUBMITTED: '已移送', ACCEPTED: '已受理', MATERIALS_REQUESTED: '补正材料中', FILED: '已立案', NOT_FILED: '不予立案',
    RECONSIDERATION_REQUESTED: '提请复议', RECONSIDERATION_UPHELD: '复议维持不予立案',
  },
  steps: {
    submit: { from: [], to: ['SUBMITTED'], by: 'transferCase' },
    accept: { from: ['SUBMITTED'], to: ['ACCEPTED'], by: 'acceptTransfer' },
    requestMaterials: { from: ['ACCEPTED'], to: ['MATERIALS_REQUESTED'], by: 'requestTransferMaterials', within: 'materialsNotice' },
    completeMaterials: { from: ['MATERIALS_REQUESTED'], to: ['ACCEPTED'], by: 'completeTransferMaterials', within: 'materialsCompletion' },
    extendFilingPeriod: { from: ['ACCEPTED'], to: ['ACCEPTED'], by: 'extendFilingPeriod', within: 'filingDecision' },
    decide: { from: ['ACCEPTED', 'MATERIALS_REQUESTED'], to: ['FILED', 'NOT_FILED'], by: 'decideTransfer', within: 'filingDecision' },
    requestReconsideration: { from: ['NOT_FILED'], to: ['RECONSIDERATION_REQUESTED'], by: 'requestReconsideration', within: 'reconsiderationRequest' },
    decideReconsideration: { from: ['RECONSIDERATION_REQUESTED'], to: ['FILED', 'RECONSIDERATION_UPHELD'], by: 'decideReconsideration', within: 'reconsiderationAnswer' },
    fileOnOrder: { from: ['NOT_FILED', 'RECONSIDERATION_UPHELD'], to: ['FILED'], by: 'fileOnOrder', within: 'filingOrder' },
  },
});
