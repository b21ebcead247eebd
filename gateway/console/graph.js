// 案件关系图: the case and what hangs off it, drawn as SVG from one query's answer. The case in the
// middle; its bureau and party on the left; the transfer to public security (移送) and what
// followed it (立案决定, 复议, 立案监督) on the right; the procuratorate's supervision matters,
// suggestions (检察建议) and alerts (以罚代刑线索) below. Every node is a link-free <g> carrying
// data-node, so a test (or a team's own code) can find it.
import { s } from './dom.js';
import { label, looksMasked, day } from './labels.js';
import { errorAt, isRefusal } from './api.js';

const W = 210, H = 78, GAP_X = 30, GAP_Y = 36, COLS = 4;
const x = (col) => 20 + col * (W + GAP_X);
const y = (row) => 20 + row * (H + GAP_Y);

/** One text line of a node: a value in full, masked (已脱敏) or withheld (无权查看). */
function line(text, state) {
  return { text, state };
}

function personal(name, raw, errors, path) {
  if (raw === null || raw === undefined) {
    const error = errorAt(errors, path);
    if (isRefusal(error)) return line(`${name}：无权查看`, 'withheld');
    return line(`${name}：${error ? '暂不可用' : '—'}`, error ? 'unavailable' : 'empty');
  }
  // The masked state is the line's colour (see the legend) and its data-state, so the value fits.
  return line(`${name}：${raw}`, looksMasked(raw) ? 'masked' : 'full');
}

/** Shortens `text` to about `px` pixels at 12px: a CJK character is twice as wide as a digit. */
function clip(text, px = W - 20) {
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    width += text.charCodeAt(i) > 0x2e80 ? 12 : 7;
    if (width > px) return `${text.slice(0, i - 1)}…`;
  }
  return text;
}

function node(kind, col, row, title, lines, extraClass = '') {
  return { kind, col, row, title, lines, extraClass };
}

function drawNode(n) {
  return s('g', { class: `node node-${n.kind} ${n.extraClass}`.trim(), transform: `translate(${x(n.col)},${y(n.row)})`, dataset: { node: n.kind } },
    s('title', null, [n.title, ...n.lines.map((l) => l.text)].join('\n')),
    s('rect', { width: W, height: H, rx: 8 }),
    s('text', { x: 10, y: 20, class: 'node-title' }, clip(n.title)),
    n.lines.slice(0, 3).map((l, i) => s('text', { x: 10, y: 39 + i * 16, class: `node-line state-${l.state ?? 'full'}`, dataset: { state: l.state ?? 'full' } }, clip(l.text))),
  );
}

/** A line between two nodes' nearest sides, with its label halfway. */
function drawEdge(from, to, text) {
  const fx = x(from.col), fy = y(from.row), tx = x(to.col), ty = y(to.row);
  let x1, y1, x2, y2;
  if (from.row === to.row || Math.abs(from.col - to.col) >= 1 && Math.abs(fy - ty) < H) {
    [x1, x2] = fx < tx ? [fx + W, tx] : [fx, tx + W];
    y1 = fy + H / 2; y2 = ty + H / 2;
  } else {
    x1 = fx + W / 2; x2 = tx + W / 2;
    [y1, y2] = fy < ty ? [fy + H, ty] : [fy, ty + H];
  }
  return s('g', { class: 'edge' },
    s('line', { x1, y1, x2, y2, 'marker-end': 'url(#arrow)' }),
    text ? s('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4, 'text-anchor': 'middle', class: 'edge-label' }, text) : null);
}

/**
 * The graph of `c` (the case as the query answered it, errors with paths under ['case']), with
 * the suggestions and alerts about it.
 */
export function caseGraph(c, errors, { suggestions = [], alerts = [] } = {}) {
  const nodes = [];
  const edges = [];
  const caseNode = node('case', 1, 0.5, `案件 ${c.caseNumber}`, [line(`案由：${c.cause}`), line(`${label('EnforcementActType', c.actType)} · ${day(c.decidedAt)}`)]);
  nodes.push(caseNode);
  const agency = node('agency', 0, 0, '执法主体', [line(c.agency?.name ?? '—'), line(c.agency ? label('AgencyKind', c.agency.kind) : '')]);
  nodes.push(agency); edges.push([agency, caseNode, '办理']);

  let party;
  if (c.party) {
    party = node('party', 0, 1, `当事人（${label('PartyKind', c.party.kind)}）`, [
      personal('名称', c.party.name, errors, ['case', 'party', 'name']),
      personal('证件号', c.party.idNumber, errors, ['case', 'party', 'idNumber']),
      personal('电话', c.party.phone, errors, ['case', 'party', 'phone']),
    ]);
  } else {
    const error = errorAt(errors, ['case', 'party']);
    party = node('party', 0, 1, '当事人', [line(isRefusal(error) ? '无权查看' : error ? '暂不可用' : '—', isRefusal(error) ? 'withheld' : 'unavailable')]);
  }
  nodes.push(party); edges.push([caseNode, party, '当事人']);

  const t = c.transfer;
  if (t) {
    const transfer = node('transfer', 2, 0, '移送公安机关', [line(label('TransferStatus', t.status)), line(`移送：${day(t.submittedAt)}`), line(`立案决定期限：${day(t.decisionDueAt)}`, t.overdue ? 'overdue' : 'full')], t.overdue ? 'is-overdue' : '');
    nodes.push(transfer); edges.push([caseNode, transfer, '移送']);
    const decided = t.decision ? label('TransferDecision', t.decision) : t.overdue ? '逾期未决定' : '待决定';
    const decision = node('decision', 3, 0, '立案决定', [line(decided, t.overdue && !t.decision ? 'overdue' : 'full'), line(t.decidedAt ? `决定：${day(t.decidedAt)}` : ''), line(t.decisionReason ? `理由：${t.decisionReason}` : '')], t.overdue && !t.decision ? 'is-overdue' : '');
    nodes.push(decision); edges.push([transfer, decision, '决定']);
    if (t.reconsiderationRequestedAt) {
      const recon = node('reconsideration', 3, 1, '复议', [line(t.reconsiderationDecision ? `复议决定：${label('TransferDecision', t.reconsiderationDecision)}` : '待复议决定'), line(`提请：${day(t.reconsiderationRequestedAt)}`), line(`期限：${day(t.reconsiderationDueAt)}`)]);
      nodes.push(recon); edges.push([decision, recon, '复议']);
    }
  }
  const fs = c.filingSupervision;
  if (fs) {
    const filing = node('filing-supervision', 2, 1, '立案监督', [line(label('FilingSupervisionStatus', fs.status)), line(fs.explanationDueAt ? `说明理由期限：${day(fs.explanationDueAt)}` : `提请期限：${day(fs.requestDueAt)}`, fs.explanationOverdue ? 'overdue' : 'full')], fs.explanationOverdue || fs.correctionDue ? 'is-overdue' : '');
    nodes.push(filing); edges.push([caseNode, filing, '立案监督']);
  }

  // Below: the procuratorate's work on the case, in rows of COLS.
  const below = [
    ...(c.supervision ?? []).map((m) => node('supervision', 0, 0, `检察监督 · ${label('SupervisionKind', m.kind)}`, [line(label('SupervisionStatus', m.status)), line(m.summary), line(`立案：${day(m.openedAt)}`)])),
    ...suggestions.map((sg) => node('suggestion', 0, 0, `检察建议 · ${label('SuggestionKind', sg.kind)}`, [line(label('SuggestionStatus', sg.status)), line(`回复期限：${sg.replyDueAt ? day(sg.replyDueAt) : '签收后起算'}`, sg.overdue ? 'overdue' : 'full'), line(sg.repliedAt ? `回复：${day(sg.repliedAt)}` : '')], sg.overdue ? 'is-overdue' : '')),
    ...alerts.map((a) => node('alert', 0, 0, `线索 · ${label('AlertSignal', a.signal)}`, [line(`${label('AlertKind', a.kind)} ${a.ruleCode}`), line(label('AlertStatus', a.status)), line(`发现：${day(a.raisedAt)}`)], a.status === 'OPEN' ? 'is-open' : '')),
  ];
  below.forEach((n, i) => { n.col = i % COLS; n.row = 2 + Math.floor(i / COLS); nodes.push(n); edges.push([caseNode, n, '']); });

  const rows = Math.max(2, ...nodes.map((n) => Math.ceil(n.row + 1)));
  const width = x(COLS) - GAP_X + 20, height = y(rows) - GAP_Y + 40;
  return s('svg', { class: 'case-graph', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': `案件关系图：${c.caseNumber}` },
    s('defs', null, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow' }))),
    edges.map(([from, to, text]) => drawEdge(from, to, text)),
    nodes.map(drawNode),
    s('text', { x: 20, y: height - 6, class: 'legend' },
      s('tspan', { class: 'state-masked' }, '■ 已脱敏'), '　', s('tspan', { class: 'state-withheld' }, '■ 无权查看'), '　', s('tspan', { class: 'state-overdue' }, '■ 已逾期')));
}
