// The benchmark's dataset covers every agency of the registry (schema/agencies.json), each case a
// function of its number i alone: run against the real schemas (each owner's migrations on the
// test run's PostgreSQL; no hub), the index hears each kind's figures and text as the registry
// declares them, and an agency's own fields hold values its own input rules accept, the same
// whether the cases are seeded at once or in parts.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { benchBureaus, BUREAUS, hasSupervisionMatter, isTransferred, KINDS, REGIONS, SAMPLE_CASE, sampleCase, partyPool } from '../bench/dataset';
import { agencySql, indexSql, POOL_INSERT, POOL_TABLE } from '../bench/seed-sql';
import { seedDirectory } from '../bench/seed';
import { openDatabase, StatementCounter } from '../kit/database';
import { ensureOprfKeyFile } from '../kit/crypto/oprf-key-file';
import { dropDatabases, ensureDatabases, externalPostgres } from '../scripts/hub/postgres';
import { AGENCY_KINDS } from '../subgraphs/agencies/registry';
import { readOwnField } from '../subgraphs/agencies/kit/fields';
import { subgraphNamed } from '../subgraphs/index';

// Twelve cases of each bureau: its fifth (n = 5) is under supervision, the sample case among them.
const CASES = 12 * BUREAUS.length;
const NOW = new Date('2026-11-20T02:00:00Z');
const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('the benchmark dataset of every agency', () => {
  it('has every agency of the registry, in its order, with a bureau in every region', () => {
    expect(KINDS.map((k) => [k.subgraph, k.kind, k.caseType])).toEqual(AGENCY_KINDS.map((k) => [k.name, k.kind, k.caseType]));
    expect(BUREAUS).toHaveLength(REGIONS.length * KINDS.length);
    expect(new Set(BUREAUS.map((b) => b.code)).size).toBe(BUREAUS.length);
    for (const r of REGIONS) expect(sorted(BUREAUS.filter((b) => b.region === r.code).map((b) => b.kind))).toEqual(sorted(AGENCY_KINDS.map((k) => k.kind)));
  });

  it('compares first answers on a case of the procurator\'s county with a transfer and a supervision matter', () => {
    expect(BUREAUS[SAMPLE_CASE % BUREAUS.length].region).toBe('320706');
    expect([isTransferred(SAMPLE_CASE), hasSupervisionMatter(SAMPLE_CASE)]).toEqual([true, true]);
  });

  // Five kinds in eight regions make 40 bureaus: chosen by i % 10, the matters would all fall to
  // bureaus i % 40 ∈ {5, 15, 25, 35}, none in the procurator's county (and the search for a sample looped).
  it.each([1, 2, 3, 4, 5, 6])('gives every bureau transfers and supervision matters with %i kinds', (count) => {
    const kinds = Array.from({ length: count }, (_, n) => ({ ...KINDS[n % KINDS.length], prefix: `K${String.fromCharCode(65 + n)}` }));
    const bureaus = benchBureaus(kinds);
    for (let b = 0; b < bureaus.length; b++) {
      const cases = Array.from({ length: 10 }, (_, n) => n * bureaus.length + b);
      expect(cases.filter((i) => isTransferred(i, bureaus)), bureaus[b].code).toHaveLength(2);
      expect(cases.filter((i) => hasSupervisionMatter(i, bureaus)), bureaus[b].code).toHaveLength(1);
    }
    const sample = sampleCase(bureaus);
    expect(bureaus[sample % bureaus.length].region).toBe('320706');
    expect(hasSupervisionMatter(sample, bureaus)).toBe(true);
  });

  describe('seeded into the owners\' own schemas', () => {
    const server = externalPostgres(inject('postgresAdminUrl'));
    const prefix = `bs${randomBytes(4).toString('hex')}_`;
    const owners = ['justice', ...KINDS.map((k) => k.subgraph)];
    const name = (owner: string) => `${prefix}${owner.replace(/-/g, '_')}`;
    const sources: DataSource[] = [];
    const clients: Record<string, pg.Client> = {};
    let keyDir: string;
    let poolLength: number;
    const params = (from: number, to: number) => [from, to, NOW, poolLength];

    beforeAll(async () => {
      await ensureDatabases(server, owners.map(name));
      for (const owner of owners) {
        const module = subgraphNamed(owner);
        sources.push(await openDatabase({ url: server.url(name(owner)), entities: module.entities ?? [], migrations: module.migrations ?? [], counter: new StatementCounter(), poolSize: 1 }));
        clients[owner] = new pg.Client({ connectionString: server.url(name(owner)) });
        await clients[owner].connect();
      }
      keyDir = mkdtempSync(join(tmpdir(), 'bench-seed-'));
      const keyFile = join(keyDir, 'party-ref-key.json');
      ensureOprfKeyFile(keyFile);
      const pool = partyPool(200, keyFile);
      poolLength = pool.length;
      for (const owner of owners) {
        await clients[owner].query(POOL_TABLE);
        await clients[owner].query(POOL_INSERT, [pool.map((p) => p.j), pool.map((p) => p.kind), pool.map((p) => p.name), pool.map((p) => p.idNumber), pool.map((p) => p.address), pool.map((p) => p.key)]);
      }
    }, 120_000);
    afterAll(async () => {
      await Promise.all(Object.values(clients).map((c) => c.end()));
      await Promise.all(sources.map((s) => s.destroy()));
      await dropDatabases(server, owners.map(name));
      if (keyDir) rmSync(keyDir, { recursive: true, force: true });
    });

    const columnsOf = async (client: pg.Client, table: string) =>
      new Set((await client.query('SELECT column_name FROM information_schema.columns WHERE table_name = $1', [table])).rows.map((r) => r.column_name as string));

    it('tells the index each kind\'s case type, figures and text fields as the registry declares them', async () => {
      const justice = clients.justice;
      await seedDirectory(justice);
      await justice.query(indexSql(await columnsOf(justice, 'case_index'), await columnsOf(justice, 'case_transfer_state')), params(1, CASES));
      const { rows } = await justice.query(`SELECT case_type, agency_code, figures, attributes FROM case_index`);
      expect(rows).toHaveLength(CASES);
      for (const k of AGENCY_KINDS) {
        const ofKind = rows.filter((r) => r.case_type === k.caseType);
        expect(ofKind, k.caseType).toHaveLength(CASES / KINDS.length);
        expect(new Set(ofKind.map((r) => r.agency_code.split('-')[0]))).toEqual(new Set([k.bureauPrefix]));
        for (const r of ofKind) {
          expect(sorted(Object.keys(r.figures))).toEqual(sorted(k.figures));
          expect(sorted(Object.keys(r.attributes))).toEqual(sorted(k.attributes));
        }
      }
      // The index's copy of where each case stands: the sample case transferred and under supervision.
      const [sample] = (await justice.query(`SELECT md5('bench-case-' || $1::int)::uuid AS id`, [SAMPLE_CASE])).rows;
      expect((await justice.query('SELECT 1 FROM case_transfer_state WHERE case_id = $1', [sample.id])).rows).toHaveLength(1);
      expect((await justice.query('SELECT 1 FROM case_supervision_state WHERE case_id = $1', [sample.id])).rows).toHaveLength(1);
      // A figure counted by category (刑法 第三百四十二条: 亩 of 永久基本农田 or of other 耕地) is sent only under its category's.
      const land = rows.filter((r) => r.case_type === 'NaturalResourcesCase');
      expect(land.every((r) => r.figures.occupiedBasicFarmlandMu === null || r.figures.occupiedFarmlandMu === null)).toBe(true);
      expect(land.some((r) => r.figures.occupiedBasicFarmlandMu !== null)).toBe(true);
    });

    it.each(KINDS.map((k, index) => [k.subgraph, index] as const))('fills %s\'s own fields with values its rules accept, the same seeded at once or in parts', async (owner, index) => {
      const client = clients[owner];
      const statements = agencySql(await columnsOf(client, 'enforcement_case'), index);
      // A date as its text: the calendar day, whatever the process's time zone.
      const ownColumns = KINDS[index].fields.map((f) => (f.type === 'date' ? `${f.column}::text AS ${f.column}` : f.column));
      const read = async () => (await client.query(`SELECT case_number, cause, agency_code, ${ownColumns.join(', ')} FROM enforcement_case ORDER BY case_number`)).rows;
      const seed = async (from: number, to: number) => { for (const sql of statements) await client.query(sql, params(from, to)); };
      await seed(1, CASES);
      const atOnce = await read();
      expect(atOnce).toHaveLength(CASES / KINDS.length);
      expect(new Set(atOnce.map((r) => r.agency_code.split('-')[0]))).toEqual(new Set([KINDS[index].prefix]));
      for (const row of atOnce) {
        for (const f of KINDS[index].fields) {
          const value = f.type === 'amount' || f.type === 'quantity' ? Number(row[f.column]) : row[f.column];
          expect(value, `${owner} ${f.name}`).not.toBeNull();
          expect(() => readOwnField(f, value, NOW), `${owner} ${f.name} = ${value}`).not.toThrow();
        }
      }
      await client.query('DELETE FROM enforcement_case');
      await client.query('DELETE FROM party');
      await seed(1, CASES / 2);
      await seed(CASES / 2 + 1, CASES);
      expect(await read()).toEqual(atOnce);
    });
  });
});
