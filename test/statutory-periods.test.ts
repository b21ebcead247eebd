// Worked examples of the statutory periods, each as the law counts it (民法典 第200–204条,
// 刑事诉讼法 第105条), against schema/deadlines.json and the official holiday arrangement in
// schema/holidays.json. No hub: the arithmetic is kit/deadlines.ts alone.
//
// Times are Beijing time. "24:00" of a day is stored as its last millisecond, 23:59:59.999
// (kit/deadlines.ts): a deadline is past when the clock is after it.
import { describe, expect, it, test } from 'vitest';
import {
  CHINA_CALENDAR, dueAt, extensionsInEffect, filingDecisionDueAt, isPast, legalDate, ruleInEffect, startEventOf,
  type DeadlineKey, type StartEvent,
} from '../kit/deadlines';

/** An instant written in Beijing time: '2026-02-13 15:30'. */
const bj = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);
/** 24:00 of a Beijing date, as stored. */
const end = (date: string) => new Date(`${date}T23:59:59.999+08:00`);

interface Example {
  article: string;
  key: DeadlineKey;
  start: string;
  extension?: string;
  /** An end instant: a date for 24:00 of that day, or a Beijing time for a period in hours. */
  ends: string;
  why: string;
}

const EXAMPLES: Example[] = [
  // The day the period starts is not counted, and the time of the starting event does not matter.
  { article: '民法典 第201条 第1款, 第203条 第2款; 国务院令第310号 第八条', key: 'filingDecision', start: '2026-09-15 16:45', ends: '2026-09-18',
    why: 'accepted Tuesday afternoon: Wed, Thu, Fri; the period ends at 24:00 on Friday, not at 16:45' },
  { article: '民法典 第201条 第1款, 第203条 第2款; 国务院令第310号 第八条', key: 'filingDecision', start: '2026-09-15 00:05', ends: '2026-09-18',
    why: 'accepted just after midnight: the same three days, the same end' },
  // A Friday afternoon before a statutory holiday: the last day falls in the holiday.
  { article: '刑事诉讼法 第105条 第2款; 民法典 第203条 第1款; 国务院令第310号 第八条 (2026 春节)', key: 'filingDecision', start: '2026-02-13 15:30', ends: '2026-02-24',
    why: 'Sat 14 (调休, works), Sun 15 and Mon 16 (春节, 15–23 February): day 3 is a holiday, so the period ends at 24:00 on Tuesday 24' },
  { article: '刑事诉讼法 第105条 第2款; 民法典 第203条 第1款; 国务院令第310号 第八条 (2026 清明节)', key: 'filingDecision', start: '2026-04-03 16:00', ends: '2026-04-07',
    why: 'Sat 4 to Mon 6 is 清明节: day 3 (Monday 6) is a holiday, the period ends on Tuesday 7' },
  { article: '刑事诉讼法 第105条 第2款; 民法典 第203条 第1款; 国务院令第310号 第八条 (2026 国庆节)', key: 'filingDecision', start: '2026-09-28 09:00', ends: '2026-10-08',
    why: 'day 3 is 1 October; the holiday runs to the 7th' },
  // The last day is a 调休 Saturday: a working day, nothing rolls.
  { article: '民法典 第203条; 国务院令第310号 第九条 (2026 春节调休 28 February)', key: 'reconsiderationAnswer', start: '2026-02-25 11:00', ends: '2026-02-28',
    why: 'request received Wednesday: day 3 is Saturday 28 February, a 调休 working day' },
  { article: '民法典 第203条; 国务院令第310号 第九条 (2026 国庆节调休 10 October)', key: 'reconsiderationRequest', start: '2026-10-07 17:00', ends: '2026-10-10',
    why: 'refusal received on the last holiday: day 3 is Saturday 10 October, a 调休 working day' },
  // Months: the corresponding day, or the month's last day when the month is shorter.
  { article: '民法典 第202条; 人民检察院检察建议工作规定 第十九条', key: 'suggestionReply', start: '2026-07-31 10:00', ends: '2026-09-30',
    why: 'received 31 July: September has no 31st, the last day is 30 September' },
  { article: '民法典 第202条, 第203条; 人民检察院检察建议工作规定 第十九条', key: 'suggestionReply', start: '2025-12-31 10:00', ends: '2026-02-28',
    why: 'received 31 December: February has no 31st; 28 February 2026 is a 调休 Saturday, so it stands' },
  { article: '民法典 第202条, 第203条 第1款; 人民检察院检察建议工作规定 第十九条', key: 'suggestionReply', start: '2026-08-31 18:00', ends: '2026-11-02',
    why: 'received 31 August: 31 October is a Saturday, the period ends on Monday 2 November' },
  { article: '民法典 第202条; 最高人民检察院 公安部 关于刑事立案监督有关问题的规定(试行)', key: 'investigationReminder', start: '2026-03-31 10:00', ends: '2026-06-30',
    why: '立而不侦: filed 31 March, three months end on 30 June (no 31st)' },
  // Hours run by the clock and never roll.
  { article: '民法典 第201条 第2款; 国务院令第310号 第五条', key: 'transferDelivery', start: '2026-09-30 16:20', ends: '2026-10-01 16:20',
    why: 'an approved transfer leaves within 24 hours, holiday or not' },
  { article: '民法典 第201条 第2款; 公安机关受理行政执法机关移送涉嫌犯罪案件规定 (补正)', key: 'materialsNotice', start: '2026-02-13 15:30', ends: '2026-02-14 15:30',
    why: 'missing materials are notified within 24 hours of acceptance' },
  // 立案监督: 7 days to explain, 15 days to file, both from receipt of the notice.
  { article: '人民检察院刑事诉讼规则 第五百五十九条; 公安机关办理刑事案件程序规定 第一百八十三条', key: 'filingExplanation', start: '2026-11-02 14:00', ends: '2026-11-09',
    why: '要求说明不立案理由 received Monday: seven days end on Monday 9 November' },
  { article: '人民检察院刑事诉讼规则 第五百五十九条; 刑事诉讼法 第105条 第2款', key: 'filingExplanation', start: '2026-09-24 09:00', ends: '2026-10-08',
    why: 'day 7 is 1 October: the period ends after the 国庆 holiday' },
  { article: '人民检察院刑事诉讼规则 第五百六十一条; 公安机关办理刑事案件程序规定 第一百八十四条', key: 'filingOrder', start: '2026-11-02 14:00', ends: '2026-11-17',
    why: '通知立案 received Monday: fifteen days end on Tuesday 17 November' },
  { article: '人民检察院刑事诉讼规则 第五百六十一条; 刑事诉讼法 第105条 第2款', key: 'filingOrder', start: '2026-02-06 10:00', ends: '2026-02-24',
    why: 'day 15 is Saturday 21 February, inside the 春节 holiday (15–23): the period ends on Tuesday 24' },
  // The agency's own periods after a refusal.
  { article: '国务院令第310号 第九条', key: 'supervisionRequest', start: '2026-11-18 10:00', ends: '2026-11-23',
    why: 'upheld refusal received Wednesday: day 3 is Saturday, the request to the procuratorate is in time until Monday 24:00' },
  { article: '国务院令第310号 第十二条', key: 'seizedItemsHandover', start: '2026-04-30 10:00', ends: '2026-05-06',
    why: 'filing notice received Thursday: day 3 is 3 May, inside 劳动节 (1–5 May)' },
  // Per-case extensions of the filing period, with approval.
  { article: '公安机关受理行政执法机关移送涉嫌犯罪案件规定 第八条 (线索需要查证, 7日)', key: 'filingDecision', extension: 'leadsToCheck', start: '2026-02-13 15:30', ends: '2026-02-24',
    why: 'day 7 is 20 February, inside 春节: the period ends on Tuesday 24' },
  { article: '公安机关受理行政执法机关移送涉嫌犯罪案件规定 第八条 (重大疑难复杂, 30日, 县级以上公安机关负责人批准)', key: 'filingDecision', extension: 'majorComplex', start: '2026-02-13 15:30', ends: '2026-03-16',
    why: 'day 30 is Sunday 15 March: the period ends on Monday 16' },
  { article: '公安机关办理经济犯罪案件的若干规定 第十六条 (十日)', key: 'filingDecision', extension: 'economicLeadsToCheck', start: '2026-09-21 10:00', ends: '2026-10-08',
    why: 'day 10 is 1 October: the period ends after the 国庆 holiday' },
];

describe('worked examples from the statutes', () => {
  test.each(EXAMPLES)('$article: $key from $start → $ends ($why)', ({ key, start, extension, ends }) => {
    const from = bj(start);
    const expected = ends.includes(' ') ? bj(ends) : end(ends);
    const event: StartEvent = startEventOf(key, from);
    // Each example is counted from the event its rule names (receipt, acceptance, …).
    const field = { receipt: 'receivedAt', acceptance: 'acceptedAt', decision: 'decidedAt', filing: 'filedAt' }[event];
    expect(dueAt(key, { [field]: from }, { extension }).toISOString()).toBe(expected.toISOString());
    // The examples rest on the official arrangement, not a provisional year.
    for (const day of [legalDate(from), legalDate(expected)]) {
      expect(CHINA_CALENDAR.years.get(Number(day.slice(0, 4)))?.provisional).toBe(false);
    }
  });
});

describe('the end of a period and overdue agree', () => {
  it('民法典 第203条 第2款: an act at 23:59:59 of the last day is in time, one at 24:00 is late', () => {
    const due = dueAt('filingDecision', bj('2026-09-15 16:45'));
    expect(isPast(due, new Date('2026-09-18T23:59:59.000+08:00'))).toBe(false);
    expect(isPast(due, new Date('2026-09-18T23:59:59.999+08:00'))).toBe(false);
    expect(isPast(due, new Date('2026-09-19T00:00:00.000+08:00'))).toBe(true);
  });

  it('民法典 第201条 第2款: a period in hours is past one millisecond after its clock end', () => {
    const due = dueAt('transferDelivery', bj('2026-09-30 16:20'));
    expect(isPast(due, bj('2026-10-01 16:20'))).toBe(false);
    expect(isPast(due, new Date(bj('2026-10-01 16:20').getTime() + 1))).toBe(true);
  });
});

describe('a period starts at the event the law names', () => {
  it('counts a suggestion reply from receipt (检察建议工作规定 第十九条: 收到检察建议书之日起), not from issue', () => {
    expect(ruleInEffect('suggestionReply', bj('2026-07-31 10:00')).startsAt).toBe('receipt');
    // Issued Friday 31 July, received Monday 3 August: two months from receipt end on 3 October, a holiday → 8 October.
    expect(dueAt('suggestionReply', { receivedAt: bj('2026-08-03 09:00') }).toISOString()).toBe(end('2026-10-08').toISOString());
    expect(dueAt('suggestionReply', bj('2026-07-31 10:00')).toISOString()).toBe(end('2026-09-30').toISOString());
  });

  it('refuses to count from an event the rule does not name, rather than silently from the wrong one', () => {
    expect(() => dueAt('suggestionReply', { acceptedAt: bj('2026-08-03 09:00') })).toThrow(/suggestionReply period runs from receivedAt/);
    expect(() => dueAt('filingDecision', { receivedAt: bj('2026-08-03 09:00') })).toThrow(/runs from acceptedAt/);
    expect(() => dueAt('filingOrder', {})).toThrow(/filingOrder period runs from receivedAt, and none was given/);
  });

  it('takes the named event when the caller knows several', () => {
    const events = { decidedAt: bj('2026-11-16 10:00'), receivedAt: bj('2026-11-18 10:00') };
    expect(dueAt('reconsiderationRequest', events).toISOString()).toBe(end('2026-11-23').toISOString());
    expect(dueAt('transferDelivery', events).toISOString()).toBe(bj('2026-11-17 10:00').toISOString());
  });
});

describe('the filing period per case (立案审查期限的延长)', () => {
  it('offers the levels in force with the approval each needs', () => {
    const levels = extensionsInEffect('filingDecision', bj('2026-09-15 10:00'));
    expect(levels.map((x) => [x.level, x.period.amount, x.approval !== null])).toEqual([
      ['leadsToCheck', 7, false], ['majorComplex', 30, true],
      ['economicLeadsToCheck', 10, false], ['economicMajorComplex', 30, true], ['economicSpecial', 60, true],
    ]);
    for (const x of levels) expect(x.citation).toMatch(/第八条|第十六条/);
    // The economic-crime rules took effect on 1 January 2018.
    expect(extensionsInEffect('filingDecision', bj('2017-06-01 10:00')).map((x) => x.level)).toEqual(['leadsToCheck', 'majorComplex']);
  });

  it('computes the filing deadline for a case with and without an extension', () => {
    const acceptedAt = bj('2026-09-15 16:45');
    expect(filingDecisionDueAt(acceptedAt).toISOString()).toBe(end('2026-09-18').toISOString());
    expect(filingDecisionDueAt(acceptedAt, null).toISOString()).toBe(end('2026-09-18').toISOString());
    expect(filingDecisionDueAt(acceptedAt, 'leadsToCheck').toISOString()).toBe(end('2026-09-22').toISOString());
    // Day 30 is 15 October: a working Thursday.
    expect(filingDecisionDueAt(acceptedAt, 'majorComplex').toISOString()).toBe(end('2026-10-15').toISOString());
    // An extension is the case's own: the deployment-wide override does not shorten or lengthen it.
    expect(filingDecisionDueAt(acceptedAt, 'majorComplex', { env: { FILING_DECISION_DAYS: '5' } }).toISOString()).toBe(end('2026-10-15').toISOString());
    expect(() => filingDecisionDueAt(acceptedAt, 'forever')).toThrow(/no filingDecision extension "forever".*leadsToCheck, majorComplex/);
  });
});
