// What opening sealed personal fields costs (issue 16: "the benchmark reports the cost of
// decryption per request (CPU) against plain storage"), run by `npm run bench` after the gateways.
//
//   per request   on the hub's own gateway, the unified case query and the 50-case page twice:
//                 `sealed` asks the party's name and ID number (each is opened by the owning agency
//                 subgraph, released and recorded: 个人信息保护法 第51条), `plain` is the same query
//                 asking the party's kind only: the same rows read from the same tables by the same
//                 statements, nothing opened, nothing released. The owning subgraphs' CPU per
//                 request (market-regulation + eco-environment) of sealed minus plain is the cost of
//                 the opening with its release bookkeeping; both profiles, the commercial one after
//                 the sealing owners are restarted with CRYPTO_PROFILE=commercial (their start-up
//                 pass re-seals every row under an SM4 data key).
//   opens         per request, counted on a sample of answers: every name or ID number answered
//                 was opened once (a masked one too: it is opened, then masked).
//   per open      in this process, kit/crypto/aead.ts's open of a sealed ID number and name, CPU
//                 time over many opens, per profile (AES-256-GCM; SM4-CTR + HMAC-SM3).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cryptoProfile, PROFILE_NAMES, type ProfileName } from '../kit/crypto/profiles';
import { open, seal } from '../kit/crypto/aead';
import { envOf } from '../kit/module';
import { SUBGRAPHS } from '../subgraphs/index';
import type { BenchHub } from './hub';
import { measureAll, type LoadSettings, type Measurement } from './measure';
import type { QuerySpec } from './queries';

/** The owners whose parties the measured queries open (the case query spans both kinds of bureau). */
const OWNING = ['market-regulation', 'eco-environment'];
const SEALING = SUBGRAPHS.filter((s) => envOf(s).some((v) => v.name === 'DATA_KEK_FILE')).map((s) => s.name);
const RELEASED = /party\s*\{\s*name idNumber\s*\}/;

export interface AtRestQueryCost {
  query: string;
  opensPerRequest: number;
  /** CPU ms per request of the owning subgraphs, sealed (fields opened) and plain (fields not asked). */
  owningSealedMs: number;
  owningPlainMs: number;
  owningDifferenceMs: number;
  /** Whole hub (gateway, subgraphs, PostgreSQL), the same two. */
  totalSealedMs: number;
  totalPlainMs: number;
  /** The difference per open (owning subgraphs). */
  differencePerOpenMs: number | null;
  rps: { sealed: number; plain: number };
}

export interface AtRestReport {
  plain: string;
  perRequest: Record<ProfileName, AtRestQueryCost[]>;
  perOpen: Record<ProfileName, { algorithm: string; opens: number; cpuUsPerOpen: number }>;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
/** The hub gateway's GraphQL endpoint (its base URL answers 404). */
const graphqlUrl = (bench: BenchHub) => new URL('/graphql', bench.hub.gatewayUrl).toString();
const owningMs = (m: Measurement) => OWNING.reduce((sum, o) => sum + (m.cpuMsPerRequest[o] ?? 0), 0);

/** CPU microseconds per open of a sealed ID number and a sealed name under each profile's AEAD (kit/crypto/aead.ts), in this process. */
export function cpuPerOpen(opens = 20_000): AtRestReport['perOpen'] {
  const out = {} as AtRestReport['perOpen'];
  for (const name of PROFILE_NAMES) {
    const algorithm = cryptoProfile(name).aead;
    const key = randomBytes(32);
    const sealed = Array.from({ length: 200 }, (_, i) => {
      const aad = `party.${i % 2 ? 'name' : 'id_number'}\n${i}`;
      return { aad, value: seal(algorithm, 'dk-fields-bench', key, i % 2 ? '司马晓燕' : `32070619880214${String(i).padStart(3, '0')}X`, aad) };
    });
    for (const s of sealed) open(s.value, () => key, s.aad); // warm (JIT)
    const before = process.cpuUsage();
    for (let i = 0; i < opens; i++) {
      const s = sealed[i % sealed.length];
      if (!open(s.value, () => key, s.aad)) throw new Error('a sealed value did not open');
    }
    const used = process.cpuUsage(before);
    out[name] = { algorithm, opens, cpuUsPerOpen: round((used.user + used.system) / opens, 2) };
  }
  return out;
}

/** Names and ID numbers in answers to a sample of requests: each was opened once. */
async function opensPerRequest(url: string, query: QuerySpec, samples = 20): Promise<number> {
  const ids: string[] = query.idsFile ? JSON.parse(readFileSync(query.idsFile, 'utf8')) : [];
  let opened = 0;
  for (let i = 0; i < samples; i++) {
    const variables = ids.length ? { ...query.variables, id: ids[i % ids.length] } : query.variables ?? {};
    const response = await fetch(url, { method: 'POST', headers: query.headers, body: JSON.stringify({ query: query.query, variables }) });
    const text = await response.text();
    opened += (text.match(/"(name|idNumber)":"[^"]/g) ?? []).length - (text.match(/"agency":\{"name":"[^"]/g) ?? []).length;
  }
  return opened / samples;
}

async function measureProfile(bench: BenchHub, queries: QuerySpec[], settings: LoadSettings): Promise<AtRestQueryCost[]> {
  const url = graphqlUrl(bench);
  const pairs = queries.map((q) => ({ sealed: q, plain: { ...q, name: `${q.name}-plain`, query: q.query.replace(RELEASED, 'party { kind }') } }));
  const measured = await measureAll(url, pairs.flatMap((p) => [p.sealed, p.plain]), settings, bench.sqlStatements, bench.dataDir, 'main');
  const out: AtRestQueryCost[] = [];
  for (const [i, pair] of pairs.entries()) {
    const [sealed, plain] = [measured[2 * i], measured[2 * i + 1]];
    // Figures of refused or failed requests would measure no opening at all.
    for (const m of [sealed, plain]) if (m.non2xx || m.transportErrors || m.graphqlErrors) throw new Error(`at rest: ${pair.sealed.name} had failed requests: ${JSON.stringify(m.errorSamples ?? [])}`);
    const opens = await opensPerRequest(url, pair.sealed);
    const difference = owningMs(sealed) - owningMs(plain);
    out.push({
      query: pair.sealed.name, opensPerRequest: opens,
      owningSealedMs: round(owningMs(sealed)), owningPlainMs: round(owningMs(plain)), owningDifferenceMs: round(difference),
      totalSealedMs: sealed.cpuMsPerRequest.total, totalPlainMs: plain.cpuMsPerRequest.total,
      differencePerOpenMs: opens ? round(difference / opens, 4) : null,
      rps: { sealed: round(sealed.rps, 0), plain: round(plain.rps, 0) },
    });
  }
  return out;
}

/** Restarts every sealing owner under `profile` and waits until the gateway answers `probe` without errors again. */
async function switchProfile(bench: BenchHub, profile: ProfileName, probe: QuerySpec) {
  await Promise.all(SEALING.map(async (name) => {
    bench.hub.environments[name].CRYPTO_PROFILE = profile;
    await bench.hub.stopSubgraph(name);
    await bench.hub.startSubgraph(name);
  }));
  const ids: string[] = probe.idsFile ? JSON.parse(readFileSync(probe.idsFile, 'utf8')) : [];
  const deadline = Date.now() + 180_000;
  let last = '';
  for (;;) {
    const response = await fetch(graphqlUrl(bench), { method: 'POST', headers: probe.headers, body: JSON.stringify({ query: probe.query, variables: { ...probe.variables, id: ids[0] } }) }).catch((e) => e as Error);
    last = response instanceof Error ? String(response) : await response.text();
    if (!(response instanceof Error) && response.ok && !last.includes('"errors"')) return;
    if (Date.now() > deadline) throw new Error(`the hub did not answer after the switch to ${profile}: ${last.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The cost of opening in both profiles on the running, seeded hub. `queries`: the mix's case and
 * page queries (their tokens, ids and reason). Leaves the sealing owners in the commercial profile.
 */
export async function atRestCost(bench: BenchHub, queries: QuerySpec[], settings: LoadSettings, log: (m: string) => void): Promise<AtRestReport> {
  const measured = queries.filter((q) => RELEASED.test(q.query));
  const perRequest = {} as AtRestReport['perRequest'];
  for (const profile of PROFILE_NAMES) {
    if (profile !== 'international') {
      log(`at rest: restarting ${SEALING.join(', ')} with CRYPTO_PROFILE=${profile} (every row re-sealed at start)`);
      await switchProfile(bench, profile, measured[0]);
    }
    log(`at rest (${profile}): ${measured.map((q) => `${q.name} sealed/plain`).join(', ')} on the hub's gateway`);
    await measureAll(graphqlUrl(bench), measured, { ...settings, warmupSec: 0, durationSec: Math.max(1, settings.warmupSec) }, bench.sqlStatements, bench.dataDir, 'main');
    perRequest[profile] = await measureProfile(bench, measured, settings);
    log(`at rest (${profile}): ${JSON.stringify(perRequest[profile])}`);
  }
  return {
    plain: 'the same query asking the party\'s kind instead of its name and ID number: the same rows and statements, nothing opened or released',
    perRequest, perOpen: cpuPerOpen(),
  };
}

/** The report's section. */
export function atRestMarkdown(report: AtRestReport | undefined): string[] {
  if (!report) return [];
  const f = (n: number | null, d = 3) => (n === null ? '—' : n.toFixed(d));
  return [
    '## Personal fields sealed at rest: the cost of opening (CPU ms per request)', '',
    `Owning subgraphs (market-regulation + eco-environment), on the hub's own gateway. Plain: ${report.plain}.`, '',
    '| profile | query | opens/request | owning sealed | owning plain | difference | per open | whole hub sealed | whole hub plain | req/s sealed / plain |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...Object.entries(report.perRequest).flatMap(([profile, rows]) => rows.map((r) => `| ${profile} | ${r.query} | ${f(r.opensPerRequest, 1)} | ${f(r.owningSealedMs)} | ${f(r.owningPlainMs)} | ${f(r.owningDifferenceMs)} | ${f(r.differencePerOpenMs, 4)} | ${f(r.totalSealedMs)} | ${f(r.totalPlainMs)} | ${r.rps.sealed} / ${r.rps.plain} |`)),
    '', 'In-process, one open of a sealed ID number or name (kit/crypto/aead.ts), CPU time:', '',
    '| profile | algorithm | opens | CPU µs per open |', '|---|---|---:|---:|',
    ...Object.entries(report.perOpen).map(([profile, o]) => `| ${profile} | ${o.algorithm} | ${o.opens} | ${o.cpuUsPerOpen} |`), '',
  ];
}
