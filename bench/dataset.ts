// The benchmark's synthetic dataset: bureaus of both agency kinds in several regions, and a pool
// of parties (repeat offenders included) whose case rows are generated in SQL by case number i.
import { evaluateDirectly, partyInput } from '../kit/crypto/oprf';
import { readOprfKeyFile } from '../kit/crypto/oprf-key-file';
import { creditCode, residentId } from '../scripts/demo-data';

/** Counties in four provinces; each gets a market-regulation and an eco-environment bureau. */
export const REGIONS = [
  { code: '320706', name: '连云港市海州区' }, { code: '320703', name: '连云港市连云区' },
  { code: '320707', name: '连云港市赣榆区' }, { code: '411302', name: '南阳市宛城区' },
  { code: '411303', name: '南阳市卧龙区' }, { code: '370705', name: '潍坊市奎文区' },
  { code: '370702', name: '潍坊市潍城区' }, { code: '440106', name: '广州市天河区' },
];

export const KINDS = [
  { prefix: 'MR', kind: 'MARKET_REGULATION', caseType: 'MarketRegulationCase', label: '市场监督管理局', subgraph: 'market-regulation' },
  { prefix: 'EE', kind: 'ECO_ENVIRONMENT', caseType: 'EcoEnvironmentCase', label: '生态环境局', subgraph: 'eco-environment' },
] as const;

export interface BenchBureau { code: string; name: string; kind: string; region: string; kindIndex: number }

/** Bureau b = i % BUREAUS.length owns case i; kinds alternate, so (i % 16) % 2 is the case's kind. */
export const BUREAUS: BenchBureau[] = REGIONS.flatMap((r) => KINDS.map((k, kindIndex) => ({
  code: `${k.prefix}-${r.code}`, name: `${r.name}${k.label}`, kind: k.kind, region: r.code, kindIndex,
})));

/** A transfer to public security for every fifth case (i % 5 = 0); a supervision matter on every other of those (i % 10 = 5). */
export const TRANSFER_EVERY = 5;
export const SUPERVISION_EVERY = 10;
/** A case in the procurator's county (320706) with a transfer and a supervision matter: the first answers are compared on it. */
export const SAMPLE_CASE = 145;

/** The callers of the query mix: a procurator with a reason, an officer of a bureau, the public. */
export const PROCURATOR = { role: 'procurator' as const, org: 'PROC-320706', region: '320706', sub: 'bench:procurator' };
export const OFFICER = { role: 'agency_officer' as const, org: 'MR-320706', region: '320706', sub: 'bench:officer' };
export const REASON = 'bench';

export interface PoolParty { j: number; kind: string; name: string; idNumber: string; address: string; key: string }

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超'];
const TRADES = ['商贸', '化工', '电子', '食品', '建材', '纺织', '物流', '印染'];

/** Parties repeat across cases like repeat offenders do: a pool a quarter the size of the dataset. */
export function poolSize(totalCases: number): number {
  return Math.max(1000, Math.min(250_000, Math.ceil(totalCases / 4)));
}

const pools = new Map<string, PoolParty[]>();

/**
 * The pool, identifiers valid (GB 11643 / GB 32100), with the index's party reference of each
 * (justice's OPRF key). Made once per size and key in a process: one OPRF evaluation per party is
 * most of a large seed's client time, and the seed and the party comparison need the same pool.
 */
export function partyPool(size: number, partyRefKeyFile: string): PoolParty[] {
  const id = `${size}:${partyRefKeyFile}`;
  if (!pools.has(id)) pools.set(id, makePool(size, partyRefKeyFile));
  return pools.get(id)!;
}

function makePool(size: number, partyRefKeyFile: string): PoolParty[] {
  const key = readOprfKeyFile(partyRefKeyFile);
  return Array.from({ length: size }, (_, j) => {
    const region = REGIONS[j % REGIONS.length];
    const person = j % 10 < 7;
    const idNumber = person
      ? residentId(region.code, `${1955 + (j % 45)}${String(1 + (j % 12)).padStart(2, '0')}${String(1 + (j % 28)).padStart(2, '0')}`, j % 1000)
      : creditCode(region.code, `MA${String(j).padStart(7, '0')}`);
    const name = person
      ? `${SURNAMES[j % SURNAMES.length]}${GIVEN[(j >> 3) % GIVEN.length]}${j % 3 ? '' : GIVEN[(j >> 5) % GIVEN.length]}`
      : `${region.name.slice(0, 3)}${TRADES[j % TRADES.length]}有限公司${j}`;
    const kind = person ? 'NATURAL_PERSON' : 'ORGANIZATION';
    return { j, kind, name, idNumber, address: `${region.name}朝阳路${1 + (j % 300)}号`, key: evaluateDirectly(key, partyInput(kind, idNumber)) };
  });
}
