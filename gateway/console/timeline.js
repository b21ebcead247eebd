// 期限时间轴: every deadline of the case and its transfer, supervision and suggestions, with its
// state by the hub's clock — the API's own `overdue` flags, never the browser's clock (the hub's
// calendar counts working days and holidays: schema/deadlines.json, schema/holidays.json).
import { h } from './dom.js';
import { time } from './labels.js';

/** met: done in time; late: done after the due date; pending: not yet due; overdue: past due, not done. */
export function deadlineState({ dueAt, doneAt, overdue }) {
  if (doneAt) return dueAt && Date.parse(doneAt) > Date.parse(dueAt) ? 'late' : 'met';
  return overdue ? 'overdue' : 'pending';
}

const STATE_LABEL = { met: '按期完成', late: '逾期完成', pending: '未到期', overdue: '已逾期' };

/** The deadlines of one case page's answer. */
export function caseDeadlines(c, suggestions = []) {
  const items = [];
  const t = c.transfer;
  if (t) {
    // 国务院令第310号 第八条: public security decides on filing within 3 days of accepting the transfer.
    items.push({ rule: 'filingDecision', label: '公安机关作出立案决定', who: '公安机关', dueAt: t.decisionDueAt, doneAt: t.decidedAt, overdue: !t.decidedAt && t.overdue });
    // 第九条: the answer to a reconsideration request within 3 days.
    if (t.reconsiderationRequestedAt) items.push({ rule: 'reconsiderationAnswer', label: '作出复议决定', who: '公安机关', dueAt: t.reconsiderationDueAt, doneAt: t.reconsideredAt, overdue: !t.reconsideredAt && t.overdue });
    if (t.investigationReminderDueAt) items.push({ rule: 'investigationReminder', label: '侦查进展（立而不侦提醒）', who: '公安机关', dueAt: t.investigationReminderDueAt, doneAt: null, overdue: t.uninvestigated });
  }
  const fs = c.filingSupervision;
  if (fs) {
    items.push({ rule: 'supervisionRequest', label: '提请立案监督', who: '行政执法机关', dueAt: fs.requestDueAt, doneAt: fs.requestedAt, overdue: false });
    if (fs.explanationDueAt) items.push({ rule: 'filingExplanation', label: '说明不立案理由', who: '公安机关', dueAt: fs.explanationDueAt, doneAt: fs.explainedAt, overdue: fs.explanationOverdue });
    if (fs.agencyAnswerDueAt) items.push({ rule: 'explanationToAgency', label: '告知行政执法机关理由成立', who: '检察院', dueAt: fs.agencyAnswerDueAt, doneAt: fs.decidedAt, overdue: false });
    if (fs.filingDueAt) items.push({ rule: 'filingOrder', label: '依通知立案', who: '公安机关', dueAt: fs.filingDueAt, doneAt: fs.filedAt, overdue: fs.correctionDue });
  }
  for (const sg of suggestions) {
    // 《人民检察院检察建议工作规定》第十九条: a written reply within two months of receipt (or the period the procurator set).
    if (sg.replyDueAt) items.push({ rule: 'suggestionReply', label: '书面回复检察建议', who: '被建议单位', dueAt: sg.replyDueAt, doneAt: sg.repliedAt, overdue: sg.overdue });
  }
  return items.filter((item) => item.dueAt).sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
}

/** `citations`: deadlineRules by key (the API publishes the law behind each period), shown on hover. */
export function timeline(items, citations = {}) {
  if (!items.length) return h('p', { class: 'muted' }, '暂无期限');
  return h('ol', { class: 'timeline' }, items.map((item) => {
    const state = deadlineState(item);
    return h('li', { class: `deadline state-${state}`, title: citations[item.rule] ?? null, dataset: { state } },
      h('span', { class: `badge badge-${state}` }, STATE_LABEL[state]),
      h('strong', null, item.label), ' ', h('span', { class: 'muted' }, item.who),
      h('div', { class: 'when' }, `期限 ${time(item.dueAt)}`, item.doneAt ? ` · 完成 ${time(item.doneAt)}` : ''));
  }));
}
