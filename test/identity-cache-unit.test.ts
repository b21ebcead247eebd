// The subgraphs' memory of verified identities (kit/identity.ts verifyIdentityCached): a token is
// addressed to one receiver, so one receiver's verdict says nothing to another. In one process
// (the test hub runs every subgraph in the test's own) a token justice accepted must still be
// refused by the procuratorate, whose audience check it fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signForwardedIdentity, signServiceIdentity, verifyIdentityCached, type Receiver } from '../kit/identity';
import { ensureKeys, readKeyDirectory, readSigningKey, GATEWAY, type SigningKey } from '../kit/keys';

const OWNERS = [GATEWAY, 'justice', 'procuratorate', 'market-regulation'];
let dir: string;
let gateway: SigningKey;
let market: SigningKey;
let justice: Receiver;
let procuratorate: Receiver;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'identity-cache-'));
  const files = await ensureKeys(dir, OWNERS);
  gateway = await readSigningKey(files.privateKey(GATEWAY), GATEWAY);
  market = await readSigningKey(files.privateKey('market-regulation'), 'market-regulation');
  const directory = await readKeyDirectory(files.directory);
  justice = { name: 'justice', directory };
  procuratorate = { name: 'procuratorate', directory };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verifyIdentityCached', () => {
  it('refuses at another receiver a forwarded identity one receiver verified', async () => {
    const token = await signForwardedIdentity({ sub: 'u1', role: 'procurator', org: 'PROC-320706', region: '320706' }, gateway, 'justice');
    expect((await verifyIdentityCached(token, justice)).role).toBe('procurator');
    await expect(verifyIdentityCached(token, procuratorate)).rejects.toThrow(/aud/);
    // Still accepted where it was addressed.
    expect((await verifyIdentityCached(token, justice)).sub).toBe('u1');
  });

  it('refuses at another receiver a service identity one receiver verified', async () => {
    const token = await signServiceIdentity(market, 'justice');
    expect((await verifyIdentityCached(token, justice)).signer).toBe('market-regulation');
    await expect(verifyIdentityCached(token, procuratorate)).rejects.toThrow(/aud/);
  });
});
