// One way to sign a short text with an owner's Ed25519 key (kit/keys.ts) and check it: the audit
// log's checkpoints and cosignatures (kit/checkpoint.ts) and the owners' backup files
// (scripts/backup.ts). Every signed text starts with a context line naming what it is and its
// version ("supervision-graph audit checkpoint v1"), text that no JWS signing input
// (base64url.base64url) can be and no other context shares, so a signature made for one purpose
// cannot be replayed as another.
import { KeyObject, sign, verify } from 'node:crypto';
import type { SigningKey } from './keys';

export const SIGNED_TEXT_ALGORITHM = 'Ed25519';

const keyObject = (key: CryptoKey | KeyObject) => (key instanceof KeyObject ? key : KeyObject.from(key));

function contextLine(context: string): string {
  if (!/^supervision-graph [a-z ]+ v\d+$/.test(context)) throw new Error(`signed text: the context "${context}" is "supervision-graph <what> v<n>"`);
  return `${context}\n`;
}

/** The key's signature (base64) over the context line and the text. */
export function signText(key: SigningKey, context: string, text: string): string {
  return sign(null, Buffer.from(contextLine(context) + text, 'utf8'), keyObject(key.key)).toString('base64');
}

/** Whether `signature` is the key's over the context line and the text; false for anything malformed. */
export function verifyText(publicKey: CryptoKey | KeyObject, context: string, text: string, signature: unknown): boolean {
  if (typeof signature !== 'string' || !/^[A-Za-z0-9+/]{86}==$/.test(signature)) return false; // an Ed25519 signature is 64 bytes
  try {
    return verify(null, Buffer.from(contextLine(context) + text, 'utf8'), keyObject(publicKey), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
