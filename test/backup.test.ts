// Backups per owner (issue 14): `npm run backup` takes one owner's database in one snapshot to a
// checksummed file, `npm run restore` puts it back into an empty database of the same schema
// version, whole or not at all. Here a running hub's every owner is backed up, the hub is stopped
// and its databases dropped, the backups go into fresh databases, and a second hub started on
// them finds the case, its transfer and the suggestion, and the audit log still verifies against
// the procuratorate's witness (gateway/audit/verify-log.ts, what `npm run audit:verify` runs).
// Each file is signed with its owner's key; a file changed and hashed again without that key is
// refused like a damaged one.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { backupOwner, OWNERS, signedTrailer, type BackupHeader } from '../scripts/backup';
import { keyFiles, readKeyDirectory, readSigningKey, type KeyDirectory } from '../kit/keys';
import { restoreOwner, RestoreRefused } from '../scripts/restore';
import { hubClient } from '../scripts/hub/client';
import { startHub as bootHub, type Hub } from '../scripts/hub/hub';
import { dropDatabases, ensureDatabases, externalPostgres } from '../scripts/hub/postgres';
import { verifyAuditLog } from '../gateway/audit/verify-log';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, recordMarketCase, seedBureaus } from './support/fixtures';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const server = () => externalPostgres(inject('postgresAdminUrl'));
const CASE = `query($id: ID!) { case(id: $id) { id caseNumber transfer { id status } ... on MarketRegulationCase { party { name } } } }`;
const SUGGESTION = `query($id: ID!) { suggestion(id: $id) { id kind status content } }`;

async function rows<T = any>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try { return (await client.query(sql)).rows; } finally { await client.end(); }
}
const count = async (url: string, table: string) => Number((await rows(url, `SELECT count(*) AS n FROM ${table}`))[0].n);
const tablesIn = async (url: string) => (await rows<{ n: string }>(url, `SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`))[0].n;

describe('backup and restore per owner', () => {
  let hub: TestHub;
  let second: Hub | undefined;
  let firstStopped: Promise<void> | undefined;
  let work: string;
  let dataDir: string;
  const prefix = `r${randomBytes(4).toString('hex')}_`;
  const restoredDb = (owner: string) => `${prefix}${owner.replace(/-/g, '_')}`;
  const restoredUrl = (owner: string) => server().url(restoredDb(owner));
  const sourceUrl = (owner: string) => server().url(hub.databases[owner]);
  const fileOf = (owner: string) => join(work, `${owner}.ndjson`);
  const headers: Record<string, BackupHeader> = {};
  const recorded = { caseId: '', caseNumber: '', transferId: '', suggestionId: '', auditEntries: 0, witnessed: 0 };
  let keys: KeyDirectory;
  /** An owner's own key, as its operator holds it beside its database (the copy kept when the first hub goes). */
  const keyOf = (owner: string) => readSigningKey(keyFiles(join(dataDir, 'keys')).privateKey(owner), owner);
  /** The file with its last line replaced by a trailer over the lines before it, as `signer` would sign it. */
  const rehashed = (lines: string[], signer: Awaited<ReturnType<typeof keyOf>>, owner: string) => {
    const body = lines.slice(0, -1).map((l) => `${l}\n`).join('');
    const old = JSON.parse(lines.at(-1)!);
    return `${body}${JSON.stringify(signedTrailer(signer, { owner, sha256: createHash('sha256').update(body).digest('hex'), lines: old.lines, rows: old.rows }))}\n`;
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'backup-test-'));
    hub = await startHub();
    await seedBureaus(hub);
    recorded.caseId = await recordMarketCase(hub);
    const transfer = await hub.graphql(`mutation($caseId: ID!, $input: TransferInput!) { transferCase(caseId: $caseId, input: $input) { id status case { caseNumber } } }`,
      { caseId: recorded.caseId, input: { summary: '涉嫌销售伪劣产品，销售金额已达追诉标准', materials: ['调查报告'] } }, callers.marketOfficer);
    expect(transfer.errors).toBeUndefined();
    recorded.transferId = transfer.data.transferCase.id;
    recorded.caseNumber = transfer.data.transferCase.case.caseNumber;
    const suggestion = await hub.graphql(`mutation($input: SuggestionInput!) { issueSuggestion(input: $input) { id } }`,
      { input: { agencyCode: 'MR-320706', caseId: recorded.caseId, kind: 'CORRECTION', content: '对涉嫌犯罪案件应当依法及时移送' } }, callers.procurator);
    expect(suggestion.errors).toBeUndefined();
    recorded.suggestionId = suggestion.data.issueSuggestion.id;
    // A release of personal data with a stated reason: an audit entry; then its checkpoint, cosigned.
    const read = await hub.graphql(CASE, { id: recorded.caseId }, { ...callers.procurator, reason: '立案监督审查' });
    expect(read.data.case.party.name).toBe('张伟');
    await eventually(async () => {
      const entries = await count(sourceUrl('gateway'), 'audit_log');
      const [w] = await rows(sourceUrl('procuratorate'), `SELECT coalesce(max(tree_size), 0) AS n FROM audit_witness_checkpoint`);
      return entries > 0 && Number(w.n) === entries ? (recorded.auditEntries = entries) : undefined;
    }, 20_000, 'every audit entry under a cosigned checkpoint');

    // The keys (the gateway's, the witness's, justice's party key) belong to the deployment, not
    // to a database: the second hub uses the same ones. The first hub goes, databases and all.
    dataDir = mkdtempSync(join(tmpdir(), 'backup-test-keys-'));
    cpSync(hub.dataDir, dataDir, { recursive: true });
    keys = await readKeyDirectory(keyFiles(join(dataDir, 'keys')).directory);
    for (const owner of OWNERS) headers[owner] = (await backupOwner({ owner, url: sourceUrl(owner), out: fileOf(owner), signer: await keyOf(owner) })).header;
    firstStopped = hub.stop(); // while the restores run; awaited before the second hub starts
    await ensureDatabases(server(), OWNERS.map(restoredDb));
  }, 120_000);

  afterAll(async () => {
    await firstStopped?.catch(() => {});
    await second?.stop({ dropDatabases: true });
    await dropDatabases(server(), OWNERS.map(restoredDb)).catch(() => {});
    for (const dir of [work, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('records the schema version, the tables and their counts in the header, and leaves out TypeORM\'s own table', () => {
    expect([...OWNERS].sort()).toEqual(['eco-environment', 'emergency-management', 'gateway', 'justice', 'market-regulation', 'natural-resources', 'procuratorate', 'public-security'].sort());
    const gateway = headers.gateway;
    expect(gateway.migrations).toContain('AuditInit1700000000000');
    expect(gateway.tables.map((t) => t.name)).not.toContain('migrations');
    expect(gateway.tables.find((t) => t.name === 'audit_log')?.rows).toBe(recorded.auditEntries);
    expect(gateway.tables.find((t) => t.name === 'audit_checkpoint')?.rows).toBeGreaterThan(0);
    expect(headers['public-security'].tables.find((t) => t.name === 'case_transfer')?.rows).toBe(1);
    expect(headers.procuratorate.tables.find((t) => t.name === 'procuratorial_suggestion')?.rows).toBe(1);
    // case_index.publishable is computed by PostgreSQL: not copied, computed again on restore.
    expect(headers.justice.tables.find((t) => t.name === 'case_index')?.columns.map((c) => c.name)).not.toContain('publishable');
  });

  it('refuses an altered or truncated file before touching the target', async () => {
    const lines = readFileSync(fileOf('public-security'), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('{"table":"case_transfer"') && l.includes('SUBMITTED'));
    expect(at).toBeGreaterThan(0);
    const altered = join(work, 'altered.ndjson');
    writeFileSync(altered, lines.map((l, i) => (i === at ? l.replace('SUBMITTED', 'REFUSED') : l)).join('\n'));
    await expect(restoreOwner({ owner: 'public-security', url: restoredUrl('public-security'), from: altered, keys, migrate: true }))
      .rejects.toThrow(/SHA-256 does not match/);
    const truncated = join(work, 'truncated.ndjson');
    writeFileSync(truncated, lines.slice(0, -2).join('\n') + '\n');
    await expect(restoreOwner({ owner: 'public-security', url: restoredUrl('public-security'), from: truncated, keys, migrate: true }))
      .rejects.toThrow(RestoreRefused);
    // Nothing at all was written: not even the migrations ran.
    expect(await tablesIn(restoredUrl('public-security'))).toBe('0');
    // Another owner's file is refused too.
    await expect(restoreOwner({ owner: 'justice', url: restoredUrl('justice'), from: fileOf('public-security'), keys, migrate: true }))
      .rejects.toThrow(/a backup of public-security, not of justice/);
  });

  it("refuses a file changed and hashed again without the owner's key, or signed by another owner, and writes nothing", async () => {
    // Whoever can write where backups are kept turns a transfer into a filed one and makes the hash fit.
    const lines = readFileSync(fileOf('public-security'), 'utf8').trimEnd().split('\n');
    const at = lines.findIndex((l) => l.startsWith('{"table":"case_transfer"') && l.includes('SUBMITTED'));
    expect(at).toBeGreaterThan(0);
    lines[at] = lines[at].replace('SUBMITTED', 'FILED');
    const body = lines.slice(0, -1).map((l) => `${l}\n`).join('');
    const forged = join(work, 'forged.ndjson');
    writeFileSync(forged, `${body}${JSON.stringify({ ...JSON.parse(lines.at(-1)!), sha256: createHash('sha256').update(body).digest('hex') })}\n`);
    // The same change signed by another owner's key (justice's operator), and the genuine file with its signature taken off.
    const otherSigner = join(work, 'other-signer.ndjson');
    const justice = await keyOf('justice');
    writeFileSync(otherSigner, rehashed(lines, { ...justice, name: 'public-security' }, 'public-security'));
    const original = readFileSync(fileOf('public-security'), 'utf8').trimEnd().split('\n');
    const { signature: _dropped, ...unsignedTrailer } = JSON.parse(original.at(-1)!);
    const unsigned = join(work, 'unsigned.ndjson');
    writeFileSync(unsigned, [...original.slice(0, -1), JSON.stringify(unsignedTrailer)].join('\n') + '\n');
    const fresh = `${prefix}forged`;
    await ensureDatabases(server(), [fresh]);
    try {
      for (const file of [forged, otherSigner, unsigned]) {
        await expect(restoreOwner({ owner: 'public-security', url: server().url(fresh), from: file, keys, migrate: true }))
          .rejects.toThrow(/is not signed by public-security/);
      }
      expect(await tablesIn(server().url(fresh))).toBe('0');
    } finally { await dropDatabases(server(), [fresh]); }
  });

  it('refuses a target that has not run the migrations, unless told to run them', async () => {
    await expect(restoreOwner({ owner: 'gateway', url: restoredUrl('gateway'), from: fileOf('gateway'), keys }))
      .rejects.toThrow(/has run no migrations/);
  });

  it('restores every owner into a fresh database: every row, the sequences where they were', async () => {
    for (const owner of OWNERS) {
      const result = await restoreOwner({ owner, url: restoredUrl(owner), from: fileOf(owner), keys, migrate: true });
      expect(result.rows).toBe(headers[owner].tables.reduce((n, t) => n + t.rows, 0));
    }
    expect(await count(restoredUrl('gateway'), 'audit_log')).toBe(recorded.auditEntries);
    // The identity sequence continues after the restored entries: the next entry does not collide.
    const [next] = await rows(restoredUrl('gateway'), `SELECT (SELECT last_value FROM audit_log_sequence_seq) >= (SELECT max(sequence) FROM audit_log) AS ok`);
    expect(next.ok).toBe(true);
  });

  it('refuses a non-empty target, and writes nothing', async () => {
    const before = await count(restoredUrl('procuratorate'), 'procuratorial_suggestion');
    await expect(restoreOwner({ owner: 'procuratorate', url: restoredUrl('procuratorate'), from: fileOf('procuratorate'), keys }))
      .rejects.toThrow(/is not empty \(.*procuratorial_suggestion/);
    expect(await count(restoredUrl('procuratorate'), 'procuratorial_suggestion')).toBe(before);
    expect(before).toBe(1);
  });

  it('refuses a backup of another schema version, even a whole one', async () => {
    // A backup made before the newest migration: its header names one migration fewer (and its
    // trailer is made again and signed by the gateway's operator, so the file itself is whole and genuine).
    const lines = readFileSync(fileOf('gateway'), 'utf8').trimEnd().split('\n');
    const header = JSON.parse(lines[0]) as BackupHeader;
    lines[0] = JSON.stringify({ ...header, migrations: header.migrations.slice(0, -1) });
    const older = join(work, 'older.ndjson');
    writeFileSync(older, rehashed(lines, await keyOf('gateway'), 'gateway'));
    await expect(restoreOwner({ owner: 'gateway', url: restoredUrl('gateway'), from: older, keys }))
      .rejects.toThrow(/is at another schema version/);
    const fresh = `${prefix}older`;
    await ensureDatabases(server(), [fresh]);
    try {
      await expect(restoreOwner({ owner: 'gateway', url: server().url(fresh), from: older, keys, migrate: true }))
        .rejects.toThrow(/is not this code's/);
      expect(await tablesIn(server().url(fresh))).toBe('0');
    } finally { await dropDatabases(server(), [fresh]); }
  });

  it('npm run restore refuses the same on the command line, with one line and exit code 1', async () => {
    const run = promisify(execFile);
    const refused = await run(process.execPath, ['--import', 'tsx', 'scripts/restore.ts', 'gateway', '--from', fileOf('gateway')], {
      cwd: ROOT, env: { ...process.env, DATABASE_URL: restoredUrl('gateway'), HUB_PUBLIC_KEYS_FILE: keyFiles(join(dataDir, 'keys')).directory }, // the first hub's keys, kept
    }).then(() => null, (error) => error);
    expect(refused?.code).toBe(1);
    expect(refused.stderr).toMatch(/^restore refused, nothing written \(postgres:\/\/postgres:\*\*\*@.*\): .* is not empty/);
  });

  it('a hub started on the restored databases finds the case, its transfer and the suggestion, and its audit log verifies', async () => {
    await firstStopped;
    second = await bootHub({
      postgres: server(), dataDir, databasePrefix: prefix, gatewayPort: 0, subgraphPorts: 'free',
      env: { OUTBOX_POLL_MS: '200', HUB_TEST_CLOCK: '1' }, echo: !!process.env.HUB_DEBUG,
    });
    const client = hubClient(second.gatewayUrl, dataDir);
    const found = await client.graphql(CASE, { id: recorded.caseId }, { ...callers.procurator, reason: '立案监督审查' });
    expect(found.errors).toBeUndefined();
    expect(found.data.case).toMatchObject({ id: recorded.caseId, caseNumber: recorded.caseNumber, transfer: { id: recorded.transferId, status: 'SUBMITTED' }, party: { name: '张伟' } });
    const suggestion = await client.graphql(SUGGESTION, { id: recorded.suggestionId }, callers.procurator);
    expect(suggestion.data.suggestion).toMatchObject({ id: recorded.suggestionId, kind: 'CORRECTION', content: '对涉嫌犯罪案件应当依法及时移送' });
    // The restored log, with the checkpoints its witness cosigned before the backup (and the new
    // entry of the read above, appended to the same chain).
    const report = await verifyAuditLog(restoredUrl('gateway'), { witnessUrl: restoredUrl('procuratorate'), publicKeysFile: second.environments.justice.HUB_PUBLIC_KEYS_FILE });
    expect(report).toMatchObject({ ok: true, cosignaturesChecked: true });
    expect(report.entries).toBeGreaterThanOrEqual(recorded.auditEntries);
    expect(report.witnessedSize).toBeGreaterThanOrEqual(recorded.auditEntries);
  }, 180_000); // boots a second hub of eight subgraphs, as the hooks of other files do (hookTimeout)
});
