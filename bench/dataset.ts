// The benchmark's synthetic dataset: a bureau of every agency of the registry (schema/agencies.json)
// in several regions, and a pool of parties (repeat offenders included) whose case rows are
// generated in SQL by case number i. An agency onboarded with `npm run agency:new` gets its bureaus
// and cases, its own fields filled, with no edit here.
import { evaluateDirectly, partyInput } from '../kit/crypto/oprf';
import { readOprfKeyFile } from '../kit/crypto/oprf-key-file';
import { creditCode, residentId } from '../scripts/demo-data';
import { AGENCY_KINDS, type AgencyKind } from '../subgraphs/agencies/registry';
import { OWN_FIELDS } from '../subgraphs/agencies/kit/define';
import type { OwnField } from '../subgraphs/agencies/kit/fields';
// Every agency defined (its folder's defineAgency), so OWN_FIELDS holds each one's fields.
import '../subgraphs/index';

/** Counties in four provinces; each gets a bureau of every agency kind. */
export const REGIONS = [
  { code: '320706', name: '连云港市海州区' }, { code: '320703', name: '连云港市连云区' },
  { code: '320707', name: '连云港市赣榆区' }, { code: '411302', name: '南阳市宛城区' },
  { code: '411303', name: '南阳市卧龙区' }, { code: '370705', name: '潍坊市奎文区' },
  { code: '370702', name: '潍坊市潍城区' }, { code: '440106', name: '广州市天河区' },
];

/**
 * What a kind's cases say beyond its own fields: six 案由 (spread over its cases), the prefix of
 * its offence codes and the article its penalties cite. The first four agencies have their own; a
 * kind onboarded later gets plain ones made from its label (flavour only: the list's filters and
 * sorts read the kit's columns).
 */
export interface KindFlavour { causes: string[]; offencePrefix: string; legalBasis: string }
const FLAVOURS: Record<string, KindFlavour> = {
  MARKET_REGULATION: { causes: ['销售伪劣产品', '无照经营', '虚假广告', '生产经营不符合食品安全标准的食品', '未明码标价', '销售过期食品'],
    offencePrefix: 'CL', legalBasis: '《中华人民共和国产品质量法》第五十条' },
  ECO_ENVIRONMENT: { causes: ['超标排放污染物', '非法处置危险废物', '未批先建', '逃避监管排放污染物', '未设置危险废物识别标志', '夜间施工噪声扰民'],
    offencePrefix: 'HJ', legalBasis: '《中华人民共和国大气污染防治法》第九十九条' },
  EMERGENCY_MANAGEMENT: { causes: ['未履行安全生产管理职责', '未按规定开展安全生产教育和培训', '未采取措施消除事故隐患', '危险化学品未按规定储存', '发生一般生产安全事故', '特种作业人员未持证上岗'],
    offencePrefix: 'AQ', legalBasis: '《中华人民共和国安全生产法》第九十七条' },
  NATURAL_RESOURCES: { causes: ['未经批准非法占用耕地建房', '未取得采矿许可证擅自采矿', '超越批准的矿区范围采矿', '未经批准占用林地', '非法转让土地', '破坏性采矿'],
    offencePrefix: 'ZR', legalBasis: '《中华人民共和国土地管理法》第七十七条' },
};

function flavourOf(k: AgencyKind): KindFlavour {
  const field = k.label.replace(/局$/, '');
  return FLAVOURS[k.kind] ?? {
    causes: [`未经许可从事${field}经营活动`, `违反${field}管理规定`, `拒不执行${field}行政命令`, `超范围从事${field}经营活动`, `未按规定报送${field}材料`, `伪造${field}许可证件`],
    offencePrefix: k.bureauPrefix ?? k.kind, legalBasis: `《中华人民共和国行政处罚法》第二十八条 (${k.label})`,
  };
}

export interface BenchKind extends KindFlavour {
  prefix: string; kind: string; caseType: string; label: string; subgraph: string;
  /** Its own fields as its folder declares them (subgraphs/agencies/<name>/index.ts). */
  fields: OwnField[];
}

/** Every agency of the registry, in its order (market regulation 0, eco-environment 1, …). */
export function benchKinds(kinds: AgencyKind[] = AGENCY_KINDS): BenchKind[] {
  return kinds.map((k) => {
    const fields = OWN_FIELDS.get(k.name);
    if (!fields) throw new Error(`bench: agency ${k.name} of schema/agencies.json is not in subgraphs/index.ts`);
    // Every registry entry has a prefix (registry.ts); an agency announced at run time is no part of the seed.
    return { prefix: k.bureauPrefix!, kind: k.kind, caseType: k.caseType, label: k.label, subgraph: k.name, fields, ...flavourOf(k) };
  });
}

export const KINDS: BenchKind[] = benchKinds();

export interface BenchBureau { code: string; name: string; kind: string; region: string; kindIndex: number }

/** Every region × kind: bureau b = i % BUREAUS.length owns case i, and kinds alternate, so (i % B) % K is the case's kind. */
export function benchBureaus(kinds: BenchKind[] = KINDS): BenchBureau[] {
  return REGIONS.flatMap((r) => kinds.map((k, kindIndex) => ({
    code: `${k.prefix}-${r.code}`, name: `${r.name}${k.label}`, kind: k.kind, region: r.code, kindIndex,
  })));
}

export const BUREAUS: BenchBureau[] = benchBureaus();

/**
 * Case i is its bureau's case number n = i / B (i % B picks the bureau). A transfer to public
 * security for every fifth case of a bureau (n % 5 = 0); a supervision matter on every other of
 * those (n % 10 = 5). Chosen by n, not by i: with B a multiple of 10 (five kinds in eight regions),
 * i % 10 would give the matters to the same few bureaus and none to the procurator's county.
 */
export const TRANSFER_EVERY = 5;
export const SUPERVISION_EVERY = 10;
export const bureauCaseNumber = (i: number, bureaus: BenchBureau[] = BUREAUS) => Math.floor(i / bureaus.length);
export const isTransferred = (i: number, bureaus: BenchBureau[] = BUREAUS) => bureauCaseNumber(i, bureaus) % TRANSFER_EVERY === 0;
export const hasSupervisionMatter = (i: number, bureaus: BenchBureau[] = BUREAUS) => bureauCaseNumber(i, bureaus) % SUPERVISION_EVERY === SUPERVISION_EVERY / 2;

/**
 * A case in the procurator's county (320706) with a transfer and a supervision matter: the first
 * answers are compared on it. The first such case from 100 on, whatever the number of bureaus.
 */
export function sampleCase(bureaus: BenchBureau[] = BUREAUS, region = '320706'): number {
  for (let i = 100; i < 100 + bureaus.length * SUPERVISION_EVERY * 2; i++) {
    if (hasSupervisionMatter(i, bureaus) && bureaus[i % bureaus.length].region === region) return i;
  }
  throw new Error(`bench: no bureau of region ${region}`);
}
export const SAMPLE_CASE = sampleCase();

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
