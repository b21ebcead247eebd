import { defineFlow } from '../../kit/flow';
import type { RequestStatus } from './filing-supervision';

/**
 * 立案监督 as public security lives it (刑事诉讼法 第113条; 国务院令第310号 第九条): the
 * procuratorate's notices arrive as messages and open or move the request; the accepting unit
 * explains its refusal and files on an order. Periods run from receipt (收到).
 */
export const filingSupervisionRequestFlow = defineFlow<RequestStatus, 'explanationRequested' | 'explain' | 'reasonsAccepted' | 'filingOrdered' | 'correctionNoticed' | 'file'>({
  noun: 'request',
  title: 'Filing supervision (立案监督), at public security',
  states: {
    EXPLANATION_REQUESTED: '要求说明不立案理由', EXPLAINED: '已说明理由', REASONS_ACCEPTED: '理由成立',
    FILING_ORDERED: '通知立案', CORRECTION_NOTICED: '纠正违法通知书', FILED: '已立案',
  },
  steps: {
    explanationRequested: { from: [], to: ['EXPLANATION_REQUESTED'], by: 'notice EXPLANATION_REQUESTED' },
    explain: { from: ['EXPLANATION_REQUESTED'], to: ['EXPLAINED'], by: 'explainNonFiling', within: 'filingExplanation' },
    reasonsAccepted: { from: ['EXPLAINED'], to: ['REASONS_ACCEPTED'], by: 'notice REASONS_ACCEPTED' },
    filingOrdered: { from: ['EXPLAINED'], to: ['FILING_ORDERED'], by: 'notice FILING_ORDERED' },
    correctionNoticed: { from: ['FILING_ORDERED'], to: ['CORRECTION_NOTICED'], by: 'notice CORRECTION_NOTICE' },
    file: { from: ['FILING_ORDERED', 'CORRECTION_NOTICED'], to: ['FILED'], by: 'fileOnOrder', within: 'filingOrder' },
  },
});
