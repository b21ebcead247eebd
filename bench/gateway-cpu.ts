// npx tsx bench/gateway-cpu.ts <graphql url> <bearer token> [requests=2000] [connections=8]
// The gateway's CPU milliseconds per request for the unified case query (a procurator's page of
// five cases with party, transfer and supervision), read from the kernel's counters (utime+stime
// of every process running gateway/main.ts) around the measured requests, after a warm-up.
// Against a running hub (`npm start`); unlike requests/s it holds still on a shared machine.
import { readdirSync, readFileSync } from 'node:fs';

const [url, token, n = '2000', connections = '8'] = process.argv.slice(2);
if (!url || !token) throw new Error('usage: npx tsx bench/gateway-cpu.ts <graphql url> <bearer token> [requests] [connections]');
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

function gatewayCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('gateway/main.ts')) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    } catch { /* the process ended meanwhile */ }
  }
  return total;
}

const body = JSON.stringify({ query: '{ cases(first: 5) { edges { node { caseNumber party { name idNumber } transfer { status } supervision { kind status } } } } }' });
const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-access-reason': encodeURIComponent('立案监督审查') };

async function send(count: number): Promise<number> {
  let next = 0;
  let errors = 0;
  await Promise.all(Array.from({ length: Number(connections) }, async () => {
    while (next++ < count) {
      const answer = (await (await fetch(url, { method: 'POST', headers, body })).json()) as { errors?: unknown[] };
      if (answer.errors) errors++;
    }
  }));
  return errors;
}

await send(300); // warm-up: compilation and caches
const before = gatewayCpuMs();
const started = Date.now();
const errors = await send(Number(n));
const cpu = gatewayCpuMs() - before;
console.log(JSON.stringify({ requests: Number(n), errors, gatewayCpuMsPerRequest: +(cpu / Number(n)).toFixed(3), wallMs: Date.now() - started }));
