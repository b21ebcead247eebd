import { defineFlow } from '../../kit/flow';

export type SupervisionOpinionStatus = 'ISSUED' | 'REPLIED' | 'CLOSED';

/**
 * 行政执法监督意见书 (domain.md §7; seed 001: 违法或者不当的 — 涉嫌犯罪未移送、拒不执行、滥用
 * 自由裁量权): the justice bureau issues it to a bureau with a rectification deadline it sets (no
 * statutory period is recorded in domain.md, so the deadline is the opinion's own), the bureau
 * replies in writing, the justice bureau verifies the rectification (rectified, insufficient, not
 * rectified) and closes it — a further measure is a new opinion; the procuratorate is notified at
 * issuance and of the verification (双向通报).
 */
export const supervisionOpinionFlow = defineFlow<SupervisionOpinionStatus, 'issue' | 'reply' | 'verify'>({
  noun: 'opinion',
  title: 'A supervision opinion (行政执法监督意见书), at the justice bureau',
  states: { ISSUED: '已发出', REPLIED: '已回复', CLOSED: '已核查' },
  steps: {
    issue: { from: [], to: ['ISSUED'], by: 'issueSupervisionOpinion' },
    reply: { from: ['ISSUED'], to: ['REPLIED'], by: 'replyToSupervisionOpinion' },
    verify: { from: ['REPLIED'], to: ['CLOSED'], by: 'verifySupervisionOpinion' },
  },
});
