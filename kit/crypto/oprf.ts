// Keyed party references by an oblivious pseudorandom function (issue 17): RFC 9497, verifiable
// mode (VOPRF, mode 0x01), from a maintained implementation (@noble/curves' abstract/oprf, checked
// against the RFC's appendix A vectors in test/oprf-vectors.test.ts). No group arithmetic here.
//
// Why an OPRF: the party reference must be a keyed function of the identifier (a plain hash of an
// 18-digit number is reversed by enumerating the numbers), yet no owner but the key holder
// (justice) may compute it, and the key holder must never see the number. The sender blinds the
// normalised identifier, justice evaluates the blinded element with its key, the sender unblinds
// (finalizes). Justice learns nothing of the input; the sender learns the output and nothing of
// the key. The verifiable mode adds a DLEQ proof that justice used the key behind its one
// published public key, so a compromised or mistaken evaluator cannot hand one agency references
// under another key (which would split a party's history silently) or tag one sender's inputs.
//
// Why P256-SHA256 (RFC 9497 §4.3) and not ristretto255-SHA512: P-256 is the curve every HSM and
// KMS on the market offers for raw scalar multiplication (PKCS#11 CKM_ECDH1_DERIVE on secp256r1),
// so the evaluation key can later move into one without changing a single stored reference; the
// hub already runs P-256 elsewhere (ECDSA). The cost is not small in pure JavaScript: measured by
// bench/party-refs.ts on the 2-core machine under other load, about 16 ms of the agency's CPU and 7 ms of justice's
// per indexed case (batches of 100), and about 31 ms of the gateway's and 24 ms of justice's per
// lookup (blinding, evaluation with its proof, verification and finalization).
//
// Encoding on the wire and at rest: lowercase hex. An element is 33 bytes (compressed SEC1), a
// proof 64, an output 32 — the reference (partyRef) is `hex(Finalize(...))`, 64 hex digits.
import { p256, p256_oprf } from '@noble/curves/nist.js';

export const OPRF_SUITE = 'P256-SHA256';
const voprf = p256_oprf.voprf;

/** Lengths in bytes (RFC 9497 §4.3: Ne = 33, Ns = 32, Nh = 32; a proof is two scalars). */
export const ELEMENT_BYTES = 33;
export const OUTPUT_BYTES = 32;
export const PROOF_BYTES = 64;

const HEX = /^[0-9a-f]*$/;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
function unhex(value: string, bytes: number, what: string): Uint8Array {
  if (typeof value !== 'string' || value.length !== bytes * 2 || !HEX.test(value)) throw new Error(`oprf: ${what} must be ${bytes * 2} lowercase hex digits`);
  return Uint8Array.from(Buffer.from(value, 'hex'));
}

/** A party reference: the OPRF output, hex. What the index stores and matches on. */
export const PARTY_REF = /^[0-9a-f]{64}$/;

/** The evaluator's key pair (justice only). `id` names the key in every answer, for rotation. */
export interface OprfKey { id: string; secretKey: Uint8Array; publicKey: string }

/** A new random key pair (RFC 9497 §3.2 GenerateKeyPair). */
export function generateOprfKey(id: string): OprfKey {
  const { secretKey, publicKey } = voprf.generateKeyPair();
  return { id, secretKey: Uint8Array.from(secretKey), publicKey: hex(publicKey) };
}

/** The key pair of a stored secret scalar (hex), its public key recomputed (DeriveKeyPair's last step). */
export function oprfKeyOf(id: string, secretKeyHex: string): OprfKey {
  const secretKey = unhex(secretKeyHex, 32, 'the secret key');
  const publicKey = p256.getPublicKey(secretKey, true);
  return { id, secretKey, publicKey: hex(publicKey) };
}

/** The client's input: the kind and the normalised identifier, so a person and an organisation never collide. */
export const partyInput = (kind: string, normalised: string) => Buffer.from(`${kind}:${normalised}`, 'utf8');

/** What the client keeps between blinding and finalizing (never sent). */
export interface Blinded { input: Uint8Array; blind: Uint8Array; blinded: string }

/** Client, step 1 (RFC 9497 §3.3.2 Blind): a fresh random blind per input. */
export function blindInput(input: Uint8Array): Blinded {
  const { blind, blinded } = voprf.blind(input);
  return { input, blind: Uint8Array.from(blind), blinded: hex(blinded) };
}

/** The evaluator's answer to a batch: one element per blinded element, one proof for all. */
export interface Evaluation { keyId: string; evaluated: string[]; proof: string }

/** Evaluator (RFC 9497 §3.3.2 BlindEvaluate, batched): refuses anything that is not a valid element. */
export function evaluateBlinded(key: OprfKey, blinded: readonly string[]): Evaluation {
  const elements = blinded.map((b, i) => unhex(b, ELEMENT_BYTES, `blinded[${i}]`));
  const { evaluated, proof } = voprf.blindEvaluateBatch(key.secretKey, unhex(key.publicKey, ELEMENT_BYTES, 'the public key'), elements);
  return { keyId: key.id, evaluated: evaluated.map(hex), proof: hex(proof) };
}

/**
 * Client, step 3 (RFC 9497 §3.3.2 Finalize, batched): checks the proof against the PUBLISHED key
 * (not one the evaluator names in its answer) and unblinds. Throws when the proof fails: the
 * caller sends nothing rather than a reference under an unknown key.
 */
export function finalizeEvaluation(publicKey: string, items: readonly Blinded[], answer: Evaluation): string[] {
  if (!Array.isArray(answer?.evaluated) || answer.evaluated.length !== items.length) throw new Error('oprf: the evaluation does not answer every blinded element');
  const outputs = voprf.finalizeBatch(items.map((item, i) => ({
    input: item.input, blind: item.blind,
    blinded: unhex(item.blinded, ELEMENT_BYTES, `blinded[${i}]`),
    evaluated: unhex(answer.evaluated[i], ELEMENT_BYTES, `evaluated[${i}]`),
  })), unhex(publicKey, ELEMENT_BYTES, 'the public key'), unhex(answer.proof, PROOF_BYTES, 'the proof'));
  return outputs.map(hex);
}

/** The key holder's own evaluation of an input it knows (RFC 9497 §3.3.2 Evaluate): test data and benchmark seeding only. */
export function evaluateDirectly(key: OprfKey, input: Uint8Array): string {
  // The library implements Evaluate for VOPRF (RFC 9497 §3.3.2) but leaves it out of its types.
  const { evaluate } = voprf as unknown as { evaluate(secretKey: Uint8Array, input: Uint8Array): Uint8Array };
  return hex(evaluate(key.secretKey, input));
}
