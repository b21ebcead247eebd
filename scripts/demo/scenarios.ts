// What happens to a demo case after it is recorded: steps, each a number of days after the
// recording, as the law's periods allow (国务院令第310号 第八条/第九条, 刑事诉讼法 第一百一十三条,
// 《人民检察院检察建议工作规定》第十九条, 《行政执法监督条例》). A step the loader reaches only
// after today is not taken: the case then stays in the state before it, as a live one would.

export type Step =
  | 'transfer' | 'accept' | 'requestMaterials' | 'completeMaterials' | 'forward' | 'return' | 'retransfer'
  | 'decideFile' | 'decideNotFile' | 'requestReconsideration' | 'upholdRefusal' | 'fileOnReconsideration'
  | 'handOverItems' | 'confirmItems' | 'investigate' | 'returnForPenalty' | 'acknowledgeReturn'
  | 'returnAfterNonProsecution' | 'acknowledgeOpinion'
  | 'requestFilingSupervision' | 'requireExplanation' | 'explain' | 'decideReasonsSound' | 'orderFiling' | 'fileOnOrder' | 'correctionNotice'
  | 'dismissAlert' | 'convertAlert' | 'openSupervision' | 'closeSupervision'
  | 'issueSuggestion' | 'acknowledgeSuggestion' | 'replySuggestion' | 'verifyDone' | 'verifyInsufficient' | 'recordSupervisionResult'
  | 'objectSuggestion' | 'withdrawSuggestion' | 'maintainSuggestion'
  | 'issueOpinion' | 'replyOpinion' | 'verifyOpinion';

export interface Scenario {
  /** Which of a case's lines it is: the transfer and alert line (main), or one laid over it. */
  line: 'main' | 'suggestion' | 'opinion' | 'supervision';
  /** Its case must cross a threshold (an alert is raised on it). */
  over?: boolean;
  steps: [day: number, step: Step][];
}

const TRANSFERRED: Scenario['steps'] = [[2, 'transfer'], [3, 'accept']];
const REFUSED: Scenario['steps'] = [...TRANSFERRED, [5, 'decideNotFile']];
// 复议: asked within 3 days of the refusal (第九条), answered within 3 days.
const UPHELD: Scenario['steps'] = [...REFUSED, [6, 'requestReconsideration'], [8, 'upholdRefusal']];
// 提请立案监督 within 3 days of the upheld refusal; the procuratorate asks for the reasons (7 days).
const EXPLAINED: Scenario['steps'] = [...UPHELD, [9, 'requestFilingSupervision'], [11, 'requireExplanation'], [15, 'explain']];
const FILED: Scenario['steps'] = [...TRANSFERRED, [5, 'decideFile'], [6, 'handOverItems'], [8, 'confirmItems']];
const ACKNOWLEDGED: Scenario['steps'] = [[10, 'issueSuggestion'], [13, 'acknowledgeSuggestion']];
const OBJECTED: Scenario['steps'] = [...ACKNOWLEDGED, [20, 'objectSuggestion']];
const OPINION: Scenario['steps'] = [[15, 'issueOpinion']];

export const SCENARIOS: Record<string, Scenario> = {
  // Recorded only: most cases never leave the agency.
  recorded: { line: 'main', steps: [] },
  // 以罚代刑 signals: over a threshold and not transferred.
  alertOpen: { line: 'main', over: true, steps: [] },
  alertDismissed: { line: 'main', over: true, steps: [[6, 'dismissAlert']] },
  alertConverted: { line: 'main', over: true, steps: [[5, 'convertAlert']] },
  // The transfer in each of its states.
  submitted: { line: 'main', over: true, steps: [[2, 'transfer']] },
  accepted: { line: 'main', over: true, steps: TRANSFERRED },
  materialsRequested: { line: 'main', over: true, steps: [...TRANSFERRED, [3, 'requestMaterials']] },
  materialsCompleted: { line: 'main', over: true, steps: [...TRANSFERRED, [3, 'requestMaterials'], [5, 'completeMaterials'], [8, 'decideFile']] },
  forwarded: { line: 'main', steps: [...TRANSFERRED, [3, 'forward']] },
  returned: { line: 'main', over: true, steps: [...TRANSFERRED, [5, 'return']] },
  retransferred: { line: 'main', over: true, steps: [...TRANSFERRED, [5, 'return'], [20, 'retransfer']] },
  filed: { line: 'main', over: true, steps: [...FILED, [30, 'investigate']] },
  // 立而不侦: filed, no investigation recorded; three months on, the reminder goes out.
  filedUninvestigated: { line: 'main', over: true, steps: FILED },
  filedNotProsecuted: { line: 'main', over: true, steps: [...FILED, [30, 'investigate'], [90, 'returnAfterNonProsecution'], [93, 'acknowledgeOpinion']] },
  notFiled: { line: 'main', over: true, steps: REFUSED },
  notFiledReturned: { line: 'main', steps: [...REFUSED, [7, 'returnForPenalty'], [9, 'acknowledgeReturn']] },
  reconsiderationRequested: { line: 'main', over: true, steps: [...REFUSED, [6, 'requestReconsideration']] },
  reconsiderationUpheld: { line: 'main', over: true, steps: UPHELD },
  reconsiderationFiled: { line: 'main', over: true, steps: [...REFUSED, [6, 'requestReconsideration'], [8, 'fileOnReconsideration']] },
  // 立案监督 in each of its states.
  filingSupervisionRequested: { line: 'main', over: true, steps: [...UPHELD, [9, 'requestFilingSupervision']] },
  filingExplanationRequested: { line: 'main', over: true, steps: [...UPHELD, [9, 'requestFilingSupervision'], [11, 'requireExplanation']] },
  filingExplained: { line: 'main', over: true, steps: EXPLAINED },
  filingReasonsSound: { line: 'main', over: true, steps: [...EXPLAINED, [20, 'decideReasonsSound']] },
  filingOrdered: { line: 'main', over: true, steps: [...EXPLAINED, [20, 'orderFiling']] },
  filingOnOrder: { line: 'main', over: true, steps: [...EXPLAINED, [20, 'orderFiling'], [28, 'fileOnOrder']] },
  // 通知立案 not followed within 15 days: 纠正违法通知书.
  filingCorrected: { line: 'main', over: true, steps: [...EXPLAINED, [20, 'orderFiling'], [40, 'correctionNotice']] },

  // 检察建议 in each of its states.
  suggestionUnsigned: { line: 'suggestion', steps: [[10, 'issueSuggestion']] },
  suggestionAwaitingReply: { line: 'suggestion', steps: ACKNOWLEDGED },
  suggestionReplied: { line: 'suggestion', steps: [...ACKNOWLEDGED, [40, 'replySuggestion']] },
  suggestionVerified: { line: 'suggestion', steps: [...ACKNOWLEDGED, [40, 'replySuggestion'], [60, 'verifyDone']] },
  // 双向通报 (seed 001): rectification found insufficient goes to the justice bureau, which records its handling.
  suggestionEscalated: { line: 'suggestion', steps: [...ACKNOWLEDGED, [40, 'replySuggestion'], [60, 'verifyInsufficient'], [75, 'recordSupervisionResult']] },
  suggestionObjected: { line: 'suggestion', steps: OBJECTED },
  suggestionWithdrawn: { line: 'suggestion', steps: [...OBJECTED, [25, 'withdrawSuggestion']] },
  suggestionMaintained: { line: 'suggestion', steps: [...OBJECTED, [25, 'maintainSuggestion']] },

  // 行政执法监督意见书 in each of its states.
  opinionIssued: { line: 'opinion', steps: OPINION },
  opinionReplied: { line: 'opinion', steps: [...OPINION, [35, 'replyOpinion']] },
  opinionClosed: { line: 'opinion', steps: [...OPINION, [35, 'replyOpinion'], [50, 'verifyOpinion']] },

  // 检察监督 matters opened on a case, open and closed.
  supervisionOpen: { line: 'supervision', steps: [[7, 'openSupervision']] },
  supervisionClosed: { line: 'supervision', steps: [[7, 'openSupervision'], [60, 'closeSupervision']] },
};

export const lastDayOf = (scenario: Scenario) => Math.max(0, ...scenario.steps.map(([day]) => day));
