// npm run demo [-- --replace] [--cases N] [--seed S]: (re)loads the demo dataset into the embedded
// default (.data, or HUB_DATA_DIR): every bureau of every agency kind in three regions, their
// officers and power items, and a year of cases through every workflow (scripts/demo/).
//
// What it does to existing data: a data directory holding the demo (demo.json, written by a load)
// is wiped (the hub's databases and logins dropped; keys kept) and loaded again; one holding
// anything else is refused unless --replace is given, which wipes it the same way. It never
// touches a hub on an external DATABASE_URL, and refuses NODE_ENV=production: the loading hub runs
// with the test clock, which production must never have. Stop `npm start` first (same data).
import { resolve } from 'node:path';
import { startEmbeddedPostgres } from './hub/postgres';
import { holdsDemo, loadDemoOnEmbedded, wipeHub } from './demo/embedded';
import { DEMO_DAYS } from './demo/plan';

const args = process.argv.slice(2);
const option = (name: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined; };
const fail = (message: string): never => { console.error(`npm run demo: ${message}`); process.exit(1); };

if (process.env.NODE_ENV === 'production') fail('refused with NODE_ENV=production: the demo is loaded by a hub with a test clock');
if (process.env.DATABASE_URL) fail('DATABASE_URL is set: the demo loads into the embedded default only, never into an external database');
const cases = Number(option('cases') ?? 360);
const seed = Number(option('seed') ?? 2026);
if (!Number.isInteger(cases) || cases < 60 || cases > 5000) fail('--cases must be a whole number from 60 to 5000');
if (!Number.isInteger(seed)) fail('--seed must be a whole number');

const dataDir = resolve(process.env.HUB_DATA_DIR ?? '.data');
const started = Date.now();
const postgres = await startEmbeddedPostgres(resolve(dataDir, 'pg'), Number(process.env.PG_PORT ?? 54329));
try {
  if (!postgres.fresh) {
    if (!holdsDemo(dataDir) && !args.includes('--replace')) {
      throw new Error(`${dataDir} holds data that is not the demo's: run \`npm run demo -- --replace\` to delete it and load the demo`);
    }
    console.log(`demo: deleting the hub's data in ${dataDir}`);
    await wipeHub(postgres, dataDir);
  }
  const load = await loadDemoOnEmbedded(postgres, dataDir, { cases, seed });
  console.log(`demo: ${load.plan.cases.length} cases of ${load.plan.bureaus.length} bureaus in ${load.plan.regions.join(', ')}, ${load.plan.officers.length} officers, ${load.plan.powerItems.length} power items, ${load.plan.actions.length} workflow steps over ${DEMO_DAYS} days`);
  console.log(`demo: loaded in ${Math.round((Date.now() - started) / 1000)} s. \`npm start\` serves it.`);
} catch (error) {
  console.error(`npm run demo: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await postgres.stop();
}
