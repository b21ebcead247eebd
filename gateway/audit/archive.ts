// Archives of the audit log (issue 18, retention): a CLOSED range of entries — up to a checkpoint
// the procuratorate's witness cosigned — with everything needed to check it later without any
// database: the gateway's signed checkpoint and the witness's cosignature at both ends and at
// every cosigned size between, and, when the range does not start at the first entry, the tree's
// frontier at its start (the hashes of the complete subtrees before it, which the cosigned root of
// that size commits to). 网络安全法 第二十一条 asks that logs be kept at least six months; an
// archive is how they are kept beyond the live table, and how a third party (an auditor, a court)
// checks them on its own.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { auditLeafHash, chainHash, GENESIS_HASH, type AuditDecision, type AuditEntry } from '../../kit/audit-chain';
import { AUDIT_LOG_ORIGIN, verifyCheckpoint, verifyCosignature, type Checkpoint } from '../../kit/checkpoint';
import { readKeyDirectory } from '../../kit/keys';
import { Frontier, merkleHasher, MERKLE_HASHES, type MerkleHashName } from '../../kit/merkle';
import { ENTRY_COLUMNS, entryOfRow } from './checkpointer';

export const ARCHIVE_FORMAT = 'supervision-graph/audit-archive v1';
/** Who cosigns the checkpoints: the procuratorate (法律监督机关), kit/checkpoint.ts. */
export const WITNESS = 'procuratorate';

/** A checkpoint as the witness keeps it: signed by the gateway, cosigned by the witness. */
export interface ArchivedCheckpoint {
  treeSize: number;
  rootHash: string;
  gatewaySignature: string;
  cosignedAt: string;
  cosignature: string;
}

/** One entry as stored, with its place in the tree and the chain. */
export interface ArchivedEntry {
  leafIndex: number;
  sequence: number;
  at: string; subject: string; role: string; org: string | null; region: string | null; clientAddress: string | null;
  operationName: string | null; documentHash: string | null; coordinate: string; entityId: string | null;
  decision: AuditDecision; reason: string | null; traceId: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditArchive {
  format: typeof ARCHIVE_FORMAT;
  origin: string;
  hash: MerkleHashName;
  witness: string;
  /** Where the range starts: null from the first entry; else a cosigned checkpoint and the frontier of its tree. */
  from: (ArchivedCheckpoint & { frontier: string[] }) | null;
  /** The cosigned checkpoint the range ends at (its size is one past the last entry). */
  to: ArchivedCheckpoint;
  /** Every cosigned checkpoint strictly between: they narrow a bad entry down to a span. */
  between: ArchivedCheckpoint[];
  entries: ArchivedEntry[];
}

export interface ArchiveRange {
  /** The last cosigned checkpoint of at most this size, or cosigned at or before this time. */
  to: number | Date;
  /** A cosigned checkpoint size where the range starts (an earlier archive's end); default: the first entry. */
  from?: number;
}

interface WitnessRow { tree_size: string; root_hash: string; hash_alg: MerkleHashName; gateway_signature: string; cosigned_at: Date; cosignature: string }

const archived = (row: WitnessRow): ArchivedCheckpoint => ({
  treeSize: Number(row.tree_size), rootHash: row.root_hash, gatewaySignature: row.gateway_signature,
  cosignedAt: row.cosigned_at.toISOString(), cosignature: row.cosignature,
});

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try { return await work(client); } finally { await client.end(); }
}

/**
 * Reads a closed range from the log (`logUrl`, the gateway's database) and the witness's
 * checkpoints (`witnessUrl`, the procuratorate's), and checks before returning that the entries
 * give the cosigned roots: an archive of a log already broken is refused, not written.
 */
export async function buildArchive(logUrl: string, witnessUrl: string, range: ArchiveRange, origin = AUDIT_LOG_ORIGIN): Promise<AuditArchive> {
  const cosigned = await withClient(witnessUrl, async (c) => (await c.query<WitnessRow>(
    `SELECT tree_size::text, root_hash, hash_alg, gateway_signature, cosigned_at, cosignature FROM audit_witness_checkpoint
      WHERE origin = $1 ORDER BY audit_witness_checkpoint.tree_size`, [origin])).rows);
  const ends = cosigned.filter((r) => (range.to instanceof Date ? r.cosigned_at.getTime() <= range.to.getTime() : Number(r.tree_size) <= range.to));
  const end = ends[ends.length - 1];
  if (!end) throw new Error(`no checkpoint cosigned by the ${WITNESS}'s witness ${range.to instanceof Date ? `at or before ${range.to.toISOString()}` : `of at most ${range.to} entries`}: an archive ends at a cosigned checkpoint`);
  const fromSize = range.from ?? 0;
  const start = fromSize ? cosigned.find((r) => Number(r.tree_size) === fromSize) : undefined;
  if (fromSize && !start) throw new Error(`--from ${fromSize} is not a size the witness cosigned (${cosigned.map((r) => r.tree_size).join(', ') || 'none'})`);
  const toSize = Number(end.tree_size);
  if (fromSize >= toSize) throw new Error(`nothing to archive: the range starts at ${fromSize} and the last cosigned checkpoint in reach holds ${toSize} entries`);
  const hash = end.hash_alg;
  if (start && start.hash_alg !== hash) throw new Error(`the checkpoints of ${fromSize} and ${toSize} use different hashes (${start.hash_alg}, ${hash}): archive from the first entry`);

  return withClient(logUrl, async (c) => {
    let frontier: string[] = [];
    if (start) {
      const { rows: [own] } = await c.query<{ frontier: string[]; hash_alg: string }>('SELECT frontier, hash_alg FROM audit_checkpoint WHERE tree_size = $1', [fromSize]);
      if (!own || own.hash_alg !== hash) throw new Error(`the gateway's checkpoint of size ${fromSize} (with its frontier) is not in the log's database`);
      frontier = own.frontier;
    }
    const { rows } = await c.query(
      `SELECT sequence::text AS seq, leaf_index::text AS leaf, prev_hash, hash, ${ENTRY_COLUMNS} FROM audit_log
        WHERE audit_log.leaf_index >= $1 AND audit_log.leaf_index < $2 ORDER BY audit_log.leaf_index`, [fromSize, toSize]);
    const entries: ArchivedEntry[] = rows.map((row) => {
      const e = entryOfRow(row);
      return {
        leafIndex: Number(row.leaf), sequence: Number(row.seq), ...e, at: e.at.toISOString(), prevHash: row.prev_hash, hash: row.hash,
      };
    });
    const archive: AuditArchive = {
      format: ARCHIVE_FORMAT, origin, hash, witness: WITNESS,
      from: start ? { ...archived(start), frontier } : null,
      to: archived(end),
      between: cosigned.filter((r) => Number(r.tree_size) > fromSize && Number(r.tree_size) < toSize).map(archived),
      entries,
    };
    // The signatures are checked by whoever holds the public keys (verifyArchive); the tree here.
    const tree = checkTree(archive);
    if (tree) throw new Error(`the log does not give the cosigned checkpoints, so no archive is written: ${tree.reason} (leaf ${tree.leafIndex}); run npm run audit:verify`);
    return archive;
  });
}

export interface ArchiveReport {
  ok: boolean;
  entries: number;
  fromSize: number;
  toSize: number;
  /** Cosigned checkpoints whose signature and cosignature were checked. */
  checkpoints: number;
  firstBad?: {
    leafIndex: number;
    sequence: number | null;
    /** When only the tree found it: the bad entry lies among these leaves (inclusive). */
    range?: { fromLeaf: number; toLeaf: number };
    reason: string;
  };
}

type Bad = NonNullable<ArchiveReport['firstBad']>;

const HEX64 = /^[0-9a-f]{64}$/;
const isText = (v: unknown) => typeof v === 'string';
const isTextOrNull = (v: unknown) => v === null || typeof v === 'string';

function checkpointOf(archive: AuditArchive, c: ArchivedCheckpoint): Checkpoint {
  return { origin: archive.origin, treeSize: c.treeSize, rootHash: c.rootHash, hash: archive.hash };
}

/** The entry as kit/audit-chain.ts hashes it. */
function entryOf(e: ArchivedEntry): AuditEntry {
  return {
    at: new Date(e.at), subject: e.subject, role: e.role, org: e.org, region: e.region, clientAddress: e.clientAddress,
    operationName: e.operationName, documentHash: e.documentHash, coordinate: e.coordinate, entityId: e.entityId,
    decision: e.decision, reason: e.reason, traceId: e.traceId,
  };
}

/**
 * The tree and the chain of an archive (no keys needed): the frontier gives the root cosigned at
 * the start, the entries extend it to every cosigned root up to the end, each entry sits at its
 * leaf and matches its chain hash. Returns the first thing wrong, or null.
 */
function checkTree(archive: AuditArchive): Bad | null {
  const hasher = merkleHasher(archive.hash);
  const fromSize = archive.from?.treeSize ?? 0;
  let frontier: Frontier;
  try {
    frontier = archive.from
      ? Frontier.restore(hasher, fromSize, archive.from.frontier.map((h) => Buffer.from(h, 'hex')))
      : new Frontier(hasher);
  } catch (error) {
    return { leafIndex: fromSize, sequence: null, reason: `the frontier at ${fromSize} is malformed: ${(error as Error).message}` };
  }
  if (archive.from && frontier.root().toString('hex') !== archive.from.rootHash) {
    return { leafIndex: fromSize, sequence: null, reason: `the frontier does not give the root cosigned for ${fromSize} entries: it was altered` };
  }
  const sizes = [...archive.between, archive.to];
  let next = 0;
  let lastGood = fromSize;
  let exact: Bad | undefined;
  let prev = archive.from ? undefined : GENESIS_HASH; // after a frontier, the first link is taken as given (the tree vouches for it)
  for (const [i, e] of archive.entries.entries()) {
    const position = fromSize + i;
    if (!exact) {
      if (e.leafIndex !== position) {
        exact = { leafIndex: position, sequence: e.sequence ?? null, reason: `the entry at position ${position} says it is leaf ${e.leafIndex}: entries were removed, added or reordered` };
      } else if (prev !== undefined && e.prevHash !== prev) {
        exact = { leafIndex: position, sequence: e.sequence, reason: 'prev_hash does not match the hash of the entry before it: an entry was removed, inserted or re-hashed' };
      } else if (e.hash !== chainHash(e.prevHash, entryOf(e))) {
        exact = { leafIndex: position, sequence: e.sequence, reason: 'the entry does not match its hash: its content was altered' };
      }
    }
    prev = e.hash;
    frontier.append(auditLeafHash(hasher, entryOf(e)));
    while (next < sizes.length && sizes[next].treeSize === frontier.size) {
      if (frontier.root().toString('hex') !== sizes[next].rootHash) {
        if (exact && exact.leafIndex >= lastGood && exact.leafIndex < frontier.size) return exact;
        return {
          leafIndex: lastGood, sequence: archive.entries[lastGood - fromSize]?.sequence ?? null, range: { fromLeaf: lastGood, toLeaf: frontier.size - 1 },
          reason: `the entries up to ${frontier.size} do not give the root cosigned for that size (those before ${lastGood} do): an entry among them was changed, removed, inserted or moved`,
        };
      }
      lastGood = frontier.size;
      next++;
    }
  }
  if (frontier.size !== archive.to.treeSize) {
    return exact ?? { leafIndex: frontier.size, sequence: null, reason: `the archive holds entries up to ${frontier.size}, its checkpoint ${archive.to.treeSize}: entries were removed or added` };
  }
  return exact ?? null;
}

/**
 * Checks an archive offline: its shape, the gateway's signature and the witness's cosignature on
 * every checkpoint it carries (with the public keys given, never keys from the archive itself),
 * then the tree and the chain. Names the first bad entry, or the span of leaves it lies in.
 */
export function verifyArchive(raw: unknown, keys: { gateway: CryptoKey; witness: CryptoKey }): ArchiveReport {
  const archive = raw as AuditArchive;
  const shape = shapeProblem(raw);
  const fromSize = shape ? 0 : archive.from?.treeSize ?? 0;
  const toSize = shape ? 0 : archive.to.treeSize;
  const entries = shape ? 0 : archive.entries.length;
  const report = (extra: Partial<ArchiveReport>): ArchiveReport => ({ ok: false, entries, fromSize, toSize, checkpoints: 0, ...extra });
  if (shape) return report({ firstBad: { leafIndex: 0, sequence: null, reason: `not an audit archive: ${shape}` } });

  const all = [...(archive.from ? [archive.from] : []), ...archive.between, archive.to];
  for (const c of all) {
    const checkpoint = checkpointOf(archive, c);
    if (!verifyCheckpoint(keys.gateway, checkpoint, c.gatewaySignature)) {
      return report({ firstBad: { leafIndex: Math.min(c.treeSize, toSize), sequence: null, reason: `the checkpoint of ${c.treeSize} entries does not carry the gateway's signature: it was altered` } });
    }
    if (!verifyCosignature(keys.witness, archive.witness, c.cosignedAt, checkpoint, c.cosignature)) {
      return report({ firstBad: { leafIndex: Math.min(c.treeSize, toSize), sequence: null, reason: `the checkpoint of ${c.treeSize} entries does not carry the ${archive.witness}'s cosignature: it was altered` } });
    }
  }
  const sizes = all.map((c) => c.treeSize);
  if (sizes.some((s, i) => i > 0 && s <= sizes[i - 1])) return report({ firstBad: { leafIndex: 0, sequence: null, reason: 'the checkpoints are not in increasing order' } });
  const bad = checkTree(archive);
  return bad ? report({ checkpoints: all.length, firstBad: bad }) : report({ ok: true, checkpoints: all.length });
}

/** What is wrong with the archive's shape, or null. */
function shapeProblem(raw: unknown): string | null {
  if (!raw || typeof raw !== 'object') return 'not a JSON object';
  const a = raw as Partial<AuditArchive>;
  if (a.format !== ARCHIVE_FORMAT) return `format is not "${ARCHIVE_FORMAT}"`;
  if (!isText(a.origin) || !isText(a.witness)) return 'origin and witness are text';
  if (!MERKLE_HASHES.includes(a.hash as MerkleHashName)) return `hash is one of ${MERKLE_HASHES.join(', ')}`;
  const checkpoint = (c: unknown) => {
    const x = c as ArchivedCheckpoint;
    return !!x && Number.isSafeInteger(x.treeSize) && x.treeSize > 0 && isText(x.rootHash) && HEX64.test(x.rootHash)
      && isText(x.gatewaySignature) && isText(x.cosignedAt) && isText(x.cosignature);
  };
  if (!checkpoint(a.to)) return 'to is a checkpoint';
  if (a.from !== null && (!checkpoint(a.from) || !Array.isArray(a.from?.frontier) || !a.from!.frontier.every((h) => isText(h) && HEX64.test(h)))) return 'from is null or a checkpoint with its frontier';
  if (!Array.isArray(a.between) || !a.between.every(checkpoint)) return 'between is a list of checkpoints';
  if (!Array.isArray(a.entries)) return 'entries is a list';
  for (const [i, e] of a.entries.entries()) {
    const ok = e && typeof e === 'object' && Number.isSafeInteger(e.leafIndex) && Number.isSafeInteger(e.sequence) && isText(e.at) && !Number.isNaN(Date.parse(e.at))
      && isText(e.subject) && isText(e.role) && isText(e.coordinate) && isText(e.decision) && isText(e.prevHash) && isText(e.hash)
      && [e.org, e.region, e.clientAddress, e.operationName, e.documentHash, e.entityId, e.reason, e.traceId].every(isTextOrNull);
    if (!ok) return `entry ${i} is malformed`;
  }
  return null;
}

/** Reads an archive file and the key directory (HUB_PUBLIC_KEYS_FILE) and verifies it; no database. */
export async function verifyArchiveFile(file: string, publicKeysFile: string): Promise<ArchiveReport> {
  const directory = await readKeyDirectory(publicKeysFile);
  const gateway = directory.get('gateway');
  const witness = directory.get(WITNESS);
  if (!gateway || !witness) throw new Error(`${publicKeysFile} lacks the key of the gateway or of the ${WITNESS}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code) throw new Error(`${file}: ${(error as Error).message}`);
    raw = undefined; // not JSON: reported as not an archive
  }
  return verifyArchive(raw, { gateway, witness });
}
