// Data keys wrapped by a key-encryption key kept outside the database (issue 16): the embedded
// default's key file, and a rotation that re-wraps without the old key being needed afterwards.
// Pure computation and a temporary directory: no hub.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { open, seal } from '../kit/crypto/aead';
import { dataKeyContext, fileKeyEncryptionKey, keyRing, localKeyEncryptionKey, newDataKey, wrappingKeyId } from '../kit/crypto/key-wrap';
import { PROFILE_NAMES, PROFILES } from '../kit/crypto/profiles';

const dir = mkdtempSync(join(tmpdir(), 'kek-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(PROFILE_NAMES.map((n) => [n]))('the %s profile', (name) => {
  const { aead } = PROFILES[name];
  const context = dataKeyContext('market-regulation', 'party');

  test('a key file is made once, readable by its owner only, and wraps a data key that unwraps after a restart', async () => {
    const file = join(dir, name, 'market-regulation.kek');
    const kek = fileKeyEncryptionKey(file, 'mr-kek-1', aead);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const dataKey = newDataKey();
    const wrapped = await kek.wrap(dataKey, context);
    expect(wrapped.startsWith(`${aead}:mr-kek-1:`)).toBe(true);
    expect(wrapped).not.toContain(dataKey.toString('hex'));
    expect(wrapped).not.toContain(readFileSync(file, 'utf8').trim());
    const again = fileKeyEncryptionKey(file, 'mr-kek-1', aead); // the process restarted: same file, same key
    expect(await again.unwrap(wrapped, context)).toEqual(dataKey);
  });

  test('a wrapped data key does not unwrap for another owner or purpose, nor with another key', async () => {
    const kek = localKeyEncryptionKey('k1', newDataKey(), aead);
    const wrapped = await kek.wrap(newDataKey(), context);
    expect(await kek.unwrap(wrapped, dataKeyContext('eco-environment', 'party'))).toBeNull();
    expect(await kek.unwrap(wrapped, dataKeyContext('market-regulation', 'informant'))).toBeNull();
    expect(await localKeyEncryptionKey('k1', newDataKey(), aead).unwrap(wrapped, context)).toBeNull();
  });

  test('rotation: data keys re-wrapped under the new key open the same rows, and the old key is no longer needed', async () => {
    const old = localKeyEncryptionKey('kek-2025', newDataKey(), aead);
    const dataKey = newDataKey();
    const wrapped = await old.wrap(dataKey, context);
    const row = seal(aead, 'dk-1', dataKey, '13800138000', 'party.phone:1');

    const next = localKeyEncryptionKey('kek-2026', newDataKey(), aead);
    const during = keyRing(next, old);
    expect(await during.unwrap(wrapped, context)).toEqual(dataKey); // still served while rotating
    const rewrapped = (await during.rewrap(wrapped, context))!;
    expect(wrappingKeyId(rewrapped)).toBe('kek-2026');

    const after = keyRing(next); // the old key retired
    expect(await after.unwrap(wrapped, context)).toBeNull();
    const reopened = (await after.unwrap(rewrapped, context))!;
    expect(open(row, () => reopened, 'party.phone:1')?.toString()).toBe('13800138000');
  });
});

test('a key file that is not a key is refused, and key ids in a ring are distinct', () => {
  const file = join(dir, 'bad.kek');
  writeFileSync(file, 'not a key\n', { mode: 0o600 });
  expect(() => fileKeyEncryptionKey(file, 'ok', 'aes-256-gcm')).toThrow(/not a key-encryption key/);
  const k = localKeyEncryptionKey('same', newDataKey(), 'aes-256-gcm');
  expect(() => keyRing(k, localKeyEncryptionKey('same', newDataKey(), 'aes-256-gcm'))).toThrow(/distinct/);
});
