// npx tsx bench/party-lookup-compare.ts [cases] [lookups]: partyCases on a seeded dataset (issue 17).
// Each lookup goes through the gateway as a procurator types it, blinded there (the number never
// reaches justice); its answer is compared with the index read directly by the reference justice
// computed from the number before (its OPRF key applied to kind:identifier, the dataset's pool
// holds it), within the procurator's region — the answer partyCases gave before blinding. Reports
// the mismatches (expected: none) and the wall time per lookup.
import pg from 'pg';
import { bootBenchHub } from './hub';
import { dropPool, seedCases } from './seed';
import { partyPool, poolSize, REASON } from './dataset';
import { mintDevToken } from '../gateway/dev-issuer';

const cases = Number(process.argv[2] ?? 20_000);
const lookups = Number(process.argv[3] ?? 60);
const REGION = '320706';
const QUERY = 'query($i: String!, $k: PartyKind!) { partyCases(identifier: $i, kind: $k) { id } }';

const bench = await bootBenchHub();
try {
  const now = new Date();
  const seedSeconds = await seedCases(bench.seedTarget, { from: 1, to: cases, total: cases, now }, `seeding ${cases.toLocaleString('en')}`);
  await dropPool(bench.seedTarget);
  const pool = new Map(partyPool(poolSize(cases), bench.seedTarget.partyRefKeyFile).map((p) => [p.key, p]));
  const justice = new pg.Client({ connectionString: bench.seedTarget.url(bench.seedTarget.databases.justice) });
  await justice.connect();
  try {
    // The parties with the most cases in the procurator's region first: repeat offenders.
    const { rows: parties } = await justice.query(`SELECT party_key, party_kind FROM case_index WHERE region = $1 AND party_key IS NOT NULL
      GROUP BY party_key, party_kind ORDER BY count(*) DESC, party_key LIMIT $2`, [REGION, lookups]);
    const mismatches: { party: number; expected: number; answered: number | string }[] = [];
    const millis: number[] = [];
    let casesCompared = 0;
    for (const [n, row] of parties.entries()) {
      const party = pool.get(row.party_key)!;
      const { rows } = await justice.query(`SELECT id FROM case_index WHERE party_key = $1 AND party_kind = $2 AND region = $3`, [row.party_key, row.party_kind, REGION]);
      const expected = rows.map((r) => r.id).sort();
      // One caller per lookup: the per-caller limit (10 a minute) is not what is measured here.
      const token = await mintDevToken(bench.dataDir, { role: 'procurator', org: `PROC-${REGION}`, region: REGION, sub: `bench:lookup-${n}` }, '1h');
      const started = performance.now();
      const response = await fetch(`${bench.hub.gatewayUrl}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-access-reason': REASON },
        body: JSON.stringify({ query: QUERY, variables: { i: party.idNumber, k: party.kind } }),
      });
      const body = (await response.json()) as { data?: { partyCases: { id: string }[] | null }; errors?: { message: string }[] };
      millis.push(performance.now() - started);
      const answered = body.data?.partyCases?.map((c) => c.id).sort();
      casesCompared += expected.length;
      if (!answered || JSON.stringify(answered) !== JSON.stringify(expected)) {
        mismatches.push({ party: party.j, expected: expected.length, answered: answered?.length ?? (body.errors?.[0]?.message ?? 'no answer') });
      }
    }
    millis.sort((a, b) => a - b);
    const round = (ms: number) => Math.round(ms * 10) / 10;
    console.log(JSON.stringify({
      dataset: { cases, parties: pool.size, seedSeconds: Math.round(seedSeconds) },
      lookups: { made: parties.length, casesCompared, mismatches, wallMs: { median: round(millis[Math.floor(millis.length / 2)]), p90: round(millis[Math.floor(millis.length * 0.9)]), max: round(millis[millis.length - 1]) } },
    }, null, 2));
  } finally {
    await justice.end();
  }
} finally {
  await bench.stop();
}
