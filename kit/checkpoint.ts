// Checkpoints of the audit log: {origin, tree size, root hash}, signed by the log's writer (the
// gateway, with its own Ed25519 key) and cosigned by a witness run by another owner (the
// procuratorate, 法律监督机关: 宪法 第134条). The text signed follows the C2SP tlog-checkpoint
// note (origin line, size line, base64 root line), with the tree's hash named on a fourth line
// (algorithm agility: kit/merkle.ts).
//
// The gateway's key also signs the identities it forwards (JWS). A signature here covers a
// context line first (kit/signed-text.ts), so neither signature can be replayed as the other.
import type { KeyObject } from 'node:crypto';
import { MERKLE_HASHES, type MerkleHashName } from './merkle';
import type { SigningKey } from './keys';
import { signText, verifyText } from './signed-text';

/** The audit log's name in its checkpoints: a witness keeps one line of checkpoints per origin. */
export const AUDIT_LOG_ORIGIN = 'supervision-graph/audit-log';

export interface Checkpoint {
  origin: string;
  treeSize: number;
  /** lower-case hex */
  rootHash: string;
  hash: MerkleHashName;
}

const SIGNED_CONTEXT = 'supervision-graph audit checkpoint v1';
const COSIGNED_CONTEXT = 'supervision-graph audit cosignature v1';

/** The checkpoint's text, one field per line. */
export function checkpointText(c: Checkpoint): string {
  if (!/^[\x21-\x7e]{1,200}$/.test(c.origin)) throw new Error('checkpoint: the origin is printable ASCII without spaces');
  if (!Number.isSafeInteger(c.treeSize) || c.treeSize < 0) throw new Error('checkpoint: the tree size is a whole number');
  if (!/^[0-9a-f]{64}$/.test(c.rootHash)) throw new Error('checkpoint: the root hash is 64 lower-case hex digits');
  if (!MERKLE_HASHES.includes(c.hash)) throw new Error(`checkpoint: unknown hash ${String(c.hash)}`);
  return `${c.origin}\n${c.treeSize}\n${Buffer.from(c.rootHash, 'hex').toString('base64')}\nhash ${c.hash}\n`;
}

/** The writer's signature (base64) over the checkpoint. */
export function signCheckpoint(writer: SigningKey, c: Checkpoint): string {
  return signText(writer, SIGNED_CONTEXT, checkpointText(c));
}

export function verifyCheckpoint(writerPublicKey: CryptoKey | KeyObject, c: Checkpoint, signature: string): boolean {
  return verifyText(writerPublicKey, SIGNED_CONTEXT, checkpointText(c), signature);
}

/** The witness's cosignature: its own name, the time it cosigned (ISO 8601) and the checkpoint. */
function cosignedText(witness: string, cosignedAt: string, c: Checkpoint): string {
  return `${witness}\n${cosignedAt}\n${checkpointText(c)}`;
}

export function cosignCheckpoint(witness: SigningKey, cosignedAt: string, c: Checkpoint): string {
  return signText(witness, COSIGNED_CONTEXT, cosignedText(witness.name, cosignedAt, c));
}

export function verifyCosignature(witnessPublicKey: CryptoKey | KeyObject, witness: string, cosignedAt: string, c: Checkpoint, signature: string): boolean {
  return verifyText(witnessPublicKey, COSIGNED_CONTEXT, cosignedText(witness, cosignedAt, c), signature);
}
