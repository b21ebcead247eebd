// 案件页: one case, its graph, its deadlines, and what the procuratorate did about it. One query
// fetches it all; a field the caller may not see comes back null with an error at its path, and
// the page shows it as withheld (无权查看) while everything else renders. Personal data is masked
// until a reason is stated (查看理由, sent as X-Access-Reason); then the same query answers it in
// full and the gateway writes the release to the audit log.
import { h, mount } from './dom.js';
import { graphql, session, topLevelErrors, errorAt, isRefusal } from './api.js';
import { label, time, day, money, value } from './labels.js';
import { caseGraph } from './graph.js';
import { caseDeadlines, timeline } from './timeline.js';

export const CASE_PAGE = /* GraphQL */ `
  query CasePage($id: ID!) {
    case(id: $id) {
      __typename id caseNumber cause offenceCode actType amountInvolved fineAmount decidedAt region recordedAt
      agency { code name kind suggestions { id kind status content issuedAt receivedAt replyDueAt overdue repliedAt case { id } } }
      party { kind name idNumber phone address }
      transfer {
        id status summary submittedAt acceptedAt decisionDueAt overdue decidedAt decision decisionReason
        reconsiderationRequestedAt reconsiderationDueAt reconsideredAt reconsiderationDecision filedAt investigationReminderDueAt uninvestigated
      }
      supervision { id kind status summary openedAt closedAt procuratorateCode }
      filingSupervision { id status requestDueAt requestedAt explanationDueAt explainedAt explanationOverdue agencyAnswerDueAt decidedAt filingDueAt filedAt correctionDue }
    }
    alerts(first: 100) { edges { node { id kind status signal ruleCode ruleVersion citation raisedAt case { id } } } }
    deadlineRules { key citation }
  }
`;

const CONVERT = /* GraphQL */ `mutation ConvertAlert($id: ID!, $summary: String) { convertAlert(id: $id, summary: $summary) { id kind status } }`;

function facts(c, errors) {
  const row = (name, content) => [h('dt', null, name), h('dd', null, content)];
  return h('dl', { class: 'facts' },
    row('案件编号', c.caseNumber), row('案由', c.cause), row('行为类型', label('EnforcementActType', c.actType)),
    row('违法行为代码', c.offenceCode ?? '—'), row('涉案金额', money(c.amountInvolved)), row('罚款', money(c.fineAmount)),
    row('决定日期', day(c.decidedAt)), row('录入时间', time(c.recordedAt)), row('行政区划', c.region),
    row('执法主体', c.agency ? `${c.agency.name}（${c.agency.code}）` : value(null, errors, ['case', 'agency'])));
}

function partyBlock(c, errors) {
  const p = c.party;
  const reason = session.reason;
  const note = reason
    ? h('p', { class: 'note' }, `已说明查看理由：「${reason}」。有权查看的个人信息完整显示，查看已记入审计日志。`)
    : h('p', { class: 'note' }, '未说明查看理由：个人信息以脱敏形式显示（或不予显示）。');
  if (!p) return h('section', { class: 'card', id: 'party' }, h('h3', null, '当事人'), value(null, errors, ['case', 'party']), note);
  const row = (name, field) => [h('dt', null, name), h('dd', { dataset: { field } }, value(p[field], errors, ['case', 'party', field]))];
  return h('section', { class: 'card', id: 'party' }, h('h3', null, `当事人（${label('PartyKind', p.kind)}）`),
    h('dl', { class: 'facts' }, row('名称', 'name'), row('证件号码', 'idNumber'), row('联系电话', 'phone'), row('地址', 'address')), note);
}

function reasonForm(onChange) {
  const input = h('input', { name: 'reason', id: 'reason', value: session.reason, placeholder: '例如：立案监督审查', maxlength: 100, autocomplete: 'off' });
  return h('form', { class: 'reason', onsubmit: (event) => { event.preventDefault(); session.reason = input.value.trim(); onChange(); } },
    h('label', { for: 'reason' }, '查看理由'), input,
    h('button', { type: 'submit' }, '说明理由并查看'),
    session.reason ? h('button', { type: 'button', class: 'secondary', onclick: () => { session.reason = ''; onChange(); } }, '清除理由') : null);
}

function alertList(alerts, errors, reload) {
  if (alerts === null) return h('p', { class: 'muted' }, '线索：', value(null, errors, ['alerts']));
  if (!alerts.length) return h('p', { class: 'muted' }, '本案暂无以罚代刑线索');
  return h('ul', { class: 'list' }, alerts.map((a) => h('li', { dataset: { alert: a.id } },
    h('span', { class: `badge alert-${a.status.toLowerCase()}` }, label('AlertStatus', a.status)), ' ',
    `${label('AlertSignal', a.signal)} · ${label('AlertKind', a.kind)} ${a.ruleCode}（${a.ruleVersion}）`, ' ', h('span', { class: 'muted' }, time(a.raisedAt)),
    a.status === 'OPEN' ? h('button', { type: 'button', onclick: async (event) => {
      event.target.disabled = true;
      const result = await graphql(CONVERT, { id: a.id, summary: `线索 ${a.ruleCode} 转为移送监督` });
      if (result.errors.length) event.target.after(h('span', { class: 'error' }, result.errors.map((e) => e.message).join('；')));
      else reload();
    } }, '转为监督事项') : null)));
}

export async function casePage(root, id) {
  const reload = () => casePage(root, id);
  mount(root, h('p', { class: 'muted' }, '加载中…'));
  const { data, errors } = await graphql(CASE_PAGE, { id });
  const c = data?.case;
  if (!c) {
    const why = errorAt(errors, ['case']);
    mount(root, h('h2', null, '案件'), h('p', { class: 'error' }, isRefusal(why) ? '无权查看此案件' : why ? why.message : '未找到此案件，或不在您的查看范围内'),
      topLevelErrors(errors).map((e) => h('p', { class: 'error' }, e.message)));
    return;
  }
  const suggestions = (c.agency?.suggestions ?? []).filter((sg) => sg.case?.id === c.id);
  const alerts = data.alerts ? data.alerts.edges.map((e) => e.node).filter((a) => a && a.case?.id === c.id) : null;
  const citations = Object.fromEntries((data.deadlineRules ?? []).map((r) => [r.key, r.citation]));
  const refused = errors.filter((e) => isRefusal(e)).length;
  mount(root,
    h('h2', null, `案件 ${c.caseNumber}`, ' ', h('span', { class: 'muted' }, c.__typename)),
    reasonForm(reload),
    refused ? h('p', { class: 'note' }, `${refused} 项数据您无权查看，已标注为「无权查看」。`) : null,
    h('section', { class: 'card graph-card' }, h('h3', null, '案件关系图'), caseGraph(c, errors, { suggestions, alerts: alerts ?? [] })),
    h('div', { class: 'columns' },
      h('section', { class: 'card' }, h('h3', null, '案件信息'), facts(c, errors)),
      partyBlock(c, errors)),
    h('section', { class: 'card', id: 'deadlines' }, h('h3', null, '期限时间轴'), timeline(caseDeadlines(c, suggestions), citations)),
    h('section', { class: 'card' }, h('h3', null, '检察监督'),
      c.supervision === null ? value(null, errors, ['case', 'supervision'])
        : c.supervision.length ? h('ul', { class: 'list' }, c.supervision.map((m) => h('li', null, `${label('SupervisionKind', m.kind)} · ${label('SupervisionStatus', m.status)} · ${m.summary} · ${day(m.openedAt)}`)))
          : h('p', { class: 'muted' }, '暂无监督事项'),
      h('h4', null, '检察建议'),
      suggestions.length ? h('ul', { class: 'list' }, suggestions.map((sg) => h('li', null, `${label('SuggestionKind', sg.kind)} · ${label('SuggestionStatus', sg.status)} · 回复期限 ${sg.replyDueAt ? day(sg.replyDueAt) : '签收后起算'}`, sg.overdue ? h('span', { class: 'badge badge-overdue' }, '已逾期') : null)))
        : h('p', { class: 'muted' }, c.agency?.suggestions === null ? '无权查看' : '暂无检察建议'),
      h('h4', null, '以罚代刑线索'),
      alertList(alerts, errors, reload)));
}
