// The release journal where the data is (kit/release-journal.ts) writes the releases of concurrent
// requests in one INSERT (group commit). What each request relies on: its rows are committed, with
// its own caller, before its answer leaves; and another request's bad row does not cost it its answer.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { externalPostgres } from '../scripts/hub/postgres';
import { query } from './support/sql';
import { openDatabase, StatementCounter } from '../kit/database';
import { journalReleases, KitReleaseJournal1700000000900, ReleaseJournal } from '../kit/release-journal';
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

describe('the release journal: group commit', () => {
  beforeAll(async () => {
    await admin(`CREATE DATABASE "${name}"`);
    db = await openDatabase({ url: server().url(name), entities: [], migrations: [KitReleaseJournal1700000000900], counter: new StatementCounter() });
  });
  afterAll(async () => {
    await db?.destroy();
    await admin(`DROP DATABASE IF EXISTS "${name}"`);
  });

  it('writes concurrent requests in fewer transactions than requests, each row with its own caller, committed before each append resolves', async () => {
    const journal = new ReleaseJournal(db);
    const requests = Array.from({ length: 12 }, (_, i) => 100 + i);
    await Promise.all(requests.map(async (n) => {
      await journal.append(caller(n), releasesOf(n));
      // Committed when the request goes on to answer: another session sees its rows.
      const rows = await committed('SELECT coordinate, decision FROM release_journal WHERE entity_id = $1 ORDER BY coordinate', [`case-${n}`]);
      expect(rows).toEqual([{ coordinate: 'Party.idNumber', decision: 'full' }, { coordinate: 'Party.name', decision: 'masked' }]);
    }));
    const rows = await committed(`SELECT entity_id, caller_sub, caller_role, caller_org, caller_region, reason, signer, trace_id, xmin::text AS tx
      FROM release_journal WHERE caller_sub LIKE 'officer-1__' ORDER BY id`);
    expect(rows).toHaveLength(24);
    for (const row of rows) {
      const n = Number(row.entity_id.slice('case-'.length));
      expect(row).toMatchObject({ caller_sub: `officer-${n}`, caller_role: 'procurator', caller_org: `ORG-${n}`, caller_region: '320706', reason: `review ${n}`, signer: 'gateway', trace_id: `trace-${n}` });
    }
    // Rows one transaction wrote share its xmin: twelve requests in one turn, far fewer commits.
    expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(requests.length);
  });

  it("keeps a request's rows together and in its order, and absent values as NULL", async () => {
    const journal = new ReleaseJournal(db, 3);
    const many: Release[] = Array.from({ length: 5 }, (_, i) => ({ coordinate: `Party.field${i}`, entityId: 'case-order', decision: 'full' }));
    await Promise.all([journal.append(caller(200, { org: undefined, region: undefined, reason: undefined, traceId: undefined }), many), journal.append(caller(201), releasesOf(201))]);
    const rows = await committed("SELECT coordinate, caller_org, caller_region, reason, trace_id, xmin::text AS tx FROM release_journal WHERE entity_id = 'case-order' ORDER BY id");
    expect(rows.map((r) => r.coordinate)).toEqual(many.map((r) => r.coordinate));
    expect(new Set(rows.map((r) => r.tx)).size).toBe(1); // more than maxRows, and still not split
    expect(rows[0]).toMatchObject({ caller_org: null, caller_region: null, reason: null, trace_id: null });
  });

  it("fails only the request whose row the database refuses; the others' rows are written", async () => {
    const journal = new ReleaseJournal(db);
    // PostgreSQL's text refuses a NUL character.
    const outcomes = await Promise.allSettled([300, 301, 302, 303].map((n) => journal.append(caller(n, n === 301 ? { reason: 'bad\u0000reason' } : {}), releasesOf(n))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const subs = await committed("SELECT DISTINCT caller_sub FROM release_journal WHERE caller_sub IN ('officer-300', 'officer-301', 'officer-302', 'officer-303') ORDER BY caller_sub");
    expect(subs.map((r) => r.caller_sub)).toEqual(['officer-300', 'officer-302', 'officer-303']);
  });

  it('answers with an error and no data when the releases could not be recorded', async () => {
    const plugin = journalReleases(db, 'test-owner');
    const hooks = await plugin.requestDidStart!({} as never);
    const response = { body: { kind: 'single', singleResult: { data: { party: { idNumber: '110101199003074514' } } } } };
    await hooks!.willSendResponse!({ response, contextValue: { identity: caller(400, { sub: 'bad\u0000sub' }), releases: releasesOf(400) } } as never);
    expect(response.body.singleResult).toEqual({ errors: [{ message: 'The release could not be recorded; nothing was released', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    const good = { body: { kind: 'single', singleResult: { data: { party: { idNumber: 'x' } } } } };
    await hooks!.willSendResponse!({ response: good, contextValue: { identity: caller(401), releases: releasesOf(401) } } as never);
    expect(good.body.singleResult).toEqual({ data: { party: { idNumber: 'x' } } });
  });
});
