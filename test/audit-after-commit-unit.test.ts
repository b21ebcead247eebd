// What the gateway queues after a response (gateway/audit/durable.ts auditAfterCommit) is what it
// queued when it went over every release and denial again with the committed keys as done: the
// part the durable commit went through is skipped, nothing after it is lost.
import { describe, expect, it } from 'vitest';
import { auditEntries, type AuditEntryInput, type DeniedField, type ReleaseReport } from '../gateway/audit/index';
import { AuditUnavailableError } from '../gateway/audit/writer';
import { auditAfterCommit, durableAudit, type DurableAuditContext } from '../gateway/audit/durable';

const identity = { sub: 'u-1', role: 'procurator' as const, org: 'PROC-320706', region: '320706', reason: '立案监督审查', traceId: 't-1' };
const about = { identity, clientAddress: '127.0.0.1', operationName: 'UnifiedCase', documentHash: 'h', traceId: 't-1' };
const release = (coordinate: string, entityId: string, decision: ReleaseReport['decision'] = 'full'): ReleaseReport => ({ coordinate, entityId, decision });
const without = (entries: AuditEntryInput[]) => entries.map(({ at: _at, ...rest }) => rest);

/** A context as gateway/server.ts makes it, and the plugin's willSendResponse run on Apollo's shallow clone of it. */
function request(releases: ReleaseReport[], denied: DeniedField[]) {
  const context: DurableAuditContext = { identity, releases, denied, auditRequest: () => about, audited: new Set(), committedThrough: new Map() };
  const committed: AuditEntryInput[] = [];
  const commit = async (commitFails: boolean) => {
    const writer = { commit: async (entries: AuditEntryInput[]) => { committed.push(...entries); if (commitFails) throw new AuditUnavailableError(); } };
    const hooks = await durableAudit(writer, 1000).requestDidStart!({} as never);
    await (hooks as { willSendResponse(c: unknown): Promise<void> }).willSendResponse({ contextValue: { ...context }, response: { body: { kind: 'single', singleResult: {} } } });
  };
  return { context, committed, commit };
}

/** The entries the handler queued before: every release and denial keyed again, the committed keys as done. */
const everything = (context: DurableAuditContext, denied: DeniedField[], done: ReadonlySet<string>) =>
  auditEntries({ ...about, releases: context.releases, denied }, done);

function queued(context: DurableAuditContext, denied: DeniedField[]) {
  const recorded: AuditEntryInput[] = [];
  const count = auditAfterCommit({ record: (entries) => { recorded.push(...entries); } }, context, denied);
  expect(count).toBe(recorded.length);
  return recorded;
}

describe('what is queued after the durable commit', () => {
  it('is what the whole lists gave before: only the denials and releases that came after the commit', async () => {
    const releases = [release('Party.name', 'c1'), release('Party.name', 'c1'), release('Party.idNumber', 'c1', 'masked'), release('Party.name', 'c2')];
    const denied: DeniedField[] = [{ coordinate: 'Investigation.informant', path: ['case', 'investigation', 'informant'] }];
    const { context, committed, commit } = request(releases, denied);
    await commit(false);
    expect(committed).toHaveLength(4);
    // Restoring the response withholds objects after the commit: their denials are appended to the same list.
    denied.push({ coordinate: 'Investigation.informant', path: ['case', 'investigation', 'informant'] }, { coordinate: 'Supervision.notes', path: ['case', 'supervision', 0, 'notes'] });
    releases.push(release('Party.name', 'c1'), release('Party.phone', 'c3'));
    const before = everything(context, denied, new Set(context.audited));
    const after = queued(context, denied);
    expect(without(after)).toEqual(without(before));
    expect(after.map((e) => [e.coordinate, e.entityId, e.decision])).toEqual([['Party.phone', 'c3', 'full'], ['Supervision.notes', null, 'denied']]);
  });

  it('queues nothing when nothing came after the commit', async () => {
    const { context, commit } = request([release('Party.name', 'c1'), release('Party.idNumber', 'c1')], [{ coordinate: 'Case.secret' }]);
    await commit(false);
    expect(queued(context, context.denied!)).toEqual([]);
  });

  it('queues everything of a request refused before Apollo ran (no commit), as before', () => {
    const { context } = request([], []);
    const refused: DeniedField[] = [{ coordinate: 'Supervision.notes', path: ['a', 's', 'n'] }, { coordinate: 'Supervision.notes', path: ['b', 's', 'n'] }, { coordinate: 'Party.idNumber' }];
    const before = everything(context, refused, new Set(context.audited));
    const after = queued(context, refused);
    expect(without(after)).toEqual(without(before));
    expect(after.map((e) => e.coordinate)).toEqual(['Supervision.notes', 'Party.idNumber']);
  });

  it('does not queue again what a commit that timed out withdrew or left queued', async () => {
    const denied: DeniedField[] = [{ coordinate: 'Case.secret' }];
    const { context, committed, commit } = request([release('Party.name', 'c1')], denied);
    await commit(true);
    expect(committed).toHaveLength(2);
    denied.push({ coordinate: 'Supervision.notes' });
    const before = everything(context, denied, new Set(context.audited));
    expect(without(queued(context, denied))).toEqual(without(before));
    expect(before.map((e) => e.coordinate)).toEqual(['Supervision.notes']);
  });

  it('leaves a list the commit did not go through whole (another array than the one it saw)', async () => {
    const { context, commit } = request([release('Party.name', 'c1')], [{ coordinate: 'Case.secret' }]);
    await commit(false);
    const other: DeniedField[] = [{ coordinate: 'Supervision.notes' }, { coordinate: 'Case.secret' }];
    expect(queued(context, other).map((e) => e.coordinate)).toEqual(['Supervision.notes']);
  });
});
