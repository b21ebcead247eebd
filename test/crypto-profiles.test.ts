// Crypto profiles (issue 16): each deployment picks the international or the commercial
// (商用密码) set; whatever a profile makes names its algorithm, so it can be read back after a
// deployment switches. Pure computation: no hub.
import { sm3 as referenceSm3 } from 'sm-crypto-v2';
import { describe, expect, test } from 'vitest';
import { DATA_KEY_LENGTH, open, seal, sealedHeader, type AeadName } from '../kit/crypto/aead';
import { mac } from '../kit/crypto/hash';
import { blindIndex, cryptoProfile, DEFAULT_PROFILE, PROFILE_NAMES, profileSigner, PROFILES, type ProfileName } from '../kit/crypto/profiles';
import { merkleHasher } from '../kit/merkle';
import { randomBytes } from 'node:crypto';

const profiles = PROFILE_NAMES.map((name) => [name] as [ProfileName]);

test('the profiles name their algorithms; the embedded default is the international one', () => {
  expect(PROFILES.international).toMatchObject({ signature: 'ed25519', hash: 'sha256', aead: 'aes-256-gcm', mac: 'hmac-sha256' });
  expect(PROFILES.commercial).toMatchObject({ signature: 'sm2-sm3', hash: 'sm3', aead: 'sm4-ctr-hmac-sm3', mac: 'hmac-sm3' });
  expect(DEFAULT_PROFILE).toBe('international');
  expect(cryptoProfile()).toBe(PROFILES.international);
  expect(cryptoProfile('commercial')).toBe(PROFILES.commercial);
  expect(() => cryptoProfile('sm')).toThrow(/unknown profile sm/);
});

describe.each(profiles)('the %s profile', (name) => {
  const profile = cryptoProfile(name);

  test("signs and verifies with its scheme; another key's or an altered message's signature fails", () => {
    const signer = profileSigner(profile);
    const { privateKey, publicKey } = signer.generateKeyPair();
    expect(signer.publicKeyOf(privateKey)).toEqual(publicKey);
    const signature = signer.sign(privateKey, 'checkpoint 42');
    expect(signature).toHaveLength(64);
    expect(signer.verify(publicKey, 'checkpoint 42', signature)).toBe(true);
    expect(signer.verify(publicKey, 'checkpoint 43', signature)).toBe(false);
    expect(signer.verify(signer.generateKeyPair().publicKey, 'checkpoint 42', signature)).toBe(false);
  });

  test("its hash is one the audit log's Merkle tree takes by the same name", () => {
    expect(merkleHasher(profile.hash).name).toBe(profile.hash);
  });

  describe('sealing a stored value', () => {
    const key = randomBytes(DATA_KEY_LENGTH);
    const keys = (k: string) => (k === 'agencies-2026' ? key : undefined);
    const where = 'market_regulation.party.id_number:7';
    const sealed = seal(profile.aead, 'agencies-2026', key, '110101199003074514', where);

    test('names its algorithm and key, and shows nothing of the value', () => {
      expect(sealedHeader(sealed)).toEqual({ algorithm: profile.aead, keyId: 'agencies-2026' });
      expect(sealed).not.toContain('110101199003074514');
      expect(Buffer.from(sealed.split(':')[2], 'base64url').toString('latin1')).not.toContain('1101011990');
      expect(seal(profile.aead, 'agencies-2026', key, '110101199003074514', where)).not.toBe(sealed); // a fresh nonce each time
    });
    test('opens with its key where it was sealed', () => {
      expect(open(sealed, keys, where)?.toString('utf8')).toBe('110101199003074514');
    });
    test('does not open elsewhere, with another key, altered, or under another name', () => {
      expect(open(sealed, keys, 'market_regulation.party.id_number:8')).toBeNull(); // copied to another row
      expect(open(sealed, () => randomBytes(DATA_KEY_LENGTH), where)).toBeNull();
      expect(open(sealed, () => undefined, where)).toBeNull(); // key unknown
      const body = Buffer.from(sealed.split(':')[2], 'base64url');
      for (const at of [0, 20, body.length - 1]) {
        const altered = Buffer.from(body);
        altered[at] ^= 1;
        expect(open(`${profile.aead}:agencies-2026:${altered.toString('base64url')}`, keys, where)).toBeNull();
      }
      const other: AeadName = profile.aead === 'aes-256-gcm' ? 'sm4-ctr-hmac-sm3' : 'aes-256-gcm';
      expect(open(sealed.replace(profile.aead, other), keys, where)).toBeNull(); // relabelled algorithm
      expect(open(sealed.replace('agencies-2026', 'agencies-2027'), (k) => (k === 'agencies-2027' ? key : undefined), where)).toBeNull(); // relabelled key
      expect(open(sealed.slice(0, -10), keys, where)).toBeNull(); // truncated
      expect(open('110101199003074514', keys, where)).toBeNull(); // not sealed at all
    });
  });

  test('a blind index finds equal values without holding them: one per purpose, key and profile', () => {
    const key = randomBytes(32);
    const index = blindIndex(profile, key, 'party.id_number', '110101199003074514');
    expect(index).toMatch(new RegExp(`^${profile.mac}:[0-9a-f]{64}$`));
    expect(blindIndex(profile, key, 'party.id_number', '110101199003074514')).toBe(index);
    expect(blindIndex(profile, key, 'party.id_number', '110101199003074515')).not.toBe(index);
    expect(blindIndex(profile, key, 'party.phone', '110101199003074514')).not.toBe(index);
    expect(blindIndex(profile, randomBytes(32), 'party.id_number', '110101199003074514')).not.toBe(index);
    const other = PROFILES[name === 'international' ? 'commercial' : 'international'];
    expect(blindIndex(other, key, 'party.id_number', '110101199003074514')).not.toBe(index);
    expect(index).not.toContain('110101199003074514');
    expect(() => blindIndex(profile, randomBytes(16), 'party.id_number', 'x')).toThrow(/at least 32 bytes/);
  });
});

test('values sealed under one profile still open after the deployment switches to the other', () => {
  const key = randomBytes(DATA_KEY_LENGTH);
  const before = seal(PROFILES.international.aead, 'k1', key, '13800138000', 'phone:1');
  const after = seal(PROFILES.commercial.aead, 'k1', key, '13900139000', 'phone:2');
  // The reader takes the algorithm each value names, whatever the profile now is.
  expect(open(before, () => key, 'phone:1')?.toString()).toBe('13800138000');
  expect(open(after, () => key, 'phone:2')?.toString()).toBe('13900139000');
});

test('HMAC-SM3 agrees with an independent implementation (sm-crypto-v2, JavaScript) on random keys and messages', () => {
  for (let i = 0; i < 20; i++) {
    const key = randomBytes(1 + i * 7); // shorter and longer than SM3's 64-byte block
    const message = randomBytes(i * 13);
    expect(mac('hmac-sm3', key, message).toString('hex')).toBe(referenceSm3(message, { key, mode: 'hmac' }));
  }
});
