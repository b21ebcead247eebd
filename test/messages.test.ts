import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deliveredEvents, MessageError, checkPayloads } from '../kit/messages/check';
import { CASE_EVENT } from '../kit/messages/case-event';
import { INDEX_EVENT } from '../kit/messages/index-event';
import { TRANSFER_EVENT } from '../kit/messages/transfer-event';
import { ESCALATION_EVENT, ESCALATION_RESULT_EVENT, NOTIFICATION } from '../kit/notifications';

// The messages between owners, declared once (kit/messages/, kit/notifications.ts): what a
// receiver accepts, and how it names the field of a body it refuses (answered 400).

const caseEvent = () => ({
  eventId: randomUUID(), caseId: randomUUID(), caseType: 'MarketRegulationCase', version: 1, agencyCode: 'MR-320706', caseNumber: 'X-1',
  actType: 'ADMINISTRATIVE_PENALTY', cause: 'c', offenceCode: null, amountInvolved: 1, fineAmount: 1, decidedAt: null, region: '320706',
  recordedAt: '2026-01-01T00:00:00.000Z', party: null, figures: {},
});

function refusal(run: () => unknown): { field: string; rule: string; status: number } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MessageError);
    const e = error as MessageError;
    return { field: e.field, rule: e.rule, status: e.status };
  }
  throw new Error('accepted');
}

describe('messages between owners', () => {
  it('accepts what senders write, old events without the later fields included, and drops undeclared properties', () => {
    const [event] = deliveredEvents(CASE_EVENT, { events: [{ ...caseEvent(), extra: 'ignored' }] });
    expect(event.caseType).toBe('MarketRegulationCase');
    expect(event).not.toHaveProperty('extra');
    expect(event).not.toHaveProperty('legalBasis');
  });

  it('names the bad field and the rule of a refused body (answered 400)', () => {
    expect(refusal(() => deliveredEvents(CASE_EVENT, { events: [caseEvent(), { ...caseEvent(), caseId: '123' }] })))
      .toEqual({ field: 'events[1].caseId', rule: 'uuid', status: 400 });
    expect(refusal(() => deliveredEvents(CASE_EVENT, { events: [{ ...caseEvent(), region: '32' }] })).field).toBe('events[0].region');
    expect(refusal(() => deliveredEvents(CASE_EVENT, { events: [{ ...caseEvent(), party: { kind: 'NATURAL_PERSON', identifier: 7 } }] })).field)
      .toBe('events[0].party.identifier');
    expect(refusal(() => deliveredEvents(CASE_EVENT, { events: [{ ...caseEvent(), figures: { salesAmount: 'lots' } }] })))
      .toMatchObject({ field: 'events[0].figures.salesAmount', rule: 'number' });
    expect(refusal(() => deliveredEvents(CASE_EVENT, { events: [{ ...caseEvent(), eventId: undefined }] })).field).toBe('events[0].eventId');
    expect(refusal(() => deliveredEvents(CASE_EVENT, { events: 'none' })).field).toBe('events');
    expect(refusal(() => deliveredEvents(CASE_EVENT, null)).field).toBe('events');
  });

  it('checks every message kind', () => {
    const id = randomUUID();
    const bad = (m: Parameters<typeof deliveredEvents>[0], event: object) => refusal(() => deliveredEvents(m, { events: [{ eventId: id, ...event }] }));
    expect(bad(INDEX_EVENT, { ...caseEvent(), partyKind: null, partyKey: null, partyCases: [{ caseId: 'x' }] }).field).toBe('events[0].partyCases[0].caseId');
    expect(bad(TRANSFER_EVENT, { transferId: id, caseId: id, agencyCode: 'MR-320706', region: '320706', submittedAt: 'yesterday' }))
      .toMatchObject({ field: 'events[0].submittedAt', rule: 'instant' });
    expect(bad(NOTIFICATION, {
      recipient: { scope: 'no:such', region: '320706' }, kind: 'TRANSFER_SUBMITTED', title: 't', subjectType: 'CASE_TRANSFER',
      subjectId: id, region: '320706', occurredAt: '2026-01-01T00:00:00Z',
    })).toMatchObject({ field: 'events[0].recipient.scope', rule: 'knownScope' });
    expect(bad(NOTIFICATION, {
      recipient: { org: 'PSB-320706' }, kind: 'HELLO', title: 't', subjectType: 'CASE_TRANSFER', subjectId: id, region: '320706', occurredAt: '2026-01-01T00:00:00Z',
    })).toMatchObject({ field: 'events[0].kind', rule: 'oneOf' });
    expect(bad(ESCALATION_EVENT, { escalationId: id, suggestionId: id, reason: 'LATE' }).field).toBe('events[0].agencyCode');
    expect(bad(ESCALATION_RESULT_EVENT, { escalationId: id, suggestionId: id, status: 'CLOSED', result: 'ok', resultAt: null }).field)
      .toBe('events[0].resultAt');
  });

  it('checks what a sender writes before it reaches the outbox', () => {
    expect(refusal(() => checkPayloads(TRANSFER_EVENT, [{ transferId: 'x' } as never])).field).toBe('TransferEvent[0].transferId');
  });
});
