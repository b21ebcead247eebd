// Personal and classified fields encrypted at rest (issue 16): whoever holds an owner's database
// host reads every database of a running hub holding the demo's parties, informant and
// investigation (seeded alone: seedAtRest) as the superuser would, every
// table and every column, and finds no party's ID number or credit code, phone, address or name,
// and no informant, in either crypto profile. The values still read back through the graph for
// those the row rules let see them. The second profile is the same hub's owners restarted with
// CRYPTO_PROFILE=commercial: the start-up pass re-seals every row under an SM4 data key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, marketCaseInput, waitForIndexed, type Caller } from './support/fixtures';
import { creditCode, DEMO_AGENCIES, DEMO_BUREAUS, residentId } from '../scripts/demo-data';
import { AGENCY_KINDS } from '../subgraphs/agencies/registry';
import { SUBGRAPHS } from '../subgraphs/index';
import { envOf } from '../kit/module';

const REASON = '案件办理';

/** The demo's parties (scripts/demo.ts and scripts/demo-agencies.json) as entered. */
const DEMO_PARTIES = [
  { caseNumber: '海市监处罚〔2026〕101号', owner: 'market-regulation', name: '张伟', idNumber: residentId('320706', '19850312', 123), phone: '13812345678', address: '江苏省连云港市海州区朝阳路18号' },
  { caseNumber: '海市监处罚〔2026〕102号', owner: 'market-regulation', name: '连云港某商贸有限公司', idNumber: creditCode('320706', 'MA1X2Y3W4'), phone: '051885551234', address: '江苏省连云港市海州区解放路9号' },
  { caseNumber: '海环罚〔2026〕21号', owner: 'eco-environment', name: '连云港某化工有限公司', idNumber: creditCode('320706', 'MA7K8L9M0'), phone: null, address: '江苏省连云港市海州区工业园区3号' },
  { caseNumber: '宛市监处罚〔2026〕7号', owner: 'market-regulation', name: '刘洋', idNumber: residentId('411302', '19920708', 456), phone: '13937712345', address: '河南省南阳市宛城区新华路6号' },
];
const INFORMANT = { name: '匿名群众', phone: '13900001111' };
/** 投诉人 of a complaint the justice bureau receives (subgraphs/justice/complaints.ts). */
const COMPLAINANT = { name: '孙举报', phone: '13700002222' };
const INVESTIGATION = { summary: '已查明上游供货渠道', measures: ['查封仓库', '调取银行流水'] };
/** The demo's four cases (scripts/demo.ts) with their parties, the rest of each input as the demo enters it. */
const DEMO_CASES: { party: (typeof DEMO_PARTIES)[number]; caller: Caller; mutation: string; input: Record<string, unknown> }[] = [
  { party: DEMO_PARTIES[0], caller: callers.marketOfficer, mutation: 'createMarketRegulationCase', input: { kind: 'NATURAL_PERSON', actType: 'ADMINISTRATIVE_PENALTY', cause: '销售伪劣产品', offenceCode: 'CL140',
    amountInvolved: 86000, fineAmount: 30000, decidedAt: '2026-09-15T02:00:00Z', region: '320706', productName: '劣质电线', salesAmount: 62000, unsoldGoodsValue: 24000 } },
  { party: DEMO_PARTIES[1], caller: callers.marketOfficer, mutation: 'createMarketRegulationCase', input: { kind: 'ORGANIZATION', actType: 'ADMINISTRATIVE_PENALTY', cause: '侵犯注册商标专用权', offenceCode: 'CL213',
    amountInvolved: 12000, fineAmount: 8000, decidedAt: '2026-10-02T02:00:00Z', region: '320706', productName: '假冒品牌运动鞋', salesAmount: 12000, unsoldGoodsValue: 3000 } },
  { party: DEMO_PARTIES[2], caller: callers.ecoOfficer, mutation: 'createEcoEnvironmentCase', input: { kind: 'ORGANIZATION', actType: 'ADMINISTRATIVE_PENALTY', cause: '非法处置危险废物', offenceCode: 'CL338',
    amountInvolved: 450000, fineAmount: 200000, decidedAt: '2026-10-20T02:00:00Z', region: '320706', pollutant: '废矿物油', exceedanceMultiple: 0, hazardousWasteTonnes: 4.2 } },
  { party: DEMO_PARTIES[3], caller: callers.nanyangMarketOfficer, mutation: 'createMarketRegulationCase', input: { kind: 'NATURAL_PERSON', actType: 'ADMINISTRATIVE_PENALTY', cause: '无照经营', offenceCode: null,
    amountInvolved: 5000, fineAmount: 2000, decidedAt: '2026-08-11T02:00:00Z', region: '411302' } },
];

async function must(hub: TestHub, query: string, variables: Record<string, unknown>, caller: Caller) {
  const { data, errors } = await hub.graphql(query, variables, caller);
  if (errors) throw new Error(JSON.stringify(errors));
  return data;
}

/**
 * What this test reads and looks for, and nothing else of the demo: its bureaus, its four cases
 * (natural persons and organisations, both agency kinds, two regions), the filed transfer with
 * its investigation and informant, and the onboarded agencies' cases (scripts/demo-agencies.json).
 */
async function seedAtRest(hub: TestHub) {
  await Promise.all([...DEMO_BUREAUS, ...DEMO_AGENCIES.map((a) => ({ ...a.bureau, kind: AGENCY_KINDS.find((k) => k.name === a.agency)!.kind }))].map((input) =>
    must(hub, `mutation($input: AgencyInput!) { registerAgency(input: $input) { code } }`, { input }, callers.admin)));
  const created: { id: string; caller: Caller }[] = await Promise.all([
    ...DEMO_CASES.map(async ({ party: { caseNumber, name, idNumber, phone, address }, caller, mutation, input: { kind, ...input } }) => {
      const data = await must(hub, `mutation($input: ${mutation.replace('create', '')}Input!) { ${mutation}(input: $input) { id } }`,
        { input: { ...input, caseNumber, party: { kind, name, idNumber, address, ...(phone ? { phone } : {}) } } }, caller);
      return { id: data[mutation].id as string, caller };
    }),
    ...DEMO_AGENCIES.flatMap((a) => {
      const { caseType } = AGENCY_KINDS.find((k) => k.name === a.agency)!;
      const caller = { role: 'agency_officer', org: a.bureau.code, region: a.bureau.region };
      return a.cases.map(async (input) => ({ id: (await must(hub, `mutation($input: ${caseType}Input!) { create${caseType}(input: $input) { id } }`, { input }, caller))[`create${caseType}`].id as string, caller }));
    }),
  ]);
  await Promise.all(created.map(({ id, caller }) => waitForIndexed(hub, id, 30_000, caller)));
  const transfer = (await must(hub, `mutation($id: ID!, $input: TransferInput!) { transferCase(caseId: $id, input: $input) { id } }`,
    { id: created[0].id, input: { summary: '涉嫌生产、销售伪劣产品罪，销售金额超过五万元', materials: ['移送书', '调查报告', '涉案物品清单', '检验报告'] } }, callers.marketOfficer)).transferCase.id;
  await must(hub, `mutation($id: ID!) { acceptTransfer(id: $id) { id } }`, { id: transfer }, callers.psb);
  await must(hub, `mutation($id: ID!) { decideTransfer(id: $id, decision: FILE, reason: "符合立案追诉标准") { id } }`, { id: transfer }, callers.psb);
  await must(hub, `mutation($id: ID!, $input: InvestigationInput!) { recordInvestigation(transferId: $id, input: $input) { id } }`,
    { id: transfer, input: { ...INVESTIGATION, informantName: INFORMANT.name, informantPhone: INFORMANT.phone } }, callers.psb);
  await must(hub, `mutation($input: ComplaintInput!) { recordComplaint(input: $input) { id } }`, { input: {
    agencyCode: 'MR-320706', anonymous: false, complainantName: COMPLAINANT.name, complainantPhone: COMPLAINANT.phone,
    facts: '对销售伪劣电线只罚不移', answerDueAt: new Date(Date.now() + 15 * 86_400_000).toISOString() } }, callers.justice);
}

const onboarded = DEMO_AGENCIES.flatMap((a) => a.cases.map((c) => (c as { party: Record<string, string | undefined> }).party));

/** What must appear nowhere in any database: numbers, phones, addresses, natural persons' names, the informant, the investigation. */
const SECRETS = [...new Set([
  ...DEMO_PARTIES.flatMap((p) => [p.idNumber, p.phone, p.address]),
  ...DEMO_PARTIES.filter((p) => p.idNumber.length === 18 && /^\d{17}[\dX]$/.test(p.idNumber)).map((p) => p.name),
  ...onboarded.flatMap((p) => [p.idNumber, p.phone, p.address, p.kind === 'NATURAL_PERSON' ? p.name : undefined]),
  INFORMANT.name, INFORMANT.phone, INVESTIGATION.summary, ...INVESTIGATION.measures,
  COMPLAINANT.name, COMPLAINANT.phone,
].filter((s): s is string => !!s))];

/** Plain, JSON-escaped (\uXXXX) or hex (bytea) forms. */
const forms = (s: string) => [s, [...s].map((c) => (c.charCodeAt(0) > 127 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join(''), Buffer.from(s).toString('hex')];

/** Every row of every table of every owner's database, as text (a row's text holds all its columns: text, json, arrays, bytea as hex). */
async function dump(hub: TestHub): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const owner of Object.keys(hub.databases)) {
    if (seen.has(hub.databases[owner])) continue;
    seen.add(hub.databases[owner]);
    const db = await hub.ownerDatabase(owner);
    try {
      const { rows: tables } = await db.query(`SELECT table_schema, table_name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`);
      for (const t of tables) {
        const { rows } = await db.query(`SELECT t::text AS row FROM "${t.table_schema}"."${t.table_name}" t`);
        out[`${hub.databases[owner]}.${t.table_schema}.${t.table_name}`] = rows.map((r) => r.row).join('\n').toLowerCase();
      }
    } finally {
      await db.end();
    }
  }
  return out;
}

function plainValuesIn(tables: Record<string, string>): string[] {
  return Object.entries(tables).flatMap(([table, text]) =>
    SECRETS.filter((s) => forms(s).some((f) => text.includes(f.toLowerCase()))).map((s) => `${table}: ${s}`));
}

async function sealedColumns(hub: TestHub) {
  const agency = await hub.ownerDatabase('market-regulation');
  const police = await hub.ownerDatabase('public-security');
  const justice = await hub.ownerDatabase('justice');
  try {
    const { rows: parties } = await agency.query(`SELECT name, id_number, phone, address, id_number_index FROM party`);
    const { rows: investigations } = await police.query(`SELECT summary, measures #>> '{}' AS measures, informant_name, informant_phone FROM investigation`);
    const { rows: complaints } = await justice.query(`SELECT complainant_name, complainant_phone FROM complaint`);
    return { parties, investigations, complaints };
  } finally {
    await Promise.all([agency.end(), police.end(), justice.end()]);
  }
}

/** Reads every demo party and the investigation back through the gateway, as callers the row rules let see them in full. */
async function readBack(hub: TestHub) {
  const agency = await hub.ownerDatabase('market-regulation');
  const eco = await hub.ownerDatabase('eco-environment');
  const police = await hub.ownerDatabase('public-security');
  try {
    const ids = new Map<string, string>();
    for (const db of [agency, eco]) for (const r of (await db.query(`SELECT id, case_number FROM enforcement_case`)).rows) ids.set(r.case_number, r.id);
    const parties = [];
    for (const p of DEMO_PARTIES) {
      const caller = p.caseNumber.startsWith('宛') ? callers.nanyangMarketOfficer : p.owner === 'eco-environment' ? callers.ecoOfficer : callers.marketOfficer;
      const { data, errors } = await hub.graphql(`query($id: ID!) { case(id: $id) { party { name idNumber phone address } } }`, { id: ids.get(p.caseNumber) }, { ...caller, reason: REASON });
      expect(errors).toBeUndefined();
      parties.push(data.case.party);
    }
    const [{ transfer_id: transferId }] = (await police.query(`SELECT transfer_id FROM investigation`)).rows;
    const { data, errors } = await hub.graphql(`query($id: ID!) { transfer(id: $id) { investigation { summary measures informant { name phone } } } }`,
      { id: transferId }, { ...callers.psb, reason: REASON });
    expect(errors).toBeUndefined();
    const complaints = await hub.graphql(`{ complaints(first: 5) { edges { node { complainant { name phone } } } } }`, {}, { ...callers.justice, reason: REASON });
    expect(complaints.errors).toBeUndefined();
    return { parties, investigation: data.transfer.investigation, complainants: complaints.data.complaints.edges.map((e: { node: { complainant: unknown } }) => e.node.complainant) };
  } finally {
    await Promise.all([agency.end(), eco.end(), police.end()]);
  }
}

const expectedBack = {
  parties: DEMO_PARTIES.map(({ name, idNumber, phone, address }) => ({ name, idNumber, phone, address })),
  investigation: { ...INVESTIGATION, informant: INFORMANT },
  complainants: [COMPLAINANT],
};

/** The owners that seal at rest: every one that declares the key-encryption key. */
const SEALING = SUBGRAPHS.filter((s) => envOf(s).some((v) => v.name === 'DATA_KEK_FILE')).map((s) => s.name);

describe('personal and classified data at rest', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub();
    await seedAtRest(hub);
  }, 120_000);
  afterAll(async () => {
    await hub?.stop();
  });

  it('seals in every agency, in public security and in justice (its complainants)', () => {
    expect(SEALING).toEqual(expect.arrayContaining(['justice', 'public-security', 'market-regulation', 'eco-environment', 'emergency-management', 'natural-resources']));
  });

  it('international profile (the default): a superuser dump of every database holds no number, phone, address, name or informant; AES-256-GCM names every value', async () => {
    const tables = await dump(hub);
    // Not vacuous: the dump holds the demo's tables and rows.
    expect(Object.keys(tables).some((t) => t.endsWith('.party')) && Object.keys(tables).some((t) => t.endsWith('.investigation'))).toBe(true);
    expect(plainValuesIn(tables)).toEqual([]);
    const { parties, investigations, complaints } = await sealedColumns(hub);
    expect(complaints).toHaveLength(1);
    for (const value of Object.values(complaints[0])) expect(value).toMatch(/^aes-256-gcm:/);
    expect(parties.length).toBeGreaterThanOrEqual(3);
    for (const p of parties) {
      for (const column of ['name', 'id_number', 'address']) expect(p[column], column).toMatch(/^aes-256-gcm:dk-fields-[0-9a-f]{12}:[A-Za-z0-9_-]+$/);
      expect(p.id_number_index).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    }
    expect(investigations).toHaveLength(1);
    for (const value of Object.values(investigations[0])) expect(value).toMatch(/^aes-256-gcm:/);
    expect(await readBack(hub)).toEqual(expectedBack);
  });

  it('a value moved to another row or column does not open: the request fails and releases nothing', async () => {
    const db = await hub.ownerDatabase('market-regulation');
    try {
      const [row] = (await db.query(`SELECT p.id, p.phone, p.address, c.id AS case_id FROM party p JOIN enforcement_case c ON c.party_id = p.id
        WHERE c.case_number = $1`, [DEMO_PARTIES[0].caseNumber])).rows;
      // The phone's sealed value, a valid ciphertext under the same key, copied into the address column.
      await db.query(`UPDATE party SET address = phone WHERE id = $1`, [row.id]);
      try {
        const { data, errors } = await hub.graphql(`query($id: ID!) { case(id: $id) { party { address phone } } }`, { id: row.case_id }, { ...callers.marketOfficer, reason: REASON });
        expect(data?.case?.party?.address ?? null).toBeNull();
        expect(data?.case?.party?.phone).toBe(DEMO_PARTIES[0].phone);
        // One error, for the address alone, that says nothing of the value, its key or the column.
        expect(errors?.map((e: any) => e.path?.join('.'))).toEqual(['case.party.address']);
        expect(JSON.stringify(errors)).not.toMatch(/aes-256-gcm|dk-fields|party\.address|does not open/);
      } finally {
        await db.query(`UPDATE party SET address = $2 WHERE id = $1`, [row.id, row.address]);
      }
    } finally {
      await db.end();
    }
  });

  it('cases recorded together when the data key is looked up again all answer: no transaction waits for a connection another holds', async () => {
    // Each recording holds one of the bureau's pooled connections (10) for its transaction, and its
    // party is sealed with the current data key, which is looked up again every 10 s (kit/at-rest.ts)
    // on a connection of its own. Sealed inside the transaction, ten recordings waiting for that
    // lookup held every connection it could have had, and the bureau never answered again (the soak
    // found it at 20 requests a second: every connection idle in transaction for minutes). Made
    // certain here: the cases table is locked until ten recordings wait inside their transactions.
    await hub.advanceClock(60_000);
    const lock = await hub.ownerDatabase('market-regulation');
    const watch = await hub.ownerDatabase('market-regulation');
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE enforcement_case IN ACCESS EXCLUSIVE MODE');
      const recording = Promise.all(Array.from({ length: 30 }, () => hub.graphql(
        `mutation($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id } }`, { input: marketCaseInput() }, callers.marketOfficer)));
      await eventually(async () => {
        const { rows: [{ n }] } = await watch.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> $1`,
          [(await lock.query('SELECT pg_backend_pid() AS pid')).rows[0].pid]);
        return n >= 10 ? true : undefined;
      }, 30_000, 'ten recordings waiting inside their transactions');
      await lock.query('COMMIT');
      const answers = await recording;
      expect(answers.map((a) => a.errors?.map((e: any) => e.extensions?.code) ?? null)).toEqual(answers.map(() => null));
      expect(new Set(answers.map((a) => a.data?.createMarketRegulationCase?.id)).size).toBe(30);
    } finally {
      await lock.query('ROLLBACK').catch(() => {});
      await Promise.all([lock.end(), watch.end()]);
    }
  }, 120_000);

  it('commercial profile (owners restarted with CRYPTO_PROFILE=commercial): every row re-sealed with SM4-CTR + HMAC-SM3, still nothing in the dump, everything reads back', async () => {
    await Promise.all(SEALING.map(async (name) => {
      hub.environments[name].CRYPTO_PROFILE = 'commercial';
      await hub.stopSubgraph(name);
      await hub.startSubgraph(name);
    }));
    const tables = await dump(hub);
    expect(plainValuesIn(tables)).toEqual([]);
    const { parties, investigations, complaints } = await sealedColumns(hub);
    expect(complaints).toHaveLength(1);
    for (const value of Object.values(complaints[0])) expect(value).toMatch(/^sm4-ctr-hmac-sm3:/);
    for (const p of parties) {
      for (const column of ['name', 'id_number']) expect(p[column], column).toMatch(/^sm4-ctr-hmac-sm3:dk-fields-[0-9a-f]{12}:[A-Za-z0-9_-]+$/);
      expect(p.id_number_index).toMatch(/^hmac-sm3:[0-9a-f]{64}$/);
    }
    for (const value of Object.values(investigations[0])) expect(value).toMatch(/^sm4-ctr-hmac-sm3:/);
    const back = await readBack(hub);
    expect(back).toEqual(expectedBack);
  }, 120_000);
});
