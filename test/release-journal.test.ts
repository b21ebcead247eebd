// The release journal where the data is (kit/release-journal.ts), on a database of its own: what a
// subgraph's answer relies on. Its releases are committed, with who asked and why, before the answer
// leaves; and when they cannot be written, the answer carries no data.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { externalPostgres } from '../scripts/hub/postgres';
import { query } from './support/sql';
import { openDatabase, StatementCounter } from '../kit/database';
import { journalReleases, KitReleaseJournal1700000000900 } from '../kit/release-journal';
import type { Identity } from '../kit/identity';
import type { Release } from '../kit/personal-data';

const server = () => externalPostgres(inject('postgresAdminUrl'));
const name = `journal_t${randomBytes(5).toString('hex')}`;
let db: DataSource;

const admin = (sql: string) => query(server().url('postgres'), sql);
/** Read on a connection of its own: what another session sees is what is committed. */
const committed = (sql: string, params: unknown[] = []) => query(server().url(name), sql, params);

const caller = (n: number, extra: Partial<Identity> = {}): Identity => ({
  sub: `officer-${n}`, role: 'procurator', org: `ORG-${n}`, region: '320706', reason: `review ${n}`, signer: 'gateway', traceId: `trace-${n}`, ...extra,
});
const releasesOf = (n: number): Release[] => [
  { coordinate: 'Party.idNumber', entityId: `case-${n}`, decision: 'full' },
  { coordinate: 'Party.name', entityId: `case-${n}`, decision: 'masked' },
];
const answer = () => ({ body: { kind: 'single', singleResult: { data: { party: { idNumber: '110101199003074514' } } } as Record<string, unknown> } });

describe('the release journal', () => {
  let willSendResponse: (context: unknown) => Promise<void>;

  beforeAll(async () => {
    await admin(`CREATE DATABASE "${name}"`);
    db = await openDatabase({ url: server().url(name), entities: [], migrations: [KitReleaseJournal1700000000900], counter: new StatementCounter() });
    const hooks = await journalReleases(db, 'test-owner').requestDidStart!({} as never);
    willSendResponse = hooks!.willSendResponse! as never;
  });
  afterAll(async () => {
    await db?.destroy();
    await admin(`DROP DATABASE IF EXISTS "${name}"`);
  });

  it('commits the releases with who asked, why and the trace before the answer leaves, and leaves the answer as it is', async () => {
    const response = answer();
    await willSendResponse({ response, contextValue: { identity: caller(1), releases: releasesOf(1) } });
    expect(response.body.singleResult).toEqual(answer().body.singleResult);
    const rows = await committed('SELECT coordinate, entity_id, decision, caller_sub, caller_role, caller_org, caller_region, reason, signer, trace_id FROM release_journal WHERE caller_sub = $1 ORDER BY id', ['officer-1']);
    expect(rows).toEqual([
      { coordinate: 'Party.idNumber', entity_id: 'case-1', decision: 'full', caller_sub: 'officer-1', caller_role: 'procurator', caller_org: 'ORG-1', caller_region: '320706', reason: 'review 1', signer: 'gateway', trace_id: 'trace-1' },
      { coordinate: 'Party.name', entity_id: 'case-1', decision: 'masked', caller_sub: 'officer-1', caller_role: 'procurator', caller_org: 'ORG-1', caller_region: '320706', reason: 'review 1', signer: 'gateway', trace_id: 'trace-1' },
    ]);
  });

  it('answers with an error and no data when the releases could not be recorded; a request beside it answers', async () => {
    // PostgreSQL's text refuses a NUL character: this request's rows cannot be written.
    const refused = answer();
    const beside = answer();
    await Promise.all([
      willSendResponse({ response: refused, contextValue: { identity: caller(2, { reason: 'bad\u0000reason' }), releases: releasesOf(2) } }),
      willSendResponse({ response: beside, contextValue: { identity: caller(3), releases: releasesOf(3) } }),
    ]);
    expect(refused.body.singleResult).toEqual({ errors: [{ message: 'The release could not be recorded; nothing was released', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    expect(beside.body.singleResult).toEqual(answer().body.singleResult);
    expect((await committed("SELECT DISTINCT caller_sub FROM release_journal WHERE caller_sub IN ('officer-2', 'officer-3')")).map((r) => r.caller_sub)).toEqual(['officer-3']);
  });
});
