// npx tsx bench/party-refs.ts [cases] [lookups]: what party references cost (issue 17), in CPU
// time of the OPRF work itself, split by who does it. No hub: the HTTP round trips they ride on are
// measured by the hub benchmark (npm run bench); this is the part blinding adds.
//
//   per indexed case  an agency's relay blinds each case's party, justice evaluates the batch
//                     (one DLEQ proof per batch, kit/outbox.ts batches), the relay checks the proof
//                     and finalizes: the cost of one case event's reference, in batches of BATCH
//   per lookup        the gateway blinds the typed number, justice evaluates one element with its
//                     proof, the gateway checks it against the pinned key and finalizes
//                     (gateway/party-lookup-blinding.ts, subgraphs/justice/party-lookup.ts)
// `npm run bench` reports the same figures (bench/party-scenario.ts calls measureOprfCost).
import { pathToFileURL } from 'node:url';
import { blindInput, evaluateBlinded, finalizeEvaluation, generateOprfKey, partyInput } from '../kit/crypto/oprf';

const BATCH = 100;
const identifier = (i: number) => `320706${String(19700101 + (i % 9000)).padStart(8, '0')}${String(i % 1000).padStart(3, '0')}X`;

/** CPU milliseconds (user + system) of `work`, so a shared machine's load does not count. */
function cpuMs(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

export interface OprfCost {
  suite: string;
  perIndexedCase: { cases: number; batch: number; agencyCpuMs: number; justiceCpuMs: number; totalCpuMs: number };
  perLookup: { lookups: number; gatewayCpuMs: number; justiceCpuMs: number; totalCpuMs: number };
}

export function measureOprfCost(cases = 2000, lookups = 300): OprfCost {
  const key = generateOprfKey('bench');
  const sides = { sender: 0, justice: 0 };
  for (let start = 0; start < cases; start += BATCH) {
    const inputs = Array.from({ length: Math.min(BATCH, cases - start) }, (_, i) => partyInput('NATURAL_PERSON', identifier(start + i)));
    let blinded: ReturnType<typeof blindInput>[] = [];
    sides.sender += cpuMs(() => { blinded = inputs.map(blindInput); });
    let answer!: ReturnType<typeof evaluateBlinded>;
    sides.justice += cpuMs(() => { answer = evaluateBlinded(key, blinded.map((b) => b.blinded)); });
    sides.sender += cpuMs(() => { finalizeEvaluation(key.publicKey, blinded, answer); });
}

const lookup = { gateway: 0, justice: 0 };
for (let i = 0; i < lookups; i++) {
  const input = partyInput('NATURAL_PERSON', identifier(i));
  let item!: ReturnType<typeof blindInput>;
  lookup.gateway += cpuMs(() => { item = blindInput(input); });
  let answer!: ReturnType<typeof evaluateBlinded>;
  lookup.justice += cpuMs(() => { answer = evaluateBlinded(key, [item.blinded]); });
  lookup.gateway += cpuMs(() => { finalizeEvaluation(key.publicKey, [item], answer); });
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
return {
  suite: 'P256-SHA256 (RFC 9497 VOPRF, @noble/curves)',
  perIndexedCase: { cases, batch: BATCH, agencyCpuMs: round(sides.sender / cases), justiceCpuMs: round(sides.justice / cases), totalCpuMs: round((sides.sender + sides.justice) / cases) },
  perLookup: { lookups, gatewayCpuMs: round(lookup.gateway / lookups), justiceCpuMs: round(lookup.justice / lookups), totalCpuMs: round((lookup.gateway + lookup.justice) / lookups) },
};
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(measureOprfCost(Number(process.argv[2] ?? 2000), Number(process.argv[3] ?? 300)), null, 2));
}
