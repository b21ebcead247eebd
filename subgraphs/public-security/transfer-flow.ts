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
 *
 * 转送 and 退回 (intake/forward.ts): within 24 hours of acceptance a case for another
 * public-security unit goes to that unit and waits for its acceptance (SUBMITTED again, addressed
 * to it), a case for another authority leaves public security (FORWARDED); a case that is no
 * criminal matter for public security is returned to the bureau with written reasons (RETURNED).
 * After a refusal, an upheld refusal or a return the bureau may transfer the case again with new
 * evidence (intake/retransfer.ts): a new transfer, linked to this one, starts at SUBMITTED.
 */
export const transferFlow = defineFlow<TransferStatus, 'submit' | 'accept' | 'requestMaterials' | 'completeMaterials' | 'extendFilingPeriod' | 'decide' | 'requestReconsideration' | 'decideReconsideration' | 'fileOnOrder'
  | 'forward' | 'return' | 'retransfer'>({
  noun: 'transfer',
  title: 'A transfer (移送涉嫌犯罪案件), at public security',
  states: {
    SUBMITTED: '已移送', ACCEPTED: '已受理', MATERIALS_REQUESTED: '补正材料中', FILED: '已立案', NOT_FILED: '不予立案',
    RECONSIDERATION_REQUESTED: '提请复议', RECONSIDERATION_UPHELD: '复议维持不予立案',
    RETURNED: '已退回', FORWARDED: '已转送其他主管机关',
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
    // A return is a refusal to take the case as a crime: the procuratorate may order it filed as well (刑事诉讼法 第113条).
    fileOnOrder: { from: ['NOT_FILED', 'RECONSIDERATION_UPHELD', 'RETURNED'], to: ['FILED'], by: 'fileOnOrder', within: 'filingOrder' },
    forward: { from: ['ACCEPTED'], to: ['SUBMITTED', 'FORWARDED'], by: 'forwardTransfer', within: 'forwardToCompetent' },
    return: { from: ['ACCEPTED', 'MATERIALS_REQUESTED'], to: ['RETURNED'], by: 'returnTransfer' },
    retransfer: { from: ['NOT_FILED', 'RECONSIDERATION_UPHELD', 'RETURNED'], to: ['SUBMITTED'], by: 'retransferCase' },
  },
});
