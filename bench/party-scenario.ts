// The party-reference section of `npm run bench` (issue 17), run on the seeded dataset right after
// seeding: do partyCases and the repeat-offender alerts give the answers they gave before keyed
// references (the seed's ground truth: which party has which cases), and what does the OPRF cost
// per indexed case and per lookup (bench/party-refs.ts)?
//
// Ground truth: case i belongs to pool party j = i·2654435761 mod |pool| (bench/seed-sql.ts, the
// `j` column); the index holds the reference justice's OPRF key gives that party (dataset.ts).
import pg from 'pg';
import type { BenchHub } from './hub';
import { partyPool, poolSize, REASON, type PoolParty } from './dataset';
import { measureOprfCost, type OprfCost } from './party-refs';
import { mintDevToken } from '../gateway/dev-issuer';
import { PARTY_HISTORY_LIMIT, type IndexEvent, type PartyCase as EventPartyCase } from '../kit/messages/index-event';
import { alertsFor } from '../subgraphs/procuratorate/alerts';
import { evaluateRepeat, RULES, type PartyCase, type Rules } from '../subgraphs/procuratorate/thresholds';

const REGION = '320706';
const QUERY = 'query($i: String!, $k: PartyKind!) { partyCases(identifier: $i, kind: $k) { id } }';

export interface PartyReport {
  cases: number;
  parties: number;
  oprfCost: OprfCost;
  lookups: { made: number; region: string; casesCompared: number; mismatches: { party: number; expected: number; answered: number | string }[];
    wallMs: { median: number; p90: number; max: number } };
  alerts: { casesJudged: number; realRules: AlertCount; widenedRepeatRules: AlertCount; mismatches: string[] };
}
interface AlertCount { byIndex: number; byGroundTruth: number; byKind: Record<string, number> }

/** The pool party of case i (bench/seed-sql.ts: `(i::bigint * 2654435761 % $4)::int`); exact in doubles below 2^53. */
export const partyOfCase = (i: number, pool: number) => (i * 2654435761) % pool;

interface IndexRow {
  i: number; id: string; caseType: string; agencyCode: string; caseNumber: string; actType: string; offenceCode: string | null;
  amountInvolved: string | null; fineAmount: string | null; decidedAt: Date | null; conductAt: Date | null; cause: string | null;
  region: string; recordedAt: Date; partyKind: string | null; partyKey: string | null; figures: Record<string, number | null> | null;
  attributes: Record<string, string | null> | null;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());
const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * The seed's offence codes (CL100–CL149, HJ100–HJ149) meet none of schema/thresholds.json's repeat
 * rules (CL225 非法经营罪, CL338 污染环境罪 …), so the real rules alone would compare empty answers.
 * A widened copy counts too: the real CL225 version (二年内 two prior administrative penalties,
 * 公通字〔2022〕12号 第七十一条) applied to every seeded code, any seeded code of the same agency
 * kind counting as a prior. It exercises the cross-agency history the party reference groups.
 */
function widenedRepeatRules(): Rules {
  const model = RULES.repeatOffender.find((s) => s.offenceCode === 'CL225')!;
  const codes = (prefix: string) => Array.from({ length: 50 }, (_, n) => `${prefix}${100 + n}`);
  const sets = ['CL', 'HJ'].flatMap((prefix) => codes(prefix).map((offenceCode) => ({
    ...model, offenceCode, versions: model.versions.map((v) => ({ ...v, priorOffenceCodes: codes(prefix) })),
  })));
  return { ...RULES, repeatOffender: sets };
}

/** Which alerts a set of events raises, as comparable text (case, kind, rule, prior cases sorted). */
function judged(events: IndexEvent[], rules: Rules): { lines: Set<string>; byKind: Record<string, number> } {
  const lines = new Set<string>();
  const byKind: Record<string, number> = {};
  const note = (caseId: string, kind: string, rule: string, priors: string[]) => {
    lines.add(`${caseId} ${kind} ${rule} [${[...priors].sort().join(',')}]`);
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  };
  for (const e of events) {
    if (rules === RULES) {
      for (const a of alertsFor(e)) note(a.caseId, a.kind, a.hit.ruleCode, a.priorCaseIds);
    } else {
      // alertsFor's repeat step (subgraphs/procuratorate/alerts.ts) with the widened rules: this case and the party's later ones.
      const decidedAt = e.decidedAt ? new Date(e.decidedAt) : null;
      const history: PartyCase[] = [{ caseId: e.caseId, offenceCode: e.offenceCode, actType: e.actType, decidedAt, region: e.region },
        ...(e.partyCases ?? []).map((o) => ({ caseId: o.caseId, offenceCode: o.offenceCode, actType: o.actType, decidedAt: o.decidedAt ? new Date(o.decidedAt) : null, region: o.region }))];
      const only = (c: PartyCase) => c.caseId === e.caseId || (!!decidedAt && !!c.decidedAt && c.decidedAt > decidedAt);
      for (const hit of evaluateRepeat(history, rules, only)) note(hit.caseId, 'REPEAT_OFFENDER', hit.ruleCode, hit.priorCaseIds);
    }
  }
  return { lines, byKind };
}

/**
 * Repeat-offender (and 以罚代刑) alerts for every seeded case, judged by the procuratorate's own code
 * (alertsFor) on the IndexEvent justice would forward for it, twice: with the party's history read
 * from the index by its reference (justice's query in subgraphs/justice/case-events.ts,
 * forwardToSupervision), and with the history the seed's ground truth gives (the party's cases by
 * pool number). The event's own fields are the index row in both; only the party grouping differs.
 */
async function compareAlerts(justice: pg.Client, cases: number, pool: number): Promise<PartyReport['alerts']> {
  const { rows } = await justice.query<IndexRow>(`
    SELECT n.i, c.id::text, c.case_type AS "caseType", c.agency_code AS "agencyCode", c.case_number AS "caseNumber", c.act_type AS "actType",
      c.offence_code AS "offenceCode", c.amount_involved AS "amountInvolved", c.fine_amount AS "fineAmount", c.decided_at AS "decidedAt",
      c.conduct_at AS "conductAt", c.cause, c.region, c.recorded_at AS "recordedAt", c.party_kind AS "partyKind", c.party_key AS "partyKey",
      c.figures, c.attributes
    FROM generate_series(1, $1::int) AS n(i) JOIN case_index c ON c.id = md5('bench-case-' || n.i)::uuid`, [cases]);
  // By the reference: justice's history query, verbatim, for every party key in the index.
  const keys = [...new Set(rows.map((r) => r.partyKey).filter((k): k is string => !!k))];
  const { rows: history } = await justice.query<EventPartyCase & { partyKey: string; decidedAt: Date | null }>(`
    SELECT h.id AS "caseId", h.case_type AS "caseType", h.agency_code AS "agencyCode", h.region, h.offence_code AS "offenceCode",
      h.act_type AS "actType", h.decided_at AS "decidedAt", h.party_key AS "partyKey"
    FROM (SELECT c.*, row_number() OVER (PARTITION BY c.party_key ORDER BY c.decided_at DESC NULLS LAST, c.id) AS n
          FROM case_index c WHERE c.party_key = ANY($1)) h
    WHERE h.n <= $2`, [keys, PARTY_HISTORY_LIMIT + 1]);
  const byKey = new Map<string, EventPartyCase[]>();
  for (const { partyKey, ...h } of history) {
    if (!byKey.has(partyKey)) byKey.set(partyKey, []);
    byKey.get(partyKey)!.push({ ...h, decidedAt: iso(h.decidedAt) });
  }
  // By the ground truth: the party's cases by pool number, newest decision first, the same limit.
  const asPartyCase = (r: IndexRow): EventPartyCase => ({ caseId: r.id, caseType: r.caseType, agencyCode: r.agencyCode, region: r.region,
    offenceCode: r.offenceCode, actType: r.actType, decidedAt: iso(r.decidedAt) });
  const byParty = new Map<number, IndexRow[]>();
  for (const r of rows) {
    const j = partyOfCase(r.i, pool);
    if (!byParty.has(j)) byParty.set(j, []);
    byParty.get(j)!.push(r);
  }
  for (const list of byParty.values()) list.sort((a, b) => (b.decidedAt?.getTime() ?? -Infinity) - (a.decidedAt?.getTime() ?? -Infinity) || a.id.localeCompare(b.id));
  const event = (r: IndexRow, partyCases: EventPartyCase[]): IndexEvent => ({
    caseId: r.id, caseType: r.caseType, version: 1, agencyCode: r.agencyCode, caseNumber: r.caseNumber, actType: r.actType,
    offenceCode: r.offenceCode, amountInvolved: r.amountInvolved === null ? null : Number(r.amountInvolved),
    fineAmount: r.fineAmount === null ? null : Number(r.fineAmount), decidedAt: iso(r.decidedAt), conductAt: iso(r.conductAt), cause: r.cause,
    region: r.region, recordedAt: r.recordedAt.toISOString(), partyKind: r.partyKind, partyKey: r.partyKey,
    figures: r.figures ?? {}, attributes: r.attributes ?? {}, partyCases: partyCases.filter((c) => c.caseId !== r.id),
  });
  const byIndex = rows.map((r) => event(r, r.partyKey ? byKey.get(r.partyKey) ?? [] : []));
  const byTruth = rows.map((r) => event(r, byParty.get(partyOfCase(r.i, pool))!.slice(0, PARTY_HISTORY_LIMIT + 1).map(asPartyCase)));
  const mismatches: string[] = [];
  const compare = (rules: Rules): AlertCount => {
    const a = judged(byIndex, rules), b = judged(byTruth, rules);
    for (const line of a.lines) if (!b.lines.has(line)) mismatches.push(`only by the index: ${line}`);
    for (const line of b.lines) if (!a.lines.has(line)) mismatches.push(`only by the ground truth: ${line}`);
    return { byIndex: a.lines.size, byGroundTruth: b.lines.size, byKind: a.byKind };
  };
  return { casesJudged: rows.length, realRules: compare(RULES), widenedRepeatRules: compare(widenedRepeatRules()), mismatches: mismatches.slice(0, 20) };
}

/**
 * partyCases through the gateway, as a procurator of REGION types the number (blinded there), for
 * the region's parties with the most cases; expected: the party's cases in the region by the
 * ground truth, and the same read from the index by the party's reference.
 */
async function compareLookups(bench: BenchHub, justice: pg.Client, parties: Map<string, PoolParty>, cases: number, lookups: number): Promise<PartyReport['lookups']> {
  const pool = poolSize(cases);
  const { rows: top } = await justice.query(`SELECT party_key, party_kind FROM case_index WHERE region = $1 AND party_key IS NOT NULL
    GROUP BY party_key, party_kind ORDER BY count(*) DESC, party_key LIMIT $2`, [REGION, lookups]);
  const { rows: ids } = await justice.query(`SELECT n.i, md5('bench-case-' || n.i)::uuid::text AS id, c.region, c.party_key
    FROM generate_series(1, $1::int) AS n(i) JOIN case_index c ON c.id = md5('bench-case-' || n.i)::uuid`, [cases]);
  const truth = new Map<number, string[]>();
  const byKey = new Map<string, string[]>();
  for (const r of ids) {
    if (r.region !== REGION) continue;
    const j = partyOfCase(r.i, pool);
    truth.set(j, [...(truth.get(j) ?? []), r.id]);
    byKey.set(r.party_key, [...(byKey.get(r.party_key) ?? []), r.id]);
  }
  const mismatches: PartyReport['lookups']['mismatches'] = [];
  const millis: number[] = [];
  let casesCompared = 0;
  for (const [n, row] of top.entries()) {
    const party = parties.get(row.party_key)!;
    const expected = [...(truth.get(party.j) ?? [])].sort();
    const byReference = [...(byKey.get(row.party_key) ?? [])].sort();
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
    if (!answered || JSON.stringify(answered) !== JSON.stringify(expected) || JSON.stringify(byReference) !== JSON.stringify(expected)) {
      mismatches.push({ party: party.j, expected: expected.length, answered: answered?.length ?? (body.errors?.[0]?.message ?? 'no answer') });
    }
  }
  millis.sort((a, b) => a - b);
  return { made: top.length, region: REGION, casesCompared, mismatches,
    wallMs: { median: round(millis[Math.floor(millis.length / 2)]), p90: round(millis[Math.floor(millis.length * 0.9)]), max: round(millis[millis.length - 1]) } };
}

/** The whole section, on a hub seeded with `cases` cases (seedCases with total = cases). */
export async function partyScenario(bench: BenchHub, cases: number, log: (m: string) => void, lookups = 40): Promise<PartyReport> {
  let since = Date.now();
  const took = () => { const s = ((Date.now() - since) / 1000).toFixed(1); since = Date.now(); return `${s} s`; };
  log('party references: the OPRF cost per indexed case and per lookup (CPU)');
  const oprfCost = measureOprfCost(500, 100);
  log(`party references: ${JSON.stringify(oprfCost)} (${took()})`);
  const parties = new Map(partyPool(poolSize(cases), bench.seedTarget.partyRefKeyFile).map((p) => [p.key, p]));
  const justice = new pg.Client({ connectionString: bench.seedTarget.url(bench.seedTarget.databases.justice) });
  await justice.connect();
  try {
    log(`party references: ${lookups} partyCases lookups through the gateway against the seed's ground truth`);
    const lookupReport = await compareLookups(bench, justice, parties, cases, lookups);
    log(`party references: lookups ${JSON.stringify(lookupReport)} (${took()})`);
    log('party references: alerts of every seeded case, history by reference against history by ground truth');
    const alerts = await compareAlerts(justice, cases, poolSize(cases));
    log(`party references: alerts ${JSON.stringify(alerts)} (${took()})`);
    return { cases, parties: poolSize(cases), oprfCost, lookups: lookupReport, alerts };
  } finally {
    await justice.end();
  }
}

export function partyMarkdown(p: PartyReport | undefined): string[] {
  if (!p) return [];
  const c = p.oprfCost;
  const a = p.alerts;
  const kinds = (k: Record<string, number>) => Object.entries(k).map(([kind, n]) => `${n} ${kind}`).join(', ') || 'none';
  return [
    '## Party references (issue 17)', '',
    `OPRF ${c.suite}, CPU time of the OPRF work alone (the HTTP round trips are in the tables above).`, '',
    '| item | sender side CPU ms | justice CPU ms | total CPU ms |', '|---|---:|---:|---:|',
    `| per indexed case (agency relay; batches of ${c.perIndexedCase.batch}, ${c.perIndexedCase.cases} cases) | ${c.perIndexedCase.agencyCpuMs} | ${c.perIndexedCase.justiceCpuMs} | ${c.perIndexedCase.totalCpuMs} |`,
    `| per lookup (gateway; ${c.perLookup.lookups} lookups) | ${c.perLookup.gatewayCpuMs} | ${c.perLookup.justiceCpuMs} | ${c.perLookup.totalCpuMs} |`, '',
    `Same answers as the seed's ground truth on ${p.cases.toLocaleString('en')} cases (${p.parties.toLocaleString('en')} parties):`, '',
    `- partyCases through the blinding gateway, a procurator of ${p.lookups.region}, the region's ${p.lookups.made} most frequent parties: `
      + `${p.lookups.casesCompared} cases compared, ${p.lookups.mismatches.length} mismatches; wall ms per lookup median ${p.lookups.wallMs.median}, p90 ${p.lookups.wallMs.p90}, max ${p.lookups.wallMs.max}.`,
    `- alerts of all ${a.casesJudged.toLocaleString('en')} cases judged by the procuratorate's alertsFor, party history by reference vs by ground truth: `
      + `schema/thresholds.json ${a.realRules.byIndex} vs ${a.realRules.byGroundTruth} (${kinds(a.realRules.byKind)}); `
      + `repeat rule widened to the seeded offence codes ${a.widenedRepeatRules.byIndex} vs ${a.widenedRepeatRules.byGroundTruth} (${kinds(a.widenedRepeatRules.byKind)}); `
      + `${a.mismatches.length} mismatches.`,
    ...a.mismatches.map((m) => `  - ${m}`), '',
  ];
}
