// Archives of the audit log (issue 18, retention; 网络安全法 第二十一条): `npm run audit:archive`
// exports a closed range — up to a checkpoint the procuratorate's witness cosigned — with the
// checkpoints, their cosignatures and (from a later start) the tree's frontier; `npm run
// audit:verify -- --archive` checks the file with no database at all and names what was tampered
// with. Archiving removes nothing from the live log.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuditWriter, type AuditEntryInput } from '../gateway/audit/index';
import { verifyArchiveFile, type AuditArchive, type ArchivedEntry } from '../gateway/audit/archive';
import { chainHash } from '../kit/audit-chain';
import { externalPostgres } from '../scripts/hub/postgres';
import { eventually, startHub, type TestHub } from './support/hub';
import { query } from './support/sql';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const server = () => externalPostgres(inject('postgresAdminUrl'));
/** Where no database answers: the offline checks must not need one. */
const NO_DATABASE = 'postgres://nobody:nothing@127.0.0.1:1/none';

let hub: TestHub;
let logUrl: string;
let witnessUrl: string;
let dir: string;


const entry = (i: number): AuditEntryInput => ({
  subject: `officer-${i % 3}`, role: 'procurator', org: 'PROC-320706', region: '320706', operationName: 'CaseParty',
  coordinate: i % 2 ? 'Party.idNumber' : 'Party.phone', entityId: `case-${i}`, decision: i % 3 ? 'full' : 'masked', reason: '立案监督审查', traceId: `trace-${i}`,
});

/** Appends entries as the gateway does and waits until the witness has cosigned them all. */
async function appendAndWitness(entries: AuditEntryInput[]): Promise<void> {
  const writer = new AuditWriter(logUrl, { intervalMs: 5 });
  writer.record(entries);
  await writer.close(); // its last checkpoint covers them
  const size = Number((await query(logUrl, 'SELECT count(*) AS n FROM audit_log'))[0].n);
  await eventually(async () => (Number((await query(witnessUrl, 'SELECT coalesce(max(tree_size), 0) AS n FROM audit_witness_checkpoint'))[0].n) === size ? true : undefined),
    15_000, `the witness cosigns ${size} entries`);
}

function run(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
const archiveCommand = (args: string[]) => run('scripts/audit-archive.ts', args, { DATABASE_URL: logUrl, WITNESS_DATABASE_URL: witnessUrl });
const verifyCommand = (file: string) => run('scripts/audit-verify.ts', ['--archive', file], { DATABASE_URL: NO_DATABASE, WITNESS_DATABASE_URL: NO_DATABASE, HUB_PUBLIC_KEYS_FILE: hub.keys.directory });

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as AuditArchive;
/** A copy of an archive, changed by `change`, written beside it; returns its path. */
function tampered(file: string, name: string, change: (a: AuditArchive) => void): string {
  const archive = read(file);
  change(archive);
  const out = join(dir, name);
  writeFileSync(out, JSON.stringify(archive));
  return out;
}
/** What a careful forger does after changing an entry: every chain hash from it on recomputed. */
function rehash(entries: ArchivedEntry[], from: number): void {
  for (let i = from; i < entries.length; i++) {
    const e = entries[i];
    if (i > 0) e.prevHash = entries[i - 1].hash;
    const { leafIndex: _l, sequence: _s, prevHash: _p, hash: _h, ...content } = e;
    e.hash = chainHash(e.prevHash, { ...content, at: new Date(content.at) });
  }
}
const verify = (file: string) => verifyArchiveFile(file, hub.keys.directory);

beforeAll(async () => {
  hub = await startHub({ env: { AUDIT_CHECKPOINT_MS: '200' } });
  logUrl = server().url(hub.databases.gateway);
  witnessUrl = server().url(hub.databases.procuratorate);
  dir = mkdtempSync(join(tmpdir(), 'audit-archive-'));
  await appendAndWitness(Array.from({ length: 6 }, (_, i) => entry(i)));
  await appendAndWitness(Array.from({ length: 7 }, (_, i) => entry(6 + i)));
  await appendAndWitness(Array.from({ length: 7 }, (_, i) => entry(13 + i)));
});
afterAll(async () => {
  await hub?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run audit:archive and audit:verify --archive', () => {
  let first: string;
  let next: string;

  it('exports the entries up to a cosigned checkpoint, verified offline; the live log keeps every entry', async () => {
    expect((await query(witnessUrl, 'SELECT tree_size::int AS n FROM audit_witness_checkpoint ORDER BY tree_size')).map((r) => r.n)).toEqual([6, 13, 20]);
    first = join(dir, 'first.json');
    // 15 is not a cosigned size: the range closes at the last one below it.
    const made = await archiveCommand(['--to', '15', '--out', first]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/leaves 0\.\.12 \(13 entries, .*closed by the checkpoint of 13 cosigned by the procuratorate.*nothing was removed from the live table/);
    const archive = read(first);
    expect(archive).toMatchObject({ from: null, to: { treeSize: 13 }, hash: 'sha256', witness: 'procuratorate' });
    expect(archive.between.map((c) => c.treeSize)).toEqual([6]);
    expect(archive.entries.map((e) => e.leafIndex)).toEqual(Array.from({ length: 13 }, (_, i) => i));
    expect(archive.entries[8]).toMatchObject({ subject: 'officer-2', coordinate: 'Party.phone', entityId: 'case-8', traceId: 'trace-8' });

    const checked = await verifyCommand(first);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/audit archive intact: .*leaves 0\.\.12 \(13 entries\), 2 checkpoints signed by the gateway and cosigned by the procuratorate/);
    expect(Number((await query(logUrl, 'SELECT count(*) AS n FROM audit_log'))[0].n)).toBe(20);
  });

  it('continues from an earlier archive\'s end with the frontier there, up to a date', async () => {
    next = join(dir, 'next.json');
    const made = await archiveCommand(['--from', '13', '--to', new Date(Date.now() + 60_000).toISOString(), '--out', next]);
    expect(made.code).toBe(0);
    const archive = read(next);
    expect(archive.from).toMatchObject({ treeSize: 13, frontier: expect.any(Array) });
    expect(archive.from!.frontier).toHaveLength(3); // 13 = 8 + 4 + 1: one hash per complete subtree
    expect(archive.entries.map((e) => e.leafIndex)).toEqual([13, 14, 15, 16, 17, 18, 19]);
    expect(await verify(next)).toEqual({ ok: true, entries: 7, fromSize: 13, toSize: 20, checkpoints: 2 });
  });

  it('refuses an open range (no cosigned checkpoint in reach) and a start that is not cosigned', async () => {
    const open = await archiveCommand(['--to', '5', '--out', join(dir, 'open.json')]);
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/no checkpoint cosigned by the procuratorate's witness of at most 5 entries/);
    const badStart = await archiveCommand(['--from', '7', '--to', '20', '--out', join(dir, 'bad-start.json')]);
    expect(badStart.code).toBe(2);
    expect(badStart.stderr).toMatch(/--from 7 is not a size the witness cosigned \(6, 13, 20\)/);
  });

  it('names an altered entry (command line: exit 1)', async () => {
    const file = tampered(first, 'altered.json', (a) => { a.entries[8].decision = 'masked'; });
    const checked = await verifyCommand(file);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toMatch(/AUDIT ARCHIVE TAMPERED: .*at leaf 8 \(row sequence \d+\): the entry does not match its hash/);
  });

  it.each([
    ['an entry rewritten and every chain hash after it recomputed: the span of the failing checkpoint', (a: AuditArchive) => { a.entries[9].subject = 'someone-else'; rehash(a.entries, 9); },
      { leafIndex: 6, range: { fromLeaf: 6, toLeaf: 12 }, reason: expect.stringMatching(/do not give the root cosigned/) }],
    ['an entry removed', (a: AuditArchive) => { a.entries.splice(4, 1); },
      { leafIndex: 4, reason: expect.stringMatching(/says it is leaf 5/) }],
    ['two entries swapped', (a: AuditArchive) => { [a.entries[10], a.entries[11]] = [a.entries[11], a.entries[10]]; },
      { leafIndex: 10, reason: expect.stringMatching(/says it is leaf 11/) }],
    ['the last entries cut off', (a: AuditArchive) => { a.entries.splice(11); },
      { leafIndex: 11, reason: expect.stringMatching(/up to 11, its checkpoint 13/) }],
    ['the closing checkpoint\'s root replaced', (a: AuditArchive) => { a.to.rootHash = 'ab'.repeat(32); },
      { leafIndex: 13, reason: expect.stringMatching(/does not carry the gateway's signature/) }],
    ['a cosignature time moved', (a: AuditArchive) => { a.between[0].cosignedAt = new Date(0).toISOString(); },
      { leafIndex: 6, reason: expect.stringMatching(/does not carry the procuratorate's cosignature/) }],
  ])('names %s', async (_what, change, bad) => {
    const report = await verify(tampered(first, 'case.json', change));
    expect(report.ok).toBe(false);
    expect(report.firstBad).toMatchObject(bad);
  });

  it('names a frontier altered in an archive that continues another', async () => {
    const report = await verify(tampered(next, 'frontier.json', (a) => { a.from!.frontier[1] = 'cd'.repeat(32); }));
    expect(report).toMatchObject({ ok: false, firstBad: { leafIndex: 13, reason: expect.stringMatching(/frontier does not give the root cosigned for 13/) } });
  });

  it('says a file that is not an archive is not one, and that it needs the key directory (exit 2)', async () => {
    const notArchive = join(dir, 'not.json');
    writeFileSync(notArchive, '{"hello": 1}');
    expect(await verify(notArchive)).toMatchObject({ ok: false, firstBad: { reason: expect.stringMatching(/not an audit archive: format/) } });
    const noKeys = await run('scripts/audit-verify.ts', ['--archive', first], { DATABASE_URL: NO_DATABASE, HUB_PUBLIC_KEYS_FILE: join(dir, 'missing.json') });
    expect(noKeys.code).toBe(2);
    expect(noKeys.stderr).toMatch(/no key directory/);
  });
});
