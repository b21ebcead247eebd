// Key files of a deployment (README, "Real databases (production)"). No secret is shared between
// owners: each has its own Ed25519 key pair; the directory lists the public halves.
//
//   npx tsx scripts/keys.ts <dir>                       one host (docker-compose): a pair for the gateway
//                                                       and every subgraph, and <dir>/public-keys.json
//   npx tsx scripts/keys.ts <dir> --owner <name>        on an owner's own host: its pair only; hand out
//                                                       <dir>/<name>.public.jwk.json, keep the private key
//   npx tsx scripts/keys.ts <dir> --directory <f>...    the directory from the owners' public key files
//                                                       (justice's OPRF public key file among them)
// Public security, justice (its complainants) and every agency also get <dir>/<owner>.data-kek, the key-encryption key of their
// data keys at rest (issue 16). Rotating them while the owner serves (no downtime):
//   DATABASE_URL=… DATA_KEK_FILE=… [DATA_KEK_PREVIOUS_FILES=…] [CRYPTO_PROFILE=…] \
//   npx tsx scripts/keys.ts --rotate <owner> [--reencrypt]
//                                   re-wraps the owner's data keys under DATA_KEK_FILE (those a
//                                   previous key wrapped); --reencrypt also makes a new data key and
//                                   re-seals every row under it in batches. DATA_KEK_FILE must be a
//                                   key the serving processes hold (README, "Personal data at rest").
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SUBGRAPHS } from '../subgraphs/index';
import { ensureKeys, GATEWAY, writeKeyDirectory, writeOwnerKeyPair, writePartyRefPublicKey } from '../kit/keys';
import { ensureOprfKeyFile } from '../kit/crypto/oprf-key-file';
import { ensureKeyEncryptionKeyFile } from '../kit/crypto/key-wrap';
import { envOf } from '../kit/module';
import { ownerSealing, rotateAtRest, type SealedTable } from '../kit/at-rest';
import { PARTY_AT_REST } from '../subgraphs/agencies/kit/party';
import { COMPLAINT_AT_REST } from '../subgraphs/justice/complaints';
import { INVESTIGATION_AT_REST } from '../subgraphs/public-security/investigation';

/** Justice's OPRF key of party references (issue 17): justice's alone, made with its pair. */
const partyRefKey = (dir: string) => { const file = join(dir, 'justice.party-ref-key.json'); ensureOprfKeyFile(file); return file; };

/**
 * The key-encryption key of an owner's data keys at rest (issue 16, kit/at-rest.ts): made with its
 * pair for every owner that seals personal fields (declares DATA_KEK_FILE); kept when it exists.
 */
const sealing = new Set(SUBGRAPHS.filter((s) => envOf(s).some((v) => v.name === 'DATA_KEK_FILE')).map((s) => s.name));
const dataKek = (dir: string, owner: string) => { const file = join(dir, `${owner}.data-kek`); ensureKeyEncryptionKeyFile(file); return file; };

/** What each sealing owner seals (its tables), for --rotate. */
const SEALED_TABLES = (owner: string): SealedTable[] =>
  (owner === 'public-security' ? [INVESTIGATION_AT_REST] : owner === 'justice' ? [COMPLAINT_AT_REST] : [PARTY_AT_REST]);

const { values, positionals } = parseArgs({ allowPositionals: true, options: { owner: { type: 'string' }, directory: { type: 'boolean' }, rotate: { type: 'string' }, reencrypt: { type: 'boolean' } } });
if (values.rotate) {
  if (!sealing.has(values.rotate) || !process.env.DATABASE_URL || !process.env.DATA_KEK_FILE) {
    console.error(`usage: DATABASE_URL=… DATA_KEK_FILE=… [DATA_KEK_PREVIOUS_FILES=…] scripts/keys.ts --rotate <${[...sealing].join('|')}> [--reencrypt]`);
    process.exit(2);
  }
  const { runtime, close } = await ownerSealing(values.rotate, process.env.DATABASE_URL, process.env);
  try {
    const done = await rotateAtRest(runtime, SEALED_TABLES(values.rotate), { reencrypt: values.reencrypt });
    console.log(JSON.stringify({ owner: values.rotate, ...done }));
  } finally {
    await close();
  }
  process.exit(0);
}
const [dir, ...publicFiles] = positionals;
const owners = [GATEWAY, ...SUBGRAPHS.map((s) => s.name)];
if (!dir || (values.owner && !owners.includes(values.owner)) || (values.directory && !publicFiles.length)) {
  console.error(`usage: scripts/keys.ts <dir> [--owner <${owners.join('|')}>] [--directory <public key files>...]`);
  process.exit(2);
}
if (values.owner) {
  const { privateKey, publicKey } = await writeOwnerKeyPair(dir, values.owner);
  console.log(`private key (${values.owner} only): ${privateKey}\npublic key (for the directory): ${publicKey}`);
  // Justice's OPRF public key goes into the directory with the owners' public keys (pinned there).
  if (values.owner === 'justice') console.log(`party reference key (justice only): ${partyRefKey(dir)}\nits public key (for the directory): ${writePartyRefPublicKey(partyRefKey(dir), join(dir, 'justice.party-ref-key.public.jwk.json'))}`);
  if (sealing.has(values.owner)) console.log(`data key-encryption key (${values.owner} only): ${dataKek(dir, values.owner)}`);
} else if (values.directory) {
  await writeKeyDirectory(join(dir, 'public-keys.json'), publicFiles);
  console.log(`key directory: ${join(dir, 'public-keys.json')}`);
} else {
  // Justice's OPRF key first: the directory pins its public key (kit/keys.ts).
  const refKey = partyRefKey(dir);
  const files = await ensureKeys(dir, owners);
  console.log(`private keys: ${owners.map((o) => files.privateKey(o)).join(', ')}, ${refKey}\nkey directory: ${files.directory}`);
  console.log(`data key-encryption keys: ${[...sealing].map((o) => dataKek(dir, o)).join(', ')}`);
}
