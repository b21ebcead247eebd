import { defineFlow } from '../../kit/flow';
import type { FilingSupervisionStatus } from './filing-supervision';

/**
 * 立案监督 as the procuratorate runs it (刑事诉讼法 第113条; 国务院令第310号 第九条): a matter opens
 * on every refusal public security reports (抄送); the bureau may ask for supervision; the
 * procurator asks public security to explain, then finds the reasons sound or orders filing, and
 * issues a 纠正违法通知书 when an order is not followed in time. Filing closes the matter from any state.
 */
export const filingSupervisionFlow = defineFlow<FilingSupervisionStatus, 'refused' | 'request' | 'requireExplanation' | 'explained' | 'decide' | 'correctionNotice' | 'filed'>({
  noun: 'matter',
  title: 'Filing supervision (立案监督), at the procuratorate',
  states: {
    REFUSED: '不予立案 (抄送)', REQUESTED: '提请立案监督', EXPLANATION_REQUESTED: '要求说明不立案理由', EXPLAINED: '已说明理由',
    REASONS_ACCEPTED: '理由成立', FILING_ORDERED: '通知立案', CORRECTION_NOTICED: '纠正违法通知书', FILED: '已立案',
  },
  steps: {
    refused: { from: [], to: ['REFUSED'], by: 'message REFUSED / REFUSAL_UPHELD' },
    request: { from: ['REFUSED'], to: ['REQUESTED'], by: 'requestFilingSupervision', within: 'supervisionRequest' },
    requireExplanation: { from: ['REFUSED', 'REQUESTED'], to: ['EXPLANATION_REQUESTED'], by: 'requireFilingExplanation' },
    explained: { from: ['EXPLANATION_REQUESTED'], to: ['EXPLAINED'], by: 'message EXPLAINED', within: 'filingExplanation' },
    decide: { from: ['EXPLAINED'], to: ['REASONS_ACCEPTED', 'FILING_ORDERED'], by: 'decideFilingSupervision' },
    correctionNotice: { from: ['FILING_ORDERED'], to: ['CORRECTION_NOTICED'], by: 'issueFilingCorrectionNotice' },
    filed: {
      from: ['REFUSED', 'REQUESTED', 'EXPLANATION_REQUESTED', 'EXPLAINED', 'REASONS_ACCEPTED', 'FILING_ORDERED', 'CORRECTION_NOTICED'],
      to: ['FILED'], by: 'message FILED',
    },
  },
});
