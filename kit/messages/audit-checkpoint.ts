import { MessageError, integer, list, message, oneOf, text, type Check, type Payload } from './check';
import { MERKLE_HASHES } from '../merkle';

const hash: Check<string> = (v, path) => {
  if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v)) throw new MessageError(path, 'hash', 'must be 64 lower-case hex digits');
  return v;
};
const size: Check<number> = (v, path) => {
  const n = integer(v, path);
  if (n < 0) throw new MessageError(path, 'min', 'must not be negative');
  return n;
};

/**
 * What the audit log's owner sends the procuratorate's witness (POST /internal/audit-checkpoints):
 * a checkpoint the gateway signed, and the consistency proof (RFC 9162 §2.1.4) from the last
 * checkpoint the witness cosigned (`fromSize`; 0 when it has cosigned none).
 */
export const AUDIT_CHECKPOINT = message('AuditCheckpoint', {
  origin: text(200),
  treeSize: size,
  rootHash: hash,
  hash: oneOf(MERKLE_HASHES),
  /** the gateway's Ed25519 signature, base64 */
  signature: text(200),
  fromSize: size,
  proof: list(hash, 128),
});
export type AuditCheckpointMessage = Payload<typeof AUDIT_CHECKPOINT>;

/** The witness's answer. */
export type WitnessAnswer =
  | { status: 'cosigned'; witness: string; treeSize: number; rootHash: string; cosignedAt: string; cosignature: string }
  /** the witness's last cosigned size differs from fromSize: send again with a proof from it */
  | { status: 'resync'; treeSize: number }
  | { status: 'refused'; reason: string };
