import type { EnvVar, SubgraphRuntime } from '../../kit/module';
import { HttpError } from '../../kit/http';
import { log } from '../../kit/log';
import { evaluateBlinded, ELEMENT_BYTES, OPRF_SUITE, type Evaluation, type OprfKey } from '../../kit/crypto/oprf';
import { readOprfKeyFile } from '../../kit/crypto/oprf-key-file';
import { evaluationLimits, takeLookup } from './lookup-quota';

// 司法局 holds the one key of party references (issue 17; kit/crypto/oprf.ts). Senders blind the
// normalised identifier, this route evaluates the blinded elements, the sender checks the proof
// against justice's public key pinned in the key directory (kit/keys.ts) and unblinds. Justice never sees a number here; no other owner
// holds the key. 个人信息保护法 第51条 (encryption, de-identification), 第73条 (去标识化).

export const PARTY_REF_ENV: EnvVar[] = [
  { name: 'PARTY_OPRF_KEY_FILE', required: true, description: "justice's OPRF key for party references (RFC 9497 P256-SHA256, JSON {suite, keyId, secretKey}); justice only, mounted as a secret" },
];

/** At most this many elements in one request: an outbox batch (kit/outbox.ts) fits. */
export const MAX_BATCH = 500;
const ELEMENT = new RegExp(`^[0-9a-f]{${ELEMENT_BYTES * 2}}$`);

const keys = new WeakMap<SubgraphRuntime, OprfKey>();

/** The key, read once per process from PARTY_OPRF_KEY_FILE. */
export function partyRefKey(runtime: SubgraphRuntime): OprfKey {
  let key = keys.get(runtime);
  if (!key) {
    const file = runtime.env.PARTY_OPRF_KEY_FILE;
    if (!file) throw new Error('PARTY_OPRF_KEY_FILE is not set');
    key = readOprfKeyFile(file);
    keys.set(runtime, key);
  }
  return key;
}

/**
 * POST /internal/party-refs `{ blinded: [hex…] }` from a signed owner: the evaluations and one
 * proof for the batch. Every element counts against the sender's evaluation limits
 * (lookup-quota.ts), in the same usage table as people's lookups, under `owner:<name>`; over the
 * limit nothing is evaluated (429). The log line names the caller and the count, never an element.
 */
export async function evaluatePartyRefs(runtime: SubgraphRuntime, body: unknown, from: { owner: string }): Promise<Evaluation & { suite: string }> {
  const blinded = (body as { blinded?: unknown })?.blinded;
  if (!Array.isArray(blinded) || !blinded.length || blinded.length > MAX_BATCH) throw new HttpError(400, `blinded: 1 to ${MAX_BATCH} elements`);
  const bad = blinded.findIndex((b) => typeof b !== 'string' || !ELEMENT.test(b));
  if (bad >= 0) throw new HttpError(400, `blinded[${bad}]: a compressed P-256 point, ${ELEMENT_BYTES * 2} lowercase hex digits`);
  const caller = `owner:${from.owner}`;
  const taken = await takeLookup(runtime, caller, evaluationLimits(runtime.env), blinded.length);
  if (!taken.ok) {
    log.warn('party reference evaluations refused', { caller, count: blinded.length, period: taken.period, limit: taken.limit });
    throw new HttpError(429, `party references: at most ${taken.limit} evaluations per ${taken.period} for ${from.owner}; try again in ${taken.retryAfterSeconds} s`);
  }
  let answer: Evaluation;
  try {
    answer = evaluateBlinded(partyRefKey(runtime), blinded as string[]);
  } catch {
    throw new HttpError(400, 'blinded: not every element is a point of the group');
  }
  log.info('party references evaluated', { caller, count: blinded.length, keyId: answer.keyId });
  return { suite: OPRF_SUITE, ...answer };
}

/**
 * The route, and who may call it: the senders of case events (the agencies). Justice's public key
 * is not served here: every owner reads it from the key directory, where it is pinned (kit/keys.ts).
 */
export const PARTY_REF_ROUTES = { 'party-refs': evaluatePartyRefs };
