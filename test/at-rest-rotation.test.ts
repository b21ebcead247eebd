// Key rotation without downtime (issue 16). While officers record and read cases, the rotation
// command (scripts/keys.ts --rotate --reencrypt) makes a new data key for the agency and re-seals
// every party row under it in batches: no request fails, every value reads back. Then the
// key-encryption key is replaced: the agency restarted with the new file and the old one as
// previous re-wraps its data keys at start (rows untouched), and from then on runs on the new
// file alone.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHub, type TestHub } from './support/hub';
import { callers, marketCaseInput, residentId, seedBureaus, waitForIndexed } from './support/fixtures';
import { keyEncryptionKeyId, wrappingKeyId } from '../kit/crypto/key-wrap';
import { sealedHeader } from '../kit/crypto/aead';

const run = promisify(execFile);
const REASON = '案件办理';
const AGENCY = 'market-regulation';

let sequence = 0;
const person = () => {
  sequence += 1;
  return { kind: 'NATURAL_PERSON', name: `测试当事人${sequence}`, idNumber: residentId('320706', '19800101', 100 + sequence), phone: `1390000${String(1000 + sequence)}`, address: `江苏省连云港市海州区测试路${sequence}号` };
};

describe('rotating the keys at rest while the hub serves', () => {
  let hub: TestHub;
  const written = new Map<string, ReturnType<typeof person>>();

  const record = async () => {
    const party = person();
    const { data, errors } = await hub.graphql(`mutation($input: MarketRegulationCaseInput!) { createMarketRegulationCase(input: $input) { id party { name idNumber phone address } } }`,
      { input: marketCaseInput({ party }) }, { ...callers.marketOfficer, reason: REASON });
    if (errors) throw new Error(JSON.stringify(errors));
    expect(data.createMarketRegulationCase.party).toEqual({ name: party.name, idNumber: party.idNumber, phone: party.phone, address: party.address });
    written.set(data.createMarketRegulationCase.id, party);
  };
  /** Every recorded case through the gateway, 20 to a request (the alias limit is 30). */
  const readAll = async () => {
    const ids = [...written.keys()];
    const errors: unknown[] = [];
    const cases: { id: string; party: Record<string, string> }[] = [];
    for (let at = 0; at < ids.length; at += 20) {
      const chunk = ids.slice(at, at + 20);
      const response = await hub.graphql(`query(${chunk.map((_, i) => `$id${i}: ID!`).join(', ')}) { ${chunk.map((_, i) => `c${i}: case(id: $id${i}) { id party { name idNumber phone address } }`).join(' ')} }`,
        Object.fromEntries(chunk.map((id, i) => [`id${i}`, id])), { ...callers.marketOfficer, reason: REASON });
      errors.push(...(response.errors ?? []));
      cases.push(...(chunk.map((_, i) => response.data?.[`c${i}`]) as typeof cases));
    }
    return { errors: errors.length ? errors : undefined, cases };
  };
  const expectAllBack = async () => {
    const { errors, cases } = await readAll();
    expect(errors).toBeUndefined();
    expect(cases.map((c) => [c.id, c.party])).toEqual([...written.entries()].map(([id, p]) => [id, { name: p.name, idNumber: p.idNumber, phone: p.phone, address: p.address }]));
  };
  const keysOf = async () => {
    const db = await hub.ownerDatabase(AGENCY);
    try {
      const keys = (await db.query(`SELECT id, purpose, wrapped FROM data_key ORDER BY created_at`)).rows as { id: string; purpose: string; wrapped: string }[];
      const rows = (await db.query(`SELECT name, id_number, phone, address FROM party ORDER BY id`)).rows as Record<string, string | null>[];
      const values = rows.flatMap((r) => Object.values(r)).filter((v): v is string => !!v);
      return { keys, values, sealedWith: values.map((v) => sealedHeader(v)?.keyId ?? 'plain') };
    } finally {
      await db.end();
    }
  };

  beforeAll(async () => {
    hub = await startHub();
    await seedBureaus(hub);
    await Promise.all(Array.from({ length: 6 }, () => record()));
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('re-encrypts every row under a new data key while cases are recorded and read, and no request fails', async () => {
    const before = await keysOf();
    const oldKey = before.keys.find((k) => k.purpose === 'fields')!.id;
    expect(new Set(before.sealedWith)).toEqual(new Set([oldKey]));

    let loading = true;
    const failures: string[] = [];
    const load = (async () => {
      let n = 0;
      while (loading) {
        n += 1;
        try {
          if (n % 2) await record();
          else {
            const { errors } = await readAll();
            if (errors) failures.push(JSON.stringify(errors));
          }
        } catch (error) {
          failures.push(String(error));
        }
      }
      return n;
    })();
    const env = hub.environments[AGENCY];
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/keys.ts', '--rotate', AGENCY, '--reencrypt'], {
      env: { PATH: process.env.PATH, DATABASE_URL: env.DATABASE_URL, DATA_KEK_FILE: env.DATA_KEK_FILE },
    });
    const done = JSON.parse(stdout.trim().split('\n').pop()!);
    loading = false;
    const requests = await load;
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(2);
    expect(done).toMatchObject({ owner: AGENCY, rewrapped: 0 });
    expect(done.resealed).toBeGreaterThanOrEqual(6);
    expect(done.dataKey).not.toBe(oldKey);

    const after = await keysOf();
    expect(after.keys.filter((k) => k.purpose === 'fields').map((k) => k.id)).toEqual([oldKey, done.dataKey]);
    // Every row sealed before the rotation is under the new key; none is plain.
    expect(after.sealedWith).not.toContain('plain');
    expect(after.sealedWith.filter((k) => k === done.dataKey).length).toBeGreaterThanOrEqual(before.sealedWith.length);
    await Promise.all([...written.keys()].map((id) => waitForIndexed(hub, id, 15_000)));
    await expectAllBack();
  }, 90_000);

  it('replaces the key-encryption key: data keys re-wrapped at start, rows untouched, the old file no longer needed', async () => {
    const env = hub.environments[AGENCY];
    const oldFile = env.DATA_KEK_FILE!;
    const newFile = join(hub.dataDir, 'keys', `${AGENCY}.data-kek.2`);
    const secret = randomBytes(32);
    writeFileSync(newFile, `${secret.toString('hex')}\n`, { mode: 0o600 });
    const before = await keysOf();

    env.DATA_KEK_FILE = newFile;
    env.DATA_KEK_PREVIOUS_FILES = oldFile;
    await hub.stopSubgraph(AGENCY);
    await hub.startSubgraph(AGENCY);
    const after = await keysOf();
    expect(after.keys.map((k) => wrappingKeyId(k.wrapped))).toEqual(after.keys.map(() => keyEncryptionKeyId(secret)));
    expect(after.keys.map((k) => k.id)).toEqual(before.keys.map((k) => k.id));
    // Rows under the current data key are untouched, byte for byte. A row a serving process sealed
    // with the old data key in its key-cache window after the re-encryption (kit/at-rest.ts,
    // rotateAtRest) is re-sealed under the current one by this start's pass, as documented there.
    const current = before.keys.filter((k) => k.purpose === 'fields').at(-1)!.id;
    expect(after.values).toEqual(before.values.map((v, i) => (before.sealedWith[i] === current ? v : expect.any(String))));
    expect(after.sealedWith).toEqual(before.sealedWith.map(() => current));

    delete env.DATA_KEK_PREVIOUS_FILES;
    await hub.stopSubgraph(AGENCY);
    await hub.startSubgraph(AGENCY);
    await eventually(async () => ((await readAll()).errors ? undefined : true), 15_000, 'the agency back');
    await expectAllBack();
  }, 90_000);
});
