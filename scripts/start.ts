// npm start: the whole hub on the embedded default (a real PostgreSQL under .data/pg).
import { resolve } from 'node:path';
import { startHub } from './hub/hub';
import { startEmbeddedPostgres } from './hub/postgres';
import { loadDemoOnEmbedded } from './demo/embedded';

const dataDir = resolve(process.env.HUB_DATA_DIR ?? '.data');
const postgres = await startEmbeddedPostgres(resolve(dataDir, 'pg'), Number(process.env.PG_PORT ?? 54329));
if (postgres.fresh && process.env.NODE_ENV !== 'production') {
  // A small year of the demo (every workflow state once), loaded by a hub of its own; `npm run demo` loads 360 cases.
  console.log('fresh data directory: loading a small demo dataset (60 cases over a year; `npm run demo` loads 360)…');
  await loadDemoOnEmbedded(postgres, dataDir, { cases: 60, minimumPerScenario: 1 });
}
let hub;
try {
  hub = await startHub({ postgres, dataDir, gatewayPort: Number(process.env.PORT ?? 4000), subgraphPorts: 'default', echo: true });
} catch (error) {
  console.error((error as Error).message);
  await postgres.stop();
  process.exit(1);
}
console.log(`
The supervision graph is up: ${hub.gatewayUrl}/graphql   (health: ${hub.gatewayUrl}/health)
A token:  npm run token -- --role procurator --org PROC-320706 --region 320706
`);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await hub.stop();
    await postgres.stop();
    process.exit(0);
  });
}
