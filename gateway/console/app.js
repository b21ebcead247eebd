// The console's start: a hash router (#/cases, #/case/<id>, #/overdue, #/inbox, #/alerts) over
// the views, and the header with who is signed in. No framework and no build step: the browser
// loads these ES modules from the gateway as they are in the repository.
import { h, mount } from './dom.js';
import { graphql, session } from './api.js';
import { label } from './labels.js';
import { signIn, casesView, overdueView, inboxView, alertsView } from './views.js';
import { casePage } from './case-page.js';

const main = document.getElementById('main');
const who = document.getElementById('who');
let generation = 0;

async function showViewer() {
  if (!session.token) { mount(who, h('a', { href: '#/signin' }, '登录')); return null; }
  const { data } = await graphql('query Viewer { viewer { subject role org region } }');
  const v = data?.viewer;
  if (!v) { session.token = ''; mount(who, h('a', { href: '#/signin' }, '登录')); return null; }
  mount(who, h('span', { id: 'viewer' }, `${label('Role', v.role)} · ${v.org ?? ''}${v.region ? ` · ${v.region}` : ''}`), ' ',
    h('button', { type: 'button', class: 'secondary', onclick: () => { session.token = ''; session.reason = ''; location.hash = '#/signin'; route(); } }, '退出'));
  return v;
}

async function route() {
  const current = ++generation;
  const isCurrent = () => current === generation;
  const [, view = '', ...rest] = location.hash.split('/');
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.getAttribute('href') === `#/${view}`);
  if (!session.token || view === 'signin') {
    // After signing in, a deep link (#/case/<id>) opens what it named; otherwise the case list.
    const target = view && view !== 'signin' ? location.hash : '#/cases';
    signIn(main, () => { showViewer(); if (location.hash === target) route(); else location.hash = target; });
    return;
  }
  switch (view) {
    case 'case': return casePage(main, decodeURIComponent(rest.join('/')));
    case 'overdue': return overdueView(main);
    case 'inbox': return inboxView(main, isCurrent);
    case 'alerts': return alertsView(main);
    default: return casesView(main);
  }
}

window.addEventListener('hashchange', route);
showViewer().then(route);
