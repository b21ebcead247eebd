import { defineFlow } from '../../kit/flow';
import type { SuggestionRow } from './entities';

/**
 * 检察建议 (《人民检察院检察建议工作规定》): issued, signed for (签收 — the reply period runs from
 * receipt), objected to (异议) and reviewed (复核: amend or maintain sends it back, withdraw ends
 * it), replied to, and the rectification verified (跟进监督). The mutations read here which state a
 * step starts from; the overdue watch escalates ISSUED suggestions past their due date.
 */
export const suggestionFlow = defineFlow<SuggestionRow['status'], 'issue' | 'receive' | 'object' | 'review' | 'reply' | 'verify'>({
  noun: 'suggestion',
  title: 'A procuratorial suggestion (检察建议), at the procuratorate',
  states: { ISSUED: '已发出', OBJECTED: '提出异议', REPLIED: '已回复', WITHDRAWN: '撤回' },
  steps: {
    issue: { from: [], to: ['ISSUED'], by: 'issueSuggestion' },
    receive: { from: ['ISSUED'], to: ['ISSUED'], by: 'acknowledgeSuggestion / recordSuggestionService' },
    object: { from: ['ISSUED'], to: ['OBJECTED'], by: 'objectToSuggestion', within: 'suggestionReply' },
    review: { from: ['OBJECTED'], to: ['ISSUED', 'WITHDRAWN'], by: 'reviewSuggestionObjection' },
    reply: { from: ['ISSUED'], to: ['REPLIED'], by: 'replyToSuggestion', within: 'suggestionReply' },
    verify: { from: ['REPLIED'], to: ['REPLIED'], by: 'verifySuggestionRectification' },
  },
});
