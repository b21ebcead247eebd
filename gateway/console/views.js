// The console's list views: sign-in, the case list with the filters the API has (CaseFilter,
// CaseSort, totalCount), what is overdue for the caller's unit, the inbox and the alerts.
import { h, mount } from './dom.js';
import { graphql, session, topLevelErrors } from './api.js';
import { subscribe } from './live.js';
import { LABELS, label, time, day, value } from './labels.js';

const errorList = (errors) => topLevelErrors(errors).map((e) => h('p', { class: 'error' }, e.message, e.extensions?.field ? `（${e.extensions.field}）` : ''));

// ── 登录 ──────────────────────────────────────────────────────────────────────────────────────
export function signIn(root, onSignedIn) {
  const token = h('textarea', { id: 'token', name: 'token', rows: 5, placeholder: 'eyJhbGciOi…', spellcheck: 'false' });
  const message = h('p', { class: 'error', role: 'alert' });
  mount(root,
    h('h2', null, '登录'),
    h('p', null, '粘贴访问令牌（JWT）。开发环境的令牌由本地签发器生成：'),
    h('pre', null, 'npm run -s token -- --role procurator --org PROC-320706 --region 320706'),
    h('form', { class: 'stack', onsubmit: async (event) => {
      event.preventDefault();
      session.token = token.value.trim();
      const { data, errors } = await graphql('query Viewer { viewer { subject role org region } }');
      if (!data?.viewer) { session.token = ''; mount(message, errors[0]?.message ?? '令牌无效'); return; }
      onSignedIn(data.viewer);
    } }, h('label', { for: 'token' }, '访问令牌'), token, h('button', { type: 'submit' }, '登录'), message),
    h('p', { class: 'muted' }, '令牌只保存在本标签页（sessionStorage），关闭即失效。'));
}

// ── 案件列表 ──────────────────────────────────────────────────────────────────────────────────
const CASES = /* GraphQL */ `
  query Cases($filter: CaseFilter, $first: Int, $after: String, $sort: CaseSort) {
    cases(filter: $filter, first: $first, after: $after, sort: $sort) {
      totalCount totalCountCapped
      pageInfo { hasNextPage endCursor }
      edges { node { id caseNumber cause actType decidedAt recordedAt region agency { name } transfer { status overdue decisionDueAt } } }
    }
  }
`;

/** A date input (YYYY-MM-DD) as the instant the API expects: that day in China Standard Time. */
const startOfDay = (date) => (date ? `${date}T00:00:00+08:00` : undefined);
const endOfDay = (date) => (date ? `${date}T23:59:59.999+08:00` : undefined);

function select(name, type, blank = '全部') {
  return h('select', { name, id: `f-${name}` }, h('option', { value: '' }, blank), Object.entries(LABELS[type]).map(([v, text]) => h('option', { value: v }, text)));
}

export function casesView(root) {
  const cursors = [null];
  const form = h('form', { class: 'filters' },
    h('label', null, '案件编号', h('input', { name: 'caseNumber', maxlength: 100 })),
    h('label', null, '案由', h('input', { name: 'cause', maxlength: 100 })),
    h('label', null, '执法系统', select('agencyKind', 'AgencyKind')),
    h('label', null, '行为类型', select('actType', 'EnforcementActType')),
    h('label', null, '行政区划', h('input', { name: 'region', maxlength: 6, inputmode: 'numeric', placeholder: '320706' })),
    h('label', null, '违法行为代码', h('input', { name: 'offenceCode', maxlength: 20 })),
    h('label', null, '是否已决定', h('select', { name: 'decided' }, h('option', { value: '' }, '全部'), h('option', { value: 'true' }, '已决定'), h('option', { value: 'false' }, '未决定'))),
    h('label', null, '录入自', h('input', { type: 'date', name: 'recordedFrom' })),
    h('label', null, '录入至', h('input', { type: 'date', name: 'recordedTo' })),
    h('label', null, '决定自', h('input', { type: 'date', name: 'decidedFrom' })),
    h('label', null, '决定至', h('input', { type: 'date', name: 'decidedTo' })),
    h('label', null, '排序', h('select', { name: 'sort' }, Object.entries(LABELS.CaseSort).map(([v, text]) => h('option', { value: v }, text)))),
    h('button', { type: 'submit' }, '查询'));
  const results = h('div', { id: 'case-results' });
  mount(root, h('h2', null, '案件'), form, results);

  const variables = (after) => {
    const f = Object.fromEntries(new FormData(form));
    const filter = {
      caseNumber: f.caseNumber || undefined, cause: f.cause || undefined, agencyKind: f.agencyKind || undefined, actType: f.actType || undefined,
      region: f.region || undefined, offenceCode: f.offenceCode || undefined, decided: f.decided ? f.decided === 'true' : undefined,
      recordedFrom: startOfDay(f.recordedFrom), recordedTo: endOfDay(f.recordedTo), decidedFrom: startOfDay(f.decidedFrom), decidedTo: endOfDay(f.decidedTo),
    };
    return { filter, first: 20, after, sort: f.sort };
  };
  // The API pages forward only: the console keeps the cursors it was given to step back.
  const load = async (page) => {
    mount(results, h('p', { class: 'muted' }, '加载中…'));
    const { data, errors } = await graphql(CASES, variables(cursors[page]));
    const connection = data?.cases;
    if (!connection) { mount(results, errorList(errors).length ? errorList(errors) : h('p', { class: 'error' }, '无权查看案件列表')); return; }
    cursors[page + 1] = connection.pageInfo.endCursor;
    mount(results,
      h('p', { class: 'muted', id: 'total' }, `共 ${connection.totalCount}${connection.totalCountCapped ? '+' : ''} 件`),
      h('table', { class: 'table' },
        h('thead', null, h('tr', null, ['案件编号', '案由', '执法主体', '决定日期', '移送', '录入时间'].map((t) => h('th', null, t)))),
        h('tbody', null, connection.edges.map(({ node }) => node && h('tr', null,
          h('td', null, h('a', { href: `#/case/${encodeURIComponent(node.id)}` }, node.caseNumber)),
          h('td', null, node.cause), h('td', null, node.agency?.name ?? '—'), h('td', null, day(node.decidedAt)),
          h('td', null, node.transfer ? [label('TransferStatus', node.transfer.status), node.transfer.overdue ? h('span', { class: 'badge badge-overdue' }, '已逾期') : null] : '—'),
          h('td', null, time(node.recordedAt)))))),
      h('div', { class: 'pager' },
        h('button', { type: 'button', disabled: page === 0, onclick: () => load(page - 1) }, '上一页'),
        h('span', null, `第 ${page + 1} 页`),
        h('button', { type: 'button', disabled: !connection.pageInfo.hasNextPage, onclick: () => load(page + 1) }, '下一页')),
      errorList(errors));
  };
  form.addEventListener('submit', (event) => { event.preventDefault(); cursors.length = 1; load(0); });
  load(0);
}

// ── 待办（超期） ───────────────────────────────────────────────────────────────────────────────
const OVERDUE = /* GraphQL */ `
  query Overdue {
    overdue {
      unit
      transfers { id status decisionDueAt reconsiderationDueAt agencyCode case { id caseNumber cause } }
      suggestions { id kind replyDueAt agency { name } case { id caseNumber } }
      filingSupervisionRequests { id status dueAt transfer { case { id caseNumber } } }
    }
  }
`;

export async function overdueView(root) {
  mount(root, h('h2', null, '超期事项'), h('p', { class: 'muted' }, '加载中…'));
  const { data, errors } = await graphql(OVERDUE);
  const o = data?.overdue;
  if (!o) { mount(root, h('h2', null, '超期事项'), errorList(errors), value(null, errors, ['overdue'])); return; }
  const caseLink = (c, fallback) => (c ? h('a', { href: `#/case/${encodeURIComponent(c.id)}` }, c.caseNumber) : fallback);
  const section = (title, list, path, row) => h('section', { class: 'card' }, h('h3', null, title),
    list === null ? value(null, errors, path) : list.length ? h('ul', { class: 'list' }, list.map(row)) : h('p', { class: 'muted' }, '无'));
  mount(root, h('h2', null, `超期事项 · ${o.unit}`),
    section('移送案件：逾期未作立案决定或复议决定', o.transfers, ['overdue', 'transfers'], (t) => h('li', { dataset: { transfer: t.id } },
      h('span', { class: 'badge badge-overdue' }, '已逾期'), ' ', caseLink(t.case, t.id), ' ', t.case?.cause ?? '', ' · ', label('TransferStatus', t.status),
      ' · 期限 ', time(t.status.startsWith('RECONSIDERATION') ? t.reconsiderationDueAt : t.decisionDueAt))),
    section('检察建议：逾期未回复', o.suggestions, ['overdue', 'suggestions'], (sg) => h('li', null,
      h('span', { class: 'badge badge-overdue' }, '已逾期'), ' ', caseLink(sg.case, label('SuggestionKind', sg.kind)), ' · ', sg.agency?.name ?? '', ' · 回复期限 ', time(sg.replyDueAt))),
    section('立案监督：逾期未说明理由或未立案', o.filingSupervisionRequests, ['overdue', 'filingSupervisionRequests'], (r) => h('li', null,
      h('span', { class: 'badge badge-overdue' }, '已逾期'), ' ', caseLink(r.transfer?.case, r.id), ' · ', label('FilingSupervisionStatus', r.status), ' · 期限 ', time(r.dueAt))),
    errorList(errors));
}

// ── 收件箱 ────────────────────────────────────────────────────────────────────────────────────
const INBOX = /* GraphQL */ `
  query Inbox($after: String) {
    inbox(first: 20, after: $after) {
      unreadCount
      pageInfo { hasNextPage endCursor }
      edges { node { id kind title region createdAt read subjectType subjectId transfer { case { id caseNumber } } suggestion { case { id caseNumber } } } }
    }
  }
`;
// The same selection pushed (gateway/subscriptions/): `inbox: inboxChanged(…)`, so results and
// error paths read as the query's. Written out, not made at run time, so that it can be registered
// as a trusted document and pushed under TRUSTED_DOCUMENTS=only too; test/subscriptions-unit.test.ts
// checks that it re-runs exactly the query above.
const INBOX_LIVE = /* GraphQL */ `
  subscription InboxLive($after: String) {
    inbox: inboxChanged(first: 20, after: $after) {
      unreadCount
      pageInfo { hasNextPage endCursor }
      edges { node { id kind title region createdAt read subjectType subjectId transfer { case { id caseNumber } } suggestion { case { id caseNumber } } } }
    }
  }
`;
const MARK_READ = /* GraphQL */ `mutation MarkRead($ids: [ID!]!) { markInboxRead(ids: $ids) { id read } }`;

/**
 * Keeps a view up to date: pushed over a subscription while the view is shown (live.js), or, when
 * the gateway refuses the stream (trusted documents, too many open tabs) or it ends, asked again
 * when the tab comes back into view and every 30 seconds. Everything stops when another view opens.
 */
function keepCurrent(element, isCurrent, subscription, render, load, variables = {}) {
  let timer;
  const poll = () => {
    if (!isCurrent()) return stop();
    element.dataset.live = 'polling';
    clearInterval(timer);
    timer = setInterval(() => { if (!isCurrent()) return stop(); if (document.visibilityState === 'visible') load(); }, 30_000);
  };
  const live = subscribe(subscription, variables, (result) => (isCurrent() ? render(result) : stop()), () => { if (isCurrent()) { load(); poll(); } });
  live.opened.then((streaming) => { if (streaming) element.dataset.live = 'live'; else { load(); poll(); } });
  const onVisible = () => { if (!isCurrent()) return stop(); if (timer && document.visibilityState === 'visible') load(); };
  // The router runs first on a hash change: by then isCurrent() says whether this view was left.
  const onLeave = () => setTimeout(() => { if (!isCurrent()) stop(); });
  const stop = () => {
    live.stop();
    clearInterval(timer);
    document.removeEventListener('visibilitychange', onVisible);
    window.removeEventListener('hashchange', onLeave);
  };
  document.addEventListener('visibilitychange', onVisible);
  window.addEventListener('hashchange', onLeave);
  return stop;
}

/** The unit's inbox, live: a notice addressed to the unit appears without reloading. */
export function inboxView(root, isCurrent) {
  const list = h('div', { id: 'inbox-items' });
  mount(root, h('h2', null, '收件箱'), list);
  const render = ({ data, errors }) => {
    const inbox = data?.inbox;
    if (!inbox) { mount(list, errorList(errors), value(null, errors, ['inbox'])); return; }
    const unread = inbox.edges.filter((e) => !e.node.read).map((e) => e.node.id);
    mount(list,
      h('p', null, `未读 ${inbox.unreadCount} 条 `, unread.length ? h('button', { type: 'button', onclick: async () => { await graphql(MARK_READ, { ids: unread }); load(); } }, '全部标为已读') : null),
      inbox.edges.length ? h('ul', { class: 'list' }, inbox.edges.map(({ node: n }) => {
        const c = n.transfer?.case ?? n.suggestion?.case;
        return h('li', { class: n.read ? 'read' : 'unread', dataset: { item: n.id } },
          h('span', { class: 'badge' }, label('InboxItemKind', n.kind)), ' ', n.title, ' ', c ? h('a', { href: `#/case/${encodeURIComponent(c.id)}` }, c.caseNumber) : null,
          ' ', h('span', { class: 'muted' }, time(n.createdAt)));
      })) : h('p', { class: 'muted' }, '暂无消息'),
      errorList(errors));
  };
  const load = async () => render(await graphql(INBOX, {}));
  keepCurrent(list, isCurrent, INBOX_LIVE, render, load);
}

// ── 线索 ─────────────────────────────────────────────────────────────────────────────────────
const ALERTS = /* GraphQL */ `
  query Alerts($status: AlertStatus, $after: String) {
    alerts(status: $status, first: 20, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { id kind status signal ruleCode ruleVersion citation raisedAt review figures { name value threshold } case { id caseNumber cause } } }
    }
  }
`;
const CONVERT = /* GraphQL */ `mutation ConvertAlert($id: ID!, $summary: String) { convertAlert(id: $id, summary: $summary) { id kind status } }`;

// Pushed as `alerts: alertsChanged(…)`, written out for the same reason as INBOX_LIVE.
const ALERTS_LIVE = /* GraphQL */ `
  subscription AlertsLive($status: AlertStatus, $after: String) {
    alerts: alertsChanged(status: $status, first: 20, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { id kind status signal ruleCode ruleVersion citation raisedAt review figures { name value threshold } case { id caseNumber cause } } }
    }
  }
`;

/** The alerts of the caller's jurisdiction, live: a new alert or a change of state shows without reloading. */
export function alertsView(root) {
  const status = select('status', 'AlertStatus');
  const list = h('div', { id: 'alert-items' });
  // Shown as long as this list is on the page (the router mounts the next view in its place).
  const isCurrent = () => root.contains(list);
  let stop = () => {};
  const follow = () => { stop(); stop = keepCurrent(list, isCurrent, ALERTS_LIVE, render, load, { status: status.value || undefined }); };
  mount(root, h('h2', null, '以罚代刑线索'), h('form', { class: 'filters', onsubmit: (e) => { e.preventDefault(); follow(); } }, h('label', null, '状态', status), h('button', { type: 'submit' }, '查询')), list);
  const load = async () => render(await graphql(ALERTS, { status: status.value || undefined }));
  const render = ({ data, errors }) => {
    const alerts = data?.alerts;
    if (!alerts) { mount(list, errorList(errors), value(null, errors, ['alerts'])); return; }
    mount(list, alerts.edges.length ? h('ul', { class: 'list' }, alerts.edges.map(({ node: a }) => a && h('li', { dataset: { alert: a.id } },
      h('span', { class: `badge alert-${a.status.toLowerCase()}` }, label('AlertStatus', a.status)), ' ',
      a.case ? h('a', { href: `#/case/${encodeURIComponent(a.case.id)}` }, a.case.caseNumber) : '—', ' ',
      `${label('AlertSignal', a.signal)} · ${label('AlertKind', a.kind)} ${a.ruleCode}`, a.review ? '（需人工审查）' : '', ' ',
      h('span', { class: 'muted', title: a.citation }, time(a.raisedAt)),
      h('div', { class: 'muted' }, a.figures.map((f) => `${f.name} ${f.value.toLocaleString('zh-CN')} ≥ ${f.threshold.toLocaleString('zh-CN')}`).join('；')),
      a.status === 'OPEN' ? h('button', { type: 'button', onclick: async (event) => {
        event.target.disabled = true;
        const result = await graphql(CONVERT, { id: a.id, summary: `线索 ${a.ruleCode} 转为移送监督` });
        if (result.errors.length) event.target.after(h('span', { class: 'error' }, result.errors.map((e) => e.message).join('；')));
        else load();
      } }, '转为监督事项') : null))) : h('p', { class: 'muted' }, '暂无线索'), errorList(errors));
  };
  follow();
}
