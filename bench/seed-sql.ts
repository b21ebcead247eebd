// The seed's SQL: case i's rows, generated in the database from generate_series, as the code
// would write them (agency: party + enforcement_case; justice: case_index; public security:
// case_transfer; procuratorate: supervision_matter). Columns added by later migrations
// (publication, attributes) are written when the table has them. Every agency of the registry
// (bench/dataset.ts KINDS) gets its cases, its own fields filled by their declared type; every
// value is a function of the case number i alone, so incremental seeds and reruns agree.
import { BUREAUS, KINDS, SUPERVISION_EVERY, TRANSFER_EVERY, type BenchBureau, type BenchKind } from './dataset';
import type { OwnField } from '../subgraphs/agencies/kit/fields';

const list = (values: string[]) => `ARRAY[${values.map(literal).join(', ')}]`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
const PENALTY = 'ADMINISTRATIVE_PENALTY';
/**
 * Case i is undecided when its bureau's case number n = i / B (bench/dataset.ts) has n % 20 = 3:
 * one case in twenty of every bureau, never a transferred one (n % 5 = 0).
 */
const UNDECIDED_EVERY = 20;
const UNDECIDED_AT = 3;
/** A supervision matter (n % 10 = 5) is closed when (n / 10) % 4 = 3: a quarter of them, in every bureau. */
const CLOSED = `(n / ${SUPERVISION_EVERY}) % 4 = 3`;
const TRANSFERRED = `n % ${TRANSFER_EVERY} = 0`;
const SUPERVISED = `n % ${SUPERVISION_EVERY} = ${SUPERVISION_EVERY / 2}`;
const ACTS = list([...Array(7).fill(PENALTY), 'ADMINISTRATIVE_INSPECTION', 'ADMINISTRATIVE_COERCION', 'ADMINISTRATIVE_LICENSE']);

/** `CASE kind WHEN 0 THEN … WHEN 1 THEN … END`, one branch per kind. */
const byKind = (kinds: BenchKind[], branch: (k: BenchKind, index: number) => string, column = 'kind') =>
  `CASE ${column} ${kinds.map((k, index) => `WHEN ${index} THEN ${branch(k, index)}`).join(' ')} END`;

const STRIDES = [17, 11, 13, 19, 23, 29, 31, 37];

/**
 * The value of an own field (the f-th of its agency) for case i, by its declared type: amounts in
 * yuan, quantities to a tenth, counts of persons 0–4, an enum's values in turn, a date three days
 * before the recording (China Standard Time), text as the field's label and a number.
 */
export function ownValueSql(field: OwnField, f: number): string {
  const stride = STRIDES[f % STRIDES.length];
  switch (field.type) {
    case 'text': return `${literal(field.label.replace(/ \(.*\)$/, ''))} || (1 + (i + ${f}) % 7)`;
    case 'amount': return `(500 + i::bigint * ${stride} % 90000)::numeric`;
    case 'quantity': return `round((i::bigint * ${stride} % 500 / 10.0)::numeric, 1)`;
    case 'integer': return `(i::bigint * ${stride} % 5)::int`;
    case 'enum': return `(${list(field.values.map((v) => v.value))})[1 + (i + ${f}) % ${field.values.length}]`;
    case 'date': return `((recorded_at AT TIME ZONE 'Asia/Shanghai') - interval '3 days')::date`;
    case 'boolean': return `(i + ${f}) % 2 = 0`;
  }
}

/** The figures the agency's relay would send the index (kit/fields.ts figuresOf): each numeric field, or its category's figure. */
export function figuresSql(fields: OwnField[]): string {
  const value = (name: string) => { const f = fields.findIndex((x) => x.name === name); return ownValueSql(fields[f], f); };
  const pairs = fields.flatMap((field, f) => {
    if (field.type !== 'amount' && field.type !== 'quantity' && field.type !== 'integer') return [];
    if (!field.byCategory) return [`${literal(field.name)}, ${ownValueSql(field, f)}`];
    return Object.entries(field.byCategory.figures).map(([category, figure]) =>
      `${literal(figure)}, CASE WHEN ${value(field.byCategory!.field)} = ${literal(category)} THEN ${ownValueSql(field, f)} END`);
  });
  return `jsonb_build_object(${pairs.join(', ')})`;
}

/** Its text and enum fields, as the index hears them (kit/fields.ts attributesOf). */
export function attributesSql(fields: OwnField[]): string {
  return `jsonb_build_object(${fields.flatMap((field, f) => (field.type === 'text' || field.type === 'enum' ? [`${literal(field.name)}, ${ownValueSql(field, f)}`] : [])).join(', ')})`;
}

/**
 * Case i, parameters $1 first i, $2 last i, $3 the seed's "now", $4 the party pool's size.
 * Newest first: case 1 was recorded ten days before the seed, each next one 20 s earlier.
 */
export function casesCte(kinds: BenchKind[] = KINDS, bureaus: BenchBureau[] = BUREAUS): string {
  const B = bureaus.length;
  return `WITH c AS (
  SELECT i, i / ${B} AS n, md5('bench-case-' || i)::uuid AS id, (i % ${B}) % ${kinds.length} AS kind,
    (${list(bureaus.map((b) => b.code))})[1 + i % ${B}] AS agency_code, (${list(bureaus.map((b) => b.region))})[1 + i % ${B}] AS region,
    'BENCH〔' || (2020 + i % 7) || '〕' || i || '号' AS case_number,
    (${ACTS})[1 + i % 10] AS act_type,
    $3::timestamptz - interval '10 days' - i * interval '20 seconds' AS recorded_at,
    (i::bigint * 2654435761 % $4)::int AS j
  FROM generate_series($1::int, $2::int) AS i
), k AS (
  SELECT c.*,
    -- 案由: six per kind, spread over a kind's cases by n (i % ${B} fixes the bureau and so the kind).
    ${byKind(kinds, (k) => `(${list(k.causes)})[1 + n % ${k.causes.length}]`)} AS cause,
    ${byKind(kinds, (k) => literal(k.offencePrefix))} || (100 + i % 50) AS offence_code,
    (1000 + i::bigint * 37 % 200000)::numeric AS amount_involved,
    CASE WHEN act_type = '${PENALTY}' THEN (500 + i::bigint * 13 % 50000)::numeric END AS fine_amount,
    -- One case in twenty of every bureau (never a transferred one) is still undecided: the list's decided filters and sorts have every kind.
    CASE WHEN n % ${UNDECIDED_EVERY} <> ${UNDECIDED_AT} OR ${TRANSFERRED} THEN recorded_at - interval '2 days' END AS decided_at,
    ${byKind(kinds, (k) => literal(k.legalBasis))} AS legal_basis,
    CASE WHEN act_type = '${PENALTY}' THEN ARRAY['FINE'] ELSE ARRAY[]::text[] END AS penalty_kinds
  FROM c)`;
}

export const POOL_TABLE = `CREATE UNLOGGED TABLE IF NOT EXISTS bench_pool (
  j int PRIMARY KEY, kind text NOT NULL, name text NOT NULL, id_number text NOT NULL, address text NOT NULL, party_key text NOT NULL)`;
export const POOL_INSERT = `INSERT INTO bench_pool SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
  ON CONFLICT (j) DO NOTHING`;

/** Only the optional columns this database has go into the statement. */
function optional(columns: Set<string>, wanted: Record<string, string>): [string, string] {
  const present = Object.entries(wanted).filter(([column]) => columns.has(column));
  return [present.map(([c]) => `, ${c}`).join(''), present.map(([, v]) => `, ${v}`).join('')];
}

/** The database of agency `kindIndex` (KINDS): parties, then cases with its own fields (the columns it has). */
export function agencySql(columns: Set<string>, kindIndex: number, kinds: BenchKind[] = KINDS, bureaus: BenchBureau[] = BUREAUS): string[] {
  const CASES = casesCte(kinds, bureaus);
  const fields = kinds[kindIndex].fields;
  const [cols, values] = optional(columns, {
    ...Object.fromEntries(fields.map((field, f) => [field.column, ownValueSql(field, f)])),
    penalty_kinds: 'penalty_kinds',
  });
  return [
    `${CASES} INSERT INTO party (id, kind, name, id_number, phone, address)
      SELECT md5('bench-party-' || k.i)::uuid, p.kind, p.name, p.id_number, '13' || lpad((k.i::bigint * 7919 % 1000000000)::text, 9, '0'), p.address
      FROM k JOIN bench_pool p ON p.j = k.j WHERE k.kind = ${kindIndex}`,
    `${CASES} INSERT INTO enforcement_case (id, agency_code, case_number, act_type, cause, offence_code, amount_involved, fine_amount,
        decided_at, facts, legal_basis, region, recorded_at, recorded_by, version, party_id${cols})
      SELECT id, agency_code, case_number, act_type, cause, offence_code, amount_involved, fine_amount, decided_at,
        '经查，当事人' || cause || '，事实清楚，证据确凿。', legal_basis, region, recorded_at, 'bench:officer', 1, md5('bench-party-' || i)::uuid${values}
      FROM k WHERE kind = ${kindIndex}`,
  ];
}

/**
 * The justice index: every case, the party as its keyed hash, figures as the outbox sends them.
 * `stateColumns`: the state tables' columns (their copy of the case's region and bureau, migration
 * 1700000002950, written when present).
 */
export function indexSql(columns: Set<string>, stateColumns: Set<string> = new Set(), kinds: BenchKind[] = KINDS, bureaus: BenchBureau[] = BUREAUS): string {
  const CASES = casesCte(kinds, bureaus);
  const [placeCols, placeValues] = optional(stateColumns, { region: 'region', agency_code: 'agency_code' });
  const [cols, values] = optional(columns, {
    legal_basis: 'k.legal_basis', penalty_kinds: 'k.penalty_kinds',
    attributes: byKind(kinds, (k) => attributesSql(k.fields), 'k.kind'),
  });
  return `${CASES}, indexed AS (INSERT INTO case_index (id, case_type, agency_code, case_number, act_type, cause, offence_code, amount_involved,
      fine_amount, decided_at, region, recorded_at, party_kind, party_key, figures, source_version${cols})
    SELECT k.id, ${byKind(kinds, (k) => literal(k.caseType), 'k.kind')}, k.agency_code, k.case_number, k.act_type,
      k.cause, k.offence_code, k.amount_involved, k.fine_amount, k.decided_at, k.region, k.recorded_at, p.kind, p.party_key,
      ${byKind(kinds, (k) => figuresSql(k.fields), 'k.kind')}, 1${values}
    FROM k JOIN bench_pool p ON p.j = k.j RETURNING 1
  ), transfer_states AS (
    -- Where each case stands with public security, as its reports would have left it
    -- (case-states.ts): the transfer's state and the deadline pending (the filing decision, 3 days
    -- after acceptance, or after submission until accepted), none once filed. Same rows as TRANSFER_SQL.
    INSERT INTO case_transfer_state (case_id, transfer_id, status, due_at, version, changed_at${placeCols})
    SELECT id, md5('bench-transfer-' || i)::uuid, s.status,
      CASE s.status WHEN 'SUBMITTED' THEN recorded_at + interval '4 days' WHEN 'ACCEPTED' THEN recorded_at + interval '5 days' END,
      1, recorded_at + interval '1 day'${placeValues}
    FROM k, LATERAL (SELECT (ARRAY['SUBMITTED', 'ACCEPTED', 'FILED'])[1 + (n / ${TRANSFER_EVERY}) % 3] AS status) s
    WHERE ${TRANSFERRED} RETURNING 1
  ), supervision_states AS (
    -- And with the procuratorate: the matter of SUPERVISION_SQL, open or closed.
    INSERT INTO case_supervision_state (matter_id, case_id, status, changed_at${placeCols})
    SELECT md5('bench-matter-' || i)::uuid, id, CASE WHEN ${CLOSED} THEN 'CLOSED' ELSE 'OPEN' END,
      recorded_at + CASE WHEN ${CLOSED} THEN interval '7 days' ELSE interval '2 days' END${placeValues}
    FROM k WHERE ${SUPERVISED} RETURNING 1
  ) SELECT (SELECT count(*) FROM indexed) AS cases, (SELECT count(*) FROM transfer_states) AS transfers, (SELECT count(*) FROM supervision_states) AS matters`;
}

/** Public security: a transfer for every fifth case of each bureau, submitted, accepted or filed. */
export const TRANSFER_SQL = `${casesCte()}, t AS (
    SELECT k.*, (ARRAY['SUBMITTED', 'ACCEPTED', 'FILED'])[1 + (n / ${TRANSFER_EVERY}) % 3] AS status,
      recorded_at + interval '1 day' AS submitted_at FROM k WHERE ${TRANSFERRED}
  ), a AS (SELECT t.*, CASE WHEN status <> 'SUBMITTED' THEN submitted_at + interval '1 day' END AS accepted_at FROM t)
  INSERT INTO case_transfer (id, case_id, agency_code, region, status, summary, materials, submitted_at, submitted_by, decision_due_at,
    accepted_at, accepted_by, accepting_unit, decided_at, decided_by, decision, version)
  SELECT md5('bench-transfer-' || i)::uuid, id, agency_code, region, status, '涉嫌' || cause || '罪', ARRAY['移送书', '调查报告', '涉案物品清单'],
    submitted_at, 'bench:officer', coalesce(accepted_at, submitted_at) + interval '3 days',
    accepted_at, CASE WHEN accepted_at IS NOT NULL THEN 'bench:psb' END, CASE WHEN accepted_at IS NOT NULL THEN 'PSB-' || region END,
    CASE WHEN status = 'FILED' THEN accepted_at + interval '2 days' END, CASE WHEN status = 'FILED' THEN 'bench:psb' END,
    CASE WHEN status = 'FILED' THEN 'FILE' END, 1
  FROM a`;

/** The procuratorate: a supervision matter for every tenth case of each bureau, a quarter of them closed five days after opening. */
export const SUPERVISION_SQL = `${casesCte()} INSERT INTO supervision_matter (id, case_id, kind, status, summary, procuratorate_code, region, opened_by, opened_at,
    closed_by, closed_at)
  SELECT md5('bench-matter-' || i)::uuid, id, (ARRAY['CASE_REVIEW', 'FILING_SUPERVISION', 'TRANSFER_SUPERVISION', 'PUBLIC_INTEREST'])[1 + (n / ${SUPERVISION_EVERY}) % 4],
    CASE WHEN ${CLOSED} THEN 'CLOSED' ELSE 'OPEN' END, '案件审查', 'PROC-' || region, region, 'bench:procurator', recorded_at + interval '2 days',
    CASE WHEN ${CLOSED} THEN 'bench:procurator' END, CASE WHEN ${CLOSED} THEN recorded_at + interval '7 days' END
  FROM k WHERE ${SUPERVISED}`;
