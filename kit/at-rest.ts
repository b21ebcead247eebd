// Personal and classified fields sealed at rest (issue 16). Whoever holds an owner's database
// host, a backup, a replica or a stolen disk reads ciphertext: each value is sealed with
// authenticated encryption (kit/crypto/aead.ts) under the owner's data key, the associated data
// binding it to its table, column and row (a value copied elsewhere does not open). The data keys
// sit in the owner's own `data_key` table, wrapped by a key-encryption key kept outside the
// database (DATA_KEK_FILE, a secret; an interface a KMS or HSM implements: kit/crypto/key-wrap.ts).
// 《个人信息保护法》 第51条 (encryption and de-identification as security measures); GB/T
// 39786-2021 §8 (keys apart from the data they protect).
//
// Values are opened only in the owning subgraph: when a value is released (kit/personal-data.ts
// releaseSealed, after the row rule allowed it) or when the owner itself needs it (the agency
// relay that blinds a party's number for justice). Exact-match lookups use a keyed blind index
// (kit/crypto/profiles.ts blindIndex) under a data key of its own, never the value.
//
// The algorithms follow the deployment's profile (CRYPTO_PROFILE: international = AES-256-GCM
// and HMAC-SHA-256, commercial = SM4-CTR + HMAC-SM3 and HMAC-SM3). Every sealed value names its
// algorithm and data key, so values sealed before a switch still open; the start-up pass
// (sealAtRest) re-seals them, and any plain value of an older database, in batches.
import { backgroundTransaction, inBackground } from './database';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from './clock';
import type { EnvVar, SubgraphRuntime } from './module';
import type { Queryable } from './outbox';
import { log } from './log';
import { RETENTION_ENV } from './retention';
import { blindIndex, cryptoProfile, PROFILE_NAMES, type CryptoProfile } from './crypto/profiles';
import { open as openValue, seal as sealValue, sealedHeader } from './crypto/aead';
import { dataKeyContext, keyRing, newDataKey, readKeyEncryptionKeyFile, wrappingKeyId, type KeyEncryptionKey } from './crypto/key-wrap';

export const AT_REST_ENV: EnvVar[] = [
  {
    name: 'CRYPTO_PROFILE', required: false, kind: 'choice', values: PROFILE_NAMES,
    description: "algorithms that seal personal fields at rest: 'international' (default; AES-256-GCM, HMAC-SHA-256) or 'commercial' (商用密码: SM4-CTR + HMAC-SM3, HMAC-SM3)",
  },
  {
    name: 'DATA_KEK_FILE', required: true,
    description: "this owner's key-encryption key (64 hex digits) that wraps its data keys; kept outside the database, mounted as a secret",
  },
  {
    name: 'DATA_KEK_PREVIOUS_FILES', required: false,
    description: 'during a rotation: the replaced key-encryption key files (comma-separated); data keys they wrapped are re-wrapped under DATA_KEK_FILE at start',
  },
  // The owners that seal personal data also erase it when its period ends (kit/retention.ts).
  RETENTION_ENV,
];

/** The owner's wrapped data keys: one row per key, the newest of a purpose and algorithm seals. */
export const DATA_KEY_TABLE_SQL = `CREATE TABLE IF NOT EXISTS data_key (
  id text PRIMARY KEY, purpose text NOT NULL CHECK (purpose IN ('fields', 'index')), algorithm text NOT NULL,
  wrapped text NOT NULL, created_at timestamptz NOT NULL DEFAULT clock_timestamp())`;

/** Where a value lives: bound into its associated data. */
export interface FieldPlace { table: string; column: string; rowId: string }

const aadOf = (p: FieldPlace) => `${p.table}.${p.column}\n${p.rowId}`;

interface DataKey { id: string; key: Buffer }

export class AtRest {
  readonly profile: CryptoProfile;
  private readonly keys = new Map<string, Promise<Buffer>>();
  private readonly current = new Map<string, { key: Promise<DataKey>; until: number }>();

  constructor(private readonly runtime: SubgraphRuntime, readonly kek: KeyEncryptionKey) {
    this.profile = cryptoProfile(runtime.env.CRYPTO_PROFILE || undefined);
  }

  /** Key loads are the process's own work, not a request's statements (kit/database.ts). */
  private background<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
    return inBackground(this.runtime.db, work);
  }

  private context(purpose: 'fields' | 'index') {
    return dataKeyContext(this.runtime.name, purpose);
  }

  /** The newest data key of a purpose under the profile's algorithm; made (and wrapped) when there is none. */
  currentKey(purpose: 'fields' | 'index'): Promise<DataKey> {
    const algorithm = purpose === 'fields' ? this.profile.aead : this.profile.mac;
    const name = `${purpose}:${algorithm}`;
    const at = this.runtime.now().getTime();
    const cached = this.current.get(name);
    // Looked up again now and then: a rotation (rotateAtRest) made a newer key while this process served.
    let known = cached && cached.until > at ? cached.key : undefined;
    if (!known) {
      known = this.background(async (q) => {
        await q.query('BEGIN');
        try {
          // One maker at a time (several processes of one owner may start together).
          await q.query('LOCK TABLE data_key IN SHARE ROW EXCLUSIVE MODE');
          let [row]: { id: string; wrapped: string }[] = await q.query(
            `SELECT id, wrapped FROM data_key WHERE purpose = $1 AND algorithm = $2 ORDER BY created_at DESC LIMIT 1`, [purpose, algorithm]);
          if (!row) {
            const key = newDataKey();
            const id = `dk-${purpose}-${randomBytes(6).toString('hex')}`;
            row = { id, wrapped: await this.kek.wrap(key, this.context(purpose)) };
            await q.query(`INSERT INTO data_key (id, purpose, algorithm, wrapped) VALUES ($1, $2, $3, $4)`, [id, purpose, algorithm, row.wrapped]);
          }
          await q.query('COMMIT');
          return { id: row.id, key: await this.unwrap(row.wrapped, purpose) };
        } catch (error) {
          await q.query('ROLLBACK');
          throw error;
        }
      });
      known.catch(() => this.current.delete(name));
      this.current.set(name, { key: known, until: at + CURRENT_KEY_TTL_MS });
    }
    return known;
  }

  /** A new data key for `purpose` under the profile's algorithm, wrapped by the current key-encryption key; sealing uses it from now on. */
  async rotateDataKey(purpose: 'fields' | 'index'): Promise<string> {
    const algorithm = purpose === 'fields' ? this.profile.aead : this.profile.mac;
    const id = `dk-${purpose}-${randomBytes(6).toString('hex')}`;
    const wrapped = await this.kek.wrap(newDataKey(), this.context(purpose));
    await this.background((q) => q.query(`INSERT INTO data_key (id, purpose, algorithm, wrapped) VALUES ($1, $2, $3, $4)`, [id, purpose, algorithm, wrapped]));
    this.current.delete(`${purpose}:${algorithm}`);
    return id;
  }

  private async unwrap(wrapped: string, purpose: 'fields' | 'index'): Promise<Buffer> {
    const key = await this.kek.unwrap(wrapped, this.context(purpose));
    if (!key) throw new Error(`at rest: a ${purpose} data key is wrapped by ${wrappingKeyId(wrapped) ?? 'an unknown key'}, which DATA_KEK_FILE (and DATA_KEK_PREVIOUS_FILES) do not hold`);
    return key;
  }

  /** A data key by id (the one a sealed value names). */
  private keyById(id: string): Promise<Buffer> {
    let known = this.keys.get(id);
    if (!known) {
      known = this.background(async (q) => {
        const [row]: { wrapped: string; purpose: 'fields' | 'index' }[] = await q.query(`SELECT wrapped, purpose FROM data_key WHERE id = $1`, [id]);
        if (!row) throw new Error(`at rest: no data key ${id}`);
        return this.unwrap(row.wrapped, row.purpose);
      });
      known.catch(() => this.keys.delete(id));
      this.keys.set(id, known);
    }
    return known;
  }

  async seal(place: FieldPlace, value: string | null | undefined): Promise<string | null> {
    if (value === null || value === undefined) return null;
    const { id, key } = await this.currentKey('fields');
    return sealValue(this.profile.aead, id, key, value, aadOf(place));
  }

  /**
   * The value a sealed field holds. A value that does not open (altered, moved to another row or
   * column, its key gone) is an error, never a plain fallback: nothing unsealed is served.
   */
  async open(place: FieldPlace, sealed: string | null | undefined): Promise<string | null> {
    if (sealed === null || sealed === undefined) return null;
    const header = sealedHeader(sealed);
    if (!header) throw new Error(`at rest: ${place.table}.${place.column} of ${place.rowId} is not sealed`);
    const key = await this.keyById(header.keyId);
    const value = openValue(sealed, () => key, aadOf(place));
    if (!value) throw new Error(`at rest: ${place.table}.${place.column} of ${place.rowId} does not open`);
    return value.toString('utf8');
  }

  /** The keyed blind index of a (normalised) value for exact-match lookups and uniqueness. */
  async index(purpose: string, value: string | null | undefined): Promise<string | null> {
    if (value === null || value === undefined) return null;
    const { key } = await this.currentKey('index');
    return blindIndex(this.profile, key, purpose, value);
  }

  /** Whether a stored value is sealed under this process's current data key (else the start-up pass re-seals it). */
  async isCurrent(sealed: string | null): Promise<boolean> {
    if (sealed === null) return true;
    const header = sealedHeader(sealed);
    return !!header && header.keyId === (await this.currentKey('fields')).id;
  }

  /** Re-wraps every data key a previous key-encryption key wrapped (a rotation); rows are untouched. */
  async rewrapDataKeys(): Promise<number> {
    return this.background(async (q) => {
      const rows: { id: string; purpose: 'fields' | 'index'; wrapped: string }[] = await q.query(`SELECT id, purpose, wrapped FROM data_key`);
      let done = 0;
      for (const row of rows) {
        if (wrappingKeyId(row.wrapped) === this.kek.id) continue;
        const key = await this.unwrap(row.wrapped, row.purpose);
        await q.query(`UPDATE data_key SET wrapped = $2 WHERE id = $1 AND wrapped = $3`, [row.id, await this.kek.wrap(key, this.context(row.purpose)), row.wrapped]);
        done += 1;
      }
      return done;
    });
  }
}

/** How long a process keeps sealing with the data key it found before it looks for a newer one. */
const CURRENT_KEY_TTL_MS = 10_000;

const instances = new WeakMap<SubgraphRuntime, AtRest>();

/** This owner's sealing, from DATA_KEK_FILE (and DATA_KEK_PREVIOUS_FILES during a rotation); one per process. */
export function atRest(runtime: SubgraphRuntime): AtRest {
  let instance = instances.get(runtime);
  if (!instance) {
    const algorithm = cryptoProfile(runtime.env.CRYPTO_PROFILE || undefined).aead;
    const file = runtime.env.DATA_KEK_FILE;
    if (!file) throw new Error('DATA_KEK_FILE is not set');
    const previous = (runtime.env.DATA_KEK_PREVIOUS_FILES ?? '').split(',').map((f) => f.trim()).filter(Boolean)
      .map((f) => readKeyEncryptionKeyFile(f, algorithm));
    instance = new AtRest(runtime, keyRing(readKeyEncryptionKeyFile(file, algorithm), ...previous));
    instances.set(runtime, instance);
  }
  return instance;
}

/**
 * What an owner seals in one table: `columns` as text, `jsonColumns` as JSON (jsonb holding the
 * sealed text as a JSON string), and the blind indexes computed from a column's value.
 */
export interface SealedTable {
  table: string;
  idColumn: string;
  columns: string[];
  jsonColumns?: string[];
  indexes?: { column: string; into: string; purpose: string; normalise?: (value: string) => string }[];
}

const BATCH = 200;
const plain = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`at rest: ${name} is not a plain SQL name`);
  return name;
};

/**
 * One batch of rows of `spec` not sealed under the current data key (plain rows of an older
 * database, rows sealed before a profile switch or a re-encryption), sealed again in one
 * transaction; returns how many. Rows another process holds are skipped (SKIP LOCKED).
 */
export async function resealBatch(runtime: SubgraphRuntime, spec: SealedTable, batch = BATCH): Promise<number> {
  const at = atRest(runtime);
  const { id: keyId } = await at.currentKey('fields');
  const prefix = `${at.profile.aead}:${keyId}:`;
  const table = plain(spec.table);
  const id = plain(spec.idColumn);
  const text = spec.columns.map(plain);
  const json = (spec.jsonColumns ?? []).map(plain);
  const stale = [
    ...text.map((c) => `(${c} IS NOT NULL AND left(${c}, $1::int) <> $2)`),
    ...json.map((c) => `(jsonb_typeof(${c}) IS DISTINCT FROM 'string' OR left(${c} #>> '{}', $1::int) <> $2)`),
  ].join(' OR ');
  return backgroundTransaction(runtime.db, async (tx) => {
    const rows: Record<string, any>[] = await tx.query(
      `SELECT ${[id, ...text, ...json].join(', ')} FROM ${table} WHERE ${stale} LIMIT ${Number(batch)} FOR UPDATE SKIP LOCKED`, [prefix.length, prefix]);
    if (!rows.length) return 0;
    const updated: Record<string, string | null>[] = [];
    for (const row of rows) {
      const rowId = String(row[id]);
      const values: Record<string, string | null> = {};
      for (const c of text) {
        const v = row[c] as string | null;
        values[c] = v === null || sealedHeader(v) === null ? v : await at.open({ table, column: c, rowId }, v);
      }
      for (const c of json) {
        const v = row[c];
        values[c] = typeof v === 'string' && sealedHeader(v) !== null ? await at.open({ table, column: c, rowId }, v) : JSON.stringify(v ?? null);
      }
      const next: Record<string, string | null> = { [id]: rowId };
      for (const c of text) next[c] = await at.seal({ table, column: c, rowId }, values[c]);
      for (const c of json) next[c] = JSON.stringify(await at.seal({ table, column: c, rowId }, values[c]));
      for (const ix of spec.indexes ?? []) {
        const v = values[ix.column];
        next[plain(ix.into)] = await at.index(ix.purpose, v === null ? null : (ix.normalise ?? ((x) => x))(v));
      }
      updated.push(next);
    }
    // One statement for the batch.
    const into = [...text, ...(spec.indexes ?? []).map((ix) => plain(ix.into))];
    const sets = [...into.map((c) => `${c} = v.${c}`), ...json.map((c) => `${c} = v.${c}::jsonb`)];
    await tx.query(`UPDATE ${table} t SET ${sets.join(', ')}
      FROM jsonb_to_recordset($1::jsonb) AS v(${[id, ...into, ...json].map((c) => `${c} text`).join(', ')}) WHERE t.${id}::text = v.${id}`, [JSON.stringify(updated)]);
    return rows.length;
  });
}

/**
 * The start-up pass, before the subgraph serves: re-wraps data keys a replaced key-encryption key
 * wrapped, then seals every row not yet under the current data key, batch by batch. A worker
 * (SubgraphModule.workers) so that it runs before the relays that read the values.
 */
export function sealAtRest(...specs: SealedTable[]) {
  return async (runtime: SubgraphRuntime): Promise<() => Promise<void>> => {
    const at = atRest(runtime);
    const rewrapped = await at.rewrapDataKeys();
    let sealed = 0;
    for (const spec of specs) {
      for (let n = await resealBatch(runtime, spec); n > 0; n = await resealBatch(runtime, spec)) sealed += n;
    }
    if (rewrapped || sealed) log.info('at rest: sealed under the current keys', { profile: at.profile.name, rewrappedKeys: rewrapped, resealedRows: sealed });
    return async () => {};
  };
}

/**
 * A rotation while the owner serves (scripts/keys.ts --rotate): data keys a replaced
 * key-encryption key wrapped are re-wrapped under DATA_KEK_FILE; with `reencrypt`, a new data key
 * is made and every row re-sealed under it, batch by batch (each batch one transaction, rows in
 * use skipped and taken on the next pass), until none is left. The serving processes open both
 * keys meanwhile (each value names its key) and seal with the new one within CURRENT_KEY_TTL_MS;
 * a row they seal with the old key in that window is re-sealed by the next pass or start.
 */
export async function rotateAtRest(runtime: SubgraphRuntime, specs: SealedTable[], options: { reencrypt?: boolean; batch?: number } = {}) {
  const at = atRest(runtime);
  const rewrapped = await at.rewrapDataKeys();
  let dataKey: string | null = null;
  let resealed = 0;
  if (options.reencrypt) {
    dataKey = await at.rotateDataKey('fields');
    for (const spec of specs) {
      for (let n = await resealBatch(runtime, spec, options.batch); n > 0; n = await resealBatch(runtime, spec, options.batch)) resealed += n;
    }
  }
  return { rewrapped, dataKey, resealed };
}

/**
 * An owner's sealing outside its subgraph process (a rotation command, a bulk load): its name,
 * its database and its key settings, as far as kit/at-rest.ts needs a runtime. `close()` when done.
 */
export async function ownerSealing(owner: string, databaseUrl: string, env: NodeJS.ProcessEnv): Promise<{ runtime: SubgraphRuntime; close(): Promise<void> }> {
  const db = new DataSource({ type: 'postgres', url: databaseUrl, entities: [], migrations: [], extra: { max: 2 } });
  await db.initialize();
  const clock = new Clock();
  const runtime = { name: owner, db, env, clock, now: () => clock.now() } as unknown as SubgraphRuntime;
  return { runtime, close: () => db.destroy() };
}
