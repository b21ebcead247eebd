// Keys and identities between owners, without a hub: what a subgraph believes of a token it is
// shown, and how the key files are kept (architecture, "Trust between owners").
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signForwardedIdentity, signServiceIdentity, verifyIdentity, type Receiver } from '../kit/identity';
import { ensureKeys, PARTY_REF_KEY_FILE, publishPartyRefKey, readKeyDirectory, readPartyRefKeys, readSigningKey, type KeyFiles, type SigningKey } from '../kit/keys';
import { blindInput, evaluateBlinded, finalizeEvaluation, generateOprfKey, partyInput } from '../kit/crypto/oprf';
import { writeOprfKeyFile } from '../kit/crypto/oprf-key-file';

const OWNERS = ['gateway', 'justice', 'market-regulation', 'procuratorate'];
const PROCURATOR = { sub: 'p-1', role: 'procurator' as const, org: 'PROC-320706', region: '320706', reason: '立案审查' };

describe('owner keys and the identities they sign', () => {
  let dir: string;
  let files: KeyFiles;
  let justice: Receiver;
  const key: Record<string, SigningKey> = {};
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-keys-'));
    files = await ensureKeys(dir, OWNERS);
    for (const owner of OWNERS) key[owner] = await readSigningKey(files.privateKey(owner), owner);
    justice = { name: 'justice', directory: await readKeyDirectory(files.directory) };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps existing keys on the next start and lists public halves only in the directory', async () => {
    const before = readFileSync(files.privateKey('justice'), 'utf8');
    await ensureKeys(dir, OWNERS);
    expect(readFileSync(files.privateKey('justice'), 'utf8')).toBe(before);
    const directory = JSON.parse(readFileSync(files.directory, 'utf8')) as { keys: Record<string, unknown>[] };
    expect(directory.keys.map((k) => k.kid)).toEqual(OWNERS);
    expect(directory.keys.filter((k) => 'd' in k)).toEqual([]);
  });

  it("refuses a directory holding a private key, and an owner's key file used as another's", async () => {
    const leaky = join(dir, 'leaky.json');
    writeFileSync(leaky, JSON.stringify({ keys: [JSON.parse(readFileSync(files.privateKey('gateway'), 'utf8'))] }));
    await expect(readKeyDirectory(leaky)).rejects.toThrow(/public keys only/);
    await expect(readSigningKey(files.privateKey('market-regulation'), 'justice')).rejects.toThrow(/not of justice/);
  });

  it("accepts an end user the gateway forwards, and takes the role's scopes from the policy, not the token", async () => {
    const identity = await verifyIdentity(await signForwardedIdentity({ ...PROCURATOR, scopes: ['audit:read'] }, key.gateway, 'justice'), justice);
    expect(identity).toEqual({ ...PROCURATOR, signer: 'gateway' });
  });

  it('accepts a forwarded identity only where the gateway addressed it: its receiver cannot replay it elsewhere', async () => {
    await expect(verifyIdentity(await signForwardedIdentity(PROCURATOR, key.gateway, 'market-regulation'), justice)).rejects.toThrow(/aud/);
  });

  it("accepts an owner's service identity addressed to this receiver only", async () => {
    expect(await verifyIdentity(await signServiceIdentity(key['market-regulation'], 'justice'), justice))
      .toEqual({ sub: 'service:market-regulation', role: 'service', signer: 'market-regulation' });
    await expect(verifyIdentity(await signServiceIdentity(key['market-regulation'], 'procuratorate'), justice)).rejects.toThrow();
  });

  it('lets neither the gateway sign a service nor an owner sign an end user', async () => {
    await expect(signForwardedIdentity({ sub: 'service:justice', role: 'service' }, key.gateway, 'justice')).rejects.toThrow(/end users only/);
    await expect(signForwardedIdentity(PROCURATOR, key['market-regulation'], 'justice')).rejects.toThrow(/signed by the gateway/);
    const asUser = await new SignJWT({ role: 'procurator', org: 'PROC-320706' }).setProtectedHeader({ alg: 'EdDSA', kid: 'market-regulation' })
      .setIssuer('market-regulation').setAudience('justice').setSubject('service:market-regulation').setIssuedAt().setExpirationTime('60s')
      .sign(key['market-regulation'].key);
    await expect(verifyIdentity(asUser, justice)).rejects.toThrow(/vouches for service:market-regulation only/);
  });

  it('refuses unsigned, expired, lifetime-less and unknown-signer tokens, and HS256 made with a public key', async () => {
    const base = () => new SignJWT({ role: 'procurator' }).setIssuer('gateway').setAudience('justice').setSubject('x').setIssuedAt();
    const unsigned = new UnsecuredJWT({ role: 'procurator' }).setIssuer('gateway').setAudience('justice').setSubject('x').setIssuedAt().setExpirationTime('60s').encode();
    const expired = await base().setProtectedHeader({ alg: 'EdDSA', kid: 'gateway' }).setExpirationTime(Math.floor(Date.now() / 1000) - 10).sign(key.gateway.key);
    const forever = await base().setProtectedHeader({ alg: 'EdDSA', kid: 'gateway' }).sign(key.gateway.key);
    const stranger = await base().setProtectedHeader({ alg: 'EdDSA', kid: 'someone' }).setExpirationTime('60s').sign(key.gateway.key);
    const publicBytes = new TextEncoder().encode(JSON.parse(readFileSync(files.directory, 'utf8')).keys[0].x);
    const confused = await base().setProtectedHeader({ alg: 'HS256', kid: 'gateway' }).setExpirationTime('60s').sign(publicBytes);
    for (const token of [unsigned, expired, forever, stranger, confused, '', 'not.a.token']) {
      await expect(verifyIdentity(token, justice), token.slice(0, 30)).rejects.toThrow();
    }
  });
});

// Issue 17: justice's OPRF public key is pinned in the same directory. The agencies' relays and the
// gateway check justice's proofs against it, never against a key justice hands out itself.
describe("justice's OPRF public key, pinned in the key directory", () => {
  let dir: string;
  let files: KeyFiles;
  let first: ReturnType<typeof generateOprfKey>;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'hub-keys-oprf-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** What a sender does with an evaluation: checks the proof against a public key and unblinds. */
  const lookUp = (publicKey: string, evaluator: ReturnType<typeof generateOprfKey>) => {
    const item = blindInput(partyInput('NATURAL_PERSON', '320706197906234170'));
    return finalizeEvaluation(publicKey, [item], evaluateBlinded(evaluator, [item.blinded]))[0];
  };

  it("pins the public half of justice's key file beside the owners' keys, and the owners' keys read as before", async () => {
    const key = first = writeOprfKeyFile(join(dir, PARTY_REF_KEY_FILE), 'k-first');
    files = await ensureKeys(dir, OWNERS);
    expect([...readPartyRefKeys(files.directory)]).toEqual([['k-first', key.publicKey]]);
    expect([...(await readKeyDirectory(files.directory)).keys()]).toEqual(OWNERS);
    const text = readFileSync(files.directory, 'utf8');
    expect(text).not.toContain(Buffer.from(key.secretKey).toString('hex'));
    expect(JSON.parse(text).keys.filter((k: Record<string, unknown>) => 'd' in k)).toEqual([]);
  });

  it('lets a proof by the pinned key through, and refuses one by any other key: nothing is unblinded', () => {
    const pinned = readPartyRefKeys(files.directory).get('k-first')!;
    expect(lookUp(pinned, first)).toMatch(/^[0-9a-f]{64}$/);
    const justice = writeOprfKeyFile(join(dir, 'again', PARTY_REF_KEY_FILE), 'k-first'); // another key under the same id
    expect(() => lookUp(pinned, justice)).toThrow();
    const rogue = generateOprfKey('k-first');
    expect(() => lookUp(pinned, rogue)).toThrow();
  });

  it('keeps the old key pinned through a rotation and pins the new one; another key under a pinned id is refused', async () => {
    const old = readPartyRefKeys(files.directory).get('k-first')!;
    const next = generateOprfKey('k-second');
    publishPartyRefKey(files.directory, next);
    publishPartyRefKey(files.directory, next); // the same key again changes nothing
    expect([...readPartyRefKeys(files.directory)]).toEqual([['k-first', old], ['k-second', next.publicKey]]);
    expect(lookUp(readPartyRefKeys(files.directory).get('k-second')!, next)).toMatch(/^[0-9a-f]{64}$/);
    expect(() => publishPartyRefKey(files.directory, generateOprfKey('k-second'))).toThrow(/another OPRF key/);
    // The embedded default restarted with the new key file: both stay pinned.
    rmSync(join(dir, PARTY_REF_KEY_FILE));
    const third = writeOprfKeyFile(join(dir, PARTY_REF_KEY_FILE), 'k-third');
    await ensureKeys(dir, OWNERS);
    expect([...readPartyRefKeys(files.directory).keys()]).toEqual(['k-first', 'k-second', 'k-third']);
    expect(readPartyRefKeys(files.directory).get('k-third')).toBe(third.publicKey);
  });

  it('refuses a directory holding an OPRF private key, or an OPRF key that is no P-256 point', async () => {
    const directory = JSON.parse(readFileSync(files.directory, 'utf8'));
    const entry = directory.keys.find((k: Record<string, unknown>) => k.use === 'oprf');
    const leaky = join(dir, 'leaky-oprf.json');
    writeFileSync(leaky, JSON.stringify({ keys: [...directory.keys, { ...entry, kid: 'k-leak', d: 'AAAA' }] }));
    expect(() => readPartyRefKeys(leaky)).toThrow(/public keys only/);
    await expect(readKeyDirectory(leaky)).rejects.toThrow(/public keys only/);
    const offCurve = join(dir, 'off-curve.json');
    writeFileSync(offCurve, JSON.stringify({ keys: [{ ...entry, y: entry.x }] }));
    expect(() => readPartyRefKeys(offCurve)).toThrow();
  });
});
