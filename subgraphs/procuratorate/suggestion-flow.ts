import { defineFlow } from '../../kit/flow';
import type { SuggestionRow } from './entities';

/**
 * 检察建议 (《人民检察院检察建议工作规定》): issued, signed for (签收 — the reply period runs from
 * receipt), objected to (异议) and reviewed (复核: amend or maintain sends it back, withdraw ends
 * it), replied to, and the rectification verified (跟进监督). The mutations read here which state a
 * step starts from; the overdue watch escalates ISSUED suggestions past their due date.
 *
 * 公益诉讼: a PUBLIC_INTEREST suggestion is not escalated to the justice bureau. Left unanswered past
 * its reply period (the overdue watch), answered without rectifying, or its rectification found
 * insufficient or not done, it moves to the litigation stage (提起公益诉讼, 公益诉讼解释 第二十一条:
 * 行政机关不依法履行职责的，人民检察院依法提起行政公益诉讼), where the procuratorate decides to sue
 * or to close (终结审查; the closing ground is to be checked against the 办案规则).
 */
export const suggestionFlow = defineFlow<SuggestionRow['status'], 'issue' | 'receive' | 'object' | 'review' | 'reply' | 'verify' | 'litigate' | 'decideLitigation'>({
  noun: 'suggestion',
  title: 'A procuratorial suggestion (检察建议), at the procuratorate',
  states: { ISSUED: '已发出', OBJECTED: '提出异议', REPLIED: '已回复', WITHDRAWN: '撤回',
    LITIGATION: '诉讼阶段 (待决定)', SUED: '提起公益诉讼', LITIGATION_CLOSED: '终结审查' },
  steps: {
    issue: { from: [], to: ['ISSUED'], by: 'issueSuggestion' },
    receive: { from: ['ISSUED'], to: ['ISSUED'], by: 'acknowledgeSuggestion / recordSuggestionService' },
    object: { from: ['ISSUED'], to: ['OBJECTED'], by: 'objectToSuggestion', within: 'suggestionReply' },
    review: { from: ['OBJECTED'], to: ['ISSUED', 'WITHDRAWN'], by: 'reviewSuggestionObjection' },
    reply: { from: ['ISSUED'], to: ['REPLIED', 'LITIGATION'], by: 'replyToSuggestion', within: 'suggestionReply' },
    verify: { from: ['REPLIED'], to: ['REPLIED', 'LITIGATION'], by: 'verifySuggestionRectification' },
    litigate: { from: ['ISSUED'], to: ['LITIGATION'], by: 'the overdue watch (PUBLIC_INTEREST, unanswered past replyDueAt)' },
    decideLitigation: { from: ['LITIGATION'], to: ['SUED', 'LITIGATION_CLOSED'], by: 'decidePublicInterestLitigation' },
  },
});
