// Bulk seeding straight into each owner's database (GraphQL would take hours for 10^6 cases):
// the directory once, then cases in chunks, every owner in parallel, ANALYZE at the end.
import pg from 'pg';
import { BUREAUS, KINDS, partyPool, poolSize, type PoolParty } from './dataset';
import { agencySql, indexSql, POOL_INSERT, POOL_TABLE, SUPERVISION_SQL, TRANSFER_SQL } from './seed-sql';
import { ProgressBar } from './progress';
import { ownerSealing, resealBatch } from '../kit/at-rest';
import { PARTY_AT_REST } from '../subgraphs/agencies/kit/party';

export interface SeedTarget {
  /** Connection URL of a database. */
  url(database: string): string;
  /** Database of each subgraph (hub.databases). */
  databases: Record<string, string>;
  /** Justice's OPRF key file: the seeded index holds the references the agencies' relays would make. */
  partyRefKeyFile: string;
  /** Each agency's key-encryption key file: seeded parties are sealed at rest as the agency would seal them. */
  dataKekFile?: (owner: string) => string;
}

const CHUNK = 50_000;

/** The agency's plain seeded parties sealed under its data key, in batches (what its start-up pass would do). */
async function sealSeeded(target: SeedTarget, owner: string): Promise<void> {
  const { runtime, close } = await ownerSealing(owner, target.url(target.databases[owner]), { DATA_KEK_FILE: target.dataKekFile!(owner), CRYPTO_PROFILE: process.env.CRYPTO_PROFILE });
  try {
    while (await resealBatch(runtime, PARTY_AT_REST, 2000) > 0);
  } finally {
    await close();
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('SET synchronous_commit = off');
  return client;
}

async function columnsOf(client: pg.Client, table: string): Promise<Set<string>> {
  const { rows } = await client.query('SELECT column_name FROM information_schema.columns WHERE table_name = $1', [table]);
  return new Set(rows.map((r) => r.column_name as string));
}

async function loadPool(client: pg.Client, pool: PoolParty[]): Promise<void> {
  await client.query(POOL_TABLE);
  for (let at = 0; at < pool.length; at += CHUNK) {
    const part = pool.slice(at, at + CHUNK);
    await client.query(POOL_INSERT, [part.map((p) => p.j), part.map((p) => p.kind), part.map((p) => p.name),
      part.map((p) => p.idNumber), part.map((p) => p.address), part.map((p) => p.key)]);
  }
}

/** The justice bureau's directory: the bureaus, three officers and four power items each. */
export async function seedDirectory(justice: pg.Client): Promise<void> {
  for (const b of BUREAUS) {
    await justice.query('INSERT INTO agency (code, name, kind, region) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [b.code, b.name, b.kind, b.region]);
    for (let n = 1; n <= 3; n++) {
      await justice.query(`INSERT INTO officer (agency_code, name, certificate_number, category) VALUES ($1, $2, $3, '行政执法')
        ON CONFLICT DO NOTHING`, [b.code, `执法员${n}号`, `${b.code}-ZF-${String(n).padStart(4, '0')}`]);
    }
    // Four power items (权责清单) per bureau, numbered by its kind (CF-001… market regulation, CF-101… eco-environment, …).
    const k = KINDS[b.kindIndex];
    const number = (n: number) => String(b.kindIndex * 100 + n).padStart(3, '0');
    const powers = [[`CF-${number(1)}`, `对${k.causes[0]}的行政处罚`], [`CF-${number(2)}`, `对${k.causes[1]}的行政处罚`],
      [`JC-${number(1)}`, `${k.label.replace(/局$/, '')}监督检查`], [`QZ-${number(1)}`, '查封扣押涉案物品']];
    for (const [code, name] of powers) {
      const actType = code.startsWith('CF') ? 'ADMINISTRATIVE_PENALTY' : code.startsWith('JC') ? 'ADMINISTRATIVE_INSPECTION' : 'ADMINISTRATIVE_COERCION';
      await justice.query(`INSERT INTO power_item (agency_code, code, name, act_type, legal_basis) VALUES ($1, $2, $3, $4, '《中华人民共和国行政处罚法》')
        ON CONFLICT DO NOTHING`, [b.code, code, name, actType]);
    }
  }
}

export interface SeedRange {
  /** Cases numbered from..to (1-based, inclusive) are written; earlier calls wrote the ones before. */
  from: number;
  to: number;
  /** The dataset's final size: the party pool depends on it, so incremental seeding stays consistent. */
  total: number;
  /** The seed's notion of now (the same for every call of one run). */
  now: Date;
}

/** Writes cases from..to into every owner's database; returns the seconds it took. */
export async function seedCases(target: SeedTarget, range: SeedRange, label = 'seeding'): Promise<number> {
  const started = Date.now();
  const agencyNames = KINDS.map((k) => k.subgraph);
  const owners = ['justice', ...agencyNames, 'public-security', 'procuratorate'];
  const clients = Object.fromEntries(await Promise.all(owners.map(async (o) => [o, await connect(target.url(target.databases[o]))] as const)));
  try {
    const pool = partyPool(poolSize(range.total), target.partyRefKeyFile);
    await Promise.all(['justice', ...agencyNames].map((o) => loadPool(clients[o], pool)));
    await seedDirectory(clients.justice);
    const agencyStatements = Object.fromEntries(await Promise.all(agencyNames.map(async (o, kind) => [o, agencySql(await columnsOf(clients[o], 'enforcement_case'), kind)] as const)));
    const index = indexSql(await columnsOf(clients.justice, 'case_index'), await columnsOf(clients.justice, 'case_transfer_state'));
    const bar = new ProgressBar(label, range.to - range.from + 1);
    for (let lo = range.from; lo <= range.to; lo += CHUNK) {
      const hi = Math.min(range.to, lo + CHUNK - 1);
      const params = [lo, hi, range.now, pool.length];
      await Promise.all([
        clients.justice.query(index, params),
        ...agencyNames.map(async (o) => {
          for (const sql of agencyStatements[o]) await clients[o].query(sql, params);
          // Sealed at rest, as the agency writes its parties (kit/at-rest.ts).
          if (target.dataKekFile) await sealSeeded(target, o);
        }),
        clients['public-security'].query(TRANSFER_SQL, params),
        clients.procuratorate.query(SUPERVISION_SQL, params),
      ]);
      bar.update(hi - range.from + 1);
    }
    bar.done();
    process.stderr.write(`${label}: ANALYZE…\n`);
    await Promise.all(owners.map((o) => clients[o].query('ANALYZE')));
  } finally {
    await Promise.all(Object.values(clients).map((c) => c.end()));
  }
  return (Date.now() - started) / 1000;
}

/** Removes the seed's helper table (kept between incremental calls of one run). */
export async function dropPool(target: SeedTarget): Promise<void> {
  for (const o of ['justice', ...KINDS.map((k) => k.subgraph)]) {
    const client = await connect(target.url(target.databases[o]));
    try { await client.query('DROP TABLE IF EXISTS bench_pool'); } finally { await client.end(); }
  }
}

/** Case ids by number, as the seed generates them (md5 of the case's name as a uuid). */
export async function caseIds(target: SeedTarget, numbers: number[]): Promise<string[]> {
  const client = await connect(target.url(target.databases.justice));
  try {
    const { rows } = await client.query(`SELECT md5('bench-case-' || n)::uuid::text AS id FROM unnest($1::int[]) AS n`, [numbers]);
    return rows.map((r) => r.id as string);
  } finally {
    await client.end();
  }
}
