// Key files of a deployment (README, "Real databases (production)"). No secret is shared between
// owners: each has its own Ed25519 key pair; the directory lists the public halves.
//
//   npx tsx scripts/keys.ts <dir>                       one host (docker-compose): a pair for the gateway
//                                                       and every subgraph, and <dir>/public-keys.json
//   npx tsx scripts/keys.ts <dir> --owner <name>        on an owner's own host: its pair only; hand out
//                                                       <dir>/<name>.public.jwk.json, keep the private key
//   npx tsx scripts/keys.ts <dir> --directory <f>...    the directory from the owners' public key files
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SUBGRAPHS } from '../subgraphs/index';
import { ensureKeys, GATEWAY, writeKeyDirectory, writeOwnerKeyPair } from '../kit/keys';
import { ensureOprfKeyFile } from '../kit/crypto/oprf-key-file';

/** Justice's OPRF key of party references (issue 17): justice's alone, made with its pair. */
const partyRefKey = (dir: string) => { const file = join(dir, 'justice.party-ref-key.json'); ensureOprfKeyFile(file); return file; };

const { values, positionals } = parseArgs({ allowPositionals: true, options: { owner: { type: 'string' }, directory: { type: 'boolean' } } });
const [dir, ...publicFiles] = positionals;
const owners = [GATEWAY, ...SUBGRAPHS.map((s) => s.name)];
if (!dir || (values.owner && !owners.includes(values.owner)) || (values.directory && !publicFiles.length)) {
  console.error(`usage: scripts/keys.ts <dir> [--owner <${owners.join('|')}>] [--directory <public key files>...]`);
  process.exit(2);
}
if (values.owner) {
  const { privateKey, publicKey } = await writeOwnerKeyPair(dir, values.owner);
  console.log(`private key (${values.owner} only): ${privateKey}\npublic key (for the directory): ${publicKey}`);
  if (values.owner === 'justice') console.log(`party reference key (justice only): ${partyRefKey(dir)}`);
} else if (values.directory) {
  await writeKeyDirectory(join(dir, 'public-keys.json'), publicFiles);
  console.log(`key directory: ${join(dir, 'public-keys.json')}`);
} else {
  const files = await ensureKeys(dir, owners);
  console.log(`private keys: ${owners.map((o) => files.privateKey(o)).join(', ')}, ${partyRefKey(dir)}\nkey directory: ${files.directory}`);
}
