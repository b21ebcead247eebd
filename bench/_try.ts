import { bootBenchHub } from '/work/main/bench/hub';
import { seedCases, caseIds } from '/work/main/bench/seed';
const n = Number(process.argv[2] ?? 10000);
let t = Date.now();
const b = await bootBenchHub(false);
console.error('boot', (Date.now()-t)/1000);
try {
  const s = await seedCases(b.seedTarget, { from: 1, to: n, total: n, now: new Date() });
  console.error('seed', s);
  const ids = await caseIds(b.seedTarget, [1, 2, 3, 5]);
  console.error(ids);
  const r = await fetch(b.hub.gatewayUrl + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ agencies { name officers { name certificateNumber } powerItems { name } } }' }) });
  console.error((await r.text()).slice(0, 300));
} finally { await b.stop(); }
