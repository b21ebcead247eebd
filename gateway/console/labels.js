// Chinese labels of the API's enums and the way every value is shown: a time in China Standard
// Time, a value withheld (null with a refusal at its path) as 无权查看, a masked value (the API
// sends the masked form, e.g. 320706********1232) marked 已脱敏.
import { h } from './dom.js';
import { errorAt, isRefusal } from './api.js';

export const LABELS = {
  TransferStatus: { SUBMITTED: '已移送待受理', ACCEPTED: '已受理', FILED: '已立案', NOT_FILED: '不予立案', RECONSIDERATION_REQUESTED: '复议中', RECONSIDERATION_UPHELD: '复议维持不立案' },
  TransferDecision: { FILE: '立案', NOT_FILE: '不予立案' },
  SupervisionKind: { CASE_REVIEW: '案件审查', FILING_SUPERVISION: '立案监督', TRANSFER_SUPERVISION: '移送监督', PUBLIC_INTEREST: '公益诉讼' },
  SupervisionStatus: { OPEN: '进行中', CLOSED: '已结束' },
  SuggestionKind: { CORRECTION: '纠正违法', SOCIAL_GOVERNANCE: '社会治理', PUBLIC_INTEREST: '公益诉讼', RETRIAL: '再审', OTHER: '其他' },
  SuggestionStatus: { ISSUED: '已发出', REPLIED: '已回复', OBJECTED: '有异议', WITHDRAWN: '已撤回' },
  AlertKind: { THRESHOLD: '达到追诉标准', REPEAT_OFFENDER: '多次违法' },
  AlertStatus: { OPEN: '待处理', TRANSFERRED: '已移送待立案', CONVERTED: '已转监督', RESOLVED: '已立案', DISMISSED: '已排除' },
  AlertSignal: { NOT_TRANSFERRED: '有案不移 / 以罚代刑', NOT_FILED: '有案不立' },
  FilingSupervisionStatus: {
    REFUSED: '不予立案', REQUESTED: '已提请立案监督', EXPLANATION_REQUESTED: '要求说明不立案理由', EXPLAINED: '已说明理由',
    REASONS_ACCEPTED: '理由成立', FILING_ORDERED: '通知立案', CORRECTION_NOTICED: '已发纠正违法通知书', FILED: '已立案',
  },
  EnforcementActType: {
    ADMINISTRATIVE_PENALTY: '行政处罚', ADMINISTRATIVE_LICENSE: '行政许可', ADMINISTRATIVE_INSPECTION: '行政检查', ADMINISTRATIVE_COERCION: '行政强制',
    ADMINISTRATIVE_COLLECTION: '行政征收', ADMINISTRATIVE_CONFIRMATION: '行政确认', OTHER: '其他',
  },
  AgencyKind: { MARKET_REGULATION: '市场监督管理局', ECO_ENVIRONMENT: '生态环境局' },
  PartyKind: { NATURAL_PERSON: '自然人', ORGANIZATION: '单位' },
  InboxItemKind: {
    TRANSFER_SUBMITTED: '新移送案件', TRANSFER_DECIDED: '立案决定', RECONSIDERATION_REQUESTED: '提请复议', RECONSIDERATION_DECIDED: '复议决定',
    FILING_SUPERVISION_REQUESTED: '提请立案监督', FILING_EXPLANATION_REQUESTED: '要求说明不立案理由', FILING_EXPLAINED: '不立案理由说明',
    FILING_REASONS_ACCEPTED: '不立案理由成立', FILING_ORDERED: '通知立案', FILED_ON_ORDER: '依通知立案', FILING_CORRECTION_NOTICE: '纠正违法通知书',
    INVESTIGATION_REMINDER: '立而不侦提醒', SUGGESTION_ISSUED: '检察建议',
  },
  CaseSort: { RECORDED_DESC: '录入时间（新→旧）', RECORDED_ASC: '录入时间（旧→新）', DECIDED_DESC: '决定日期（新→旧）', DECIDED_ASC: '决定日期（旧→新）' },
  Role: {
    public: '公众', agency_officer: '执法人员', psb_officer: '公安民警', procurator: '检察官', justice_supervisor: '司法行政监督', auditor: '审计员', platform_admin: '平台管理员',
  },
};

/** The Chinese label of an enum value, or the value itself when there is none. */
export const label = (type, value) => (value === null || value === undefined ? '—' : LABELS[type]?.[value] ?? value);

const TIME = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
const DAY = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** 2026/09/15 10:00 in China Standard Time (the API's instants are UTC). */
export const time = (iso) => (iso ? TIME.format(new Date(iso)) : '—');
export const day = (iso) => (iso ? DAY.format(new Date(iso)) : '—');
export const money = (n) => (n === null || n === undefined ? '—' : `${Number(n).toLocaleString('zh-CN')} 元`);

/** A masked form keeps some characters and stars the rest (kit/personal-data.ts). */
export const looksMasked = (value) => typeof value === 'string' && value.includes('*');

/**
 * One value of a response as the page shows it: withheld, unavailable, masked or in full.
 * `path` is the value's path in the response, to find the error that explains a null.
 */
export function value(raw, errors, path, format = (v) => v) {
  if (raw === null || raw === undefined) {
    const error = errors && path ? errorAt(errors, path) : undefined;
    if (isRefusal(error)) return h('span', { class: 'withheld', title: error.message, dataset: { state: 'withheld' } }, '无权查看');
    if (error) return h('span', { class: 'unavailable', title: error.message, dataset: { state: 'unavailable' } }, '暂不可用');
    return h('span', { class: 'empty' }, '—');
  }
  if (looksMasked(raw)) return h('span', { class: 'masked', dataset: { state: 'masked' } }, raw, h('small', null, '已脱敏'));
  return h('span', { dataset: { state: 'full' } }, format(raw));
}
