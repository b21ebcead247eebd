// The demo dataset into the embedded default (.data): a hub of its own is booted for the load, with
// the test clock starting DEMO_DAYS back (HUB_TEST_CLOCK_START, refused in production), on free
// ports; the year is entered through its gateway; then it stops, its clock at today. `npm start`
// then serves the data at real time, with no test clock: what was left undone is overdue by then.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUBGRAPHS } from '../../subgraphs/index';
import { startHub } from '../hub/hub';
import { dropDatabases, type PostgresServer } from '../hub/postgres';
import { dropLogins } from '../hub/roles';
import { hubClock } from './clock';
import { loadDemoYear, type DemoLoad } from './load';
import { DEMO_DAYS, type PlanOptions } from './plan';

/** Written into the data directory once the demo is in: what `npm run demo` may replace without --replace. */
export const demoMarker = (dataDir: string) => join(dataDir, 'demo.json');

export function holdsDemo(dataDir: string): boolean {
  if (!existsSync(demoMarker(dataDir))) return false;
  try { return JSON.parse(readFileSync(demoMarker(dataDir), 'utf8')).demo === true; } catch { return false; }
}

/** The embedded default's databases and logins, named as scripts/hub/hub.ts names them (prefix ''). */
function hubDatabases(): { databases: string[]; roles: string[] } {
  const name = (owner: string) => owner.replace(/-/g, '_');
  return {
    databases: [...new Set([...SUBGRAPHS.map((s) => name(s.databaseOwner ?? s.name)), 'gateway'])],
    roles: [...SUBGRAPHS.map((s) => name(s.name)), 'gateway'],
  };
}

/** Drops every database and login of the hub on this server: what was there is gone. */
export async function wipeHub(postgres: PostgresServer, dataDir: string): Promise<void> {
  const { databases, roles } = hubDatabases();
  await dropDatabases(postgres, databases);
  await dropLogins(postgres, roles);
  rmSync(demoMarker(dataDir), { force: true });
}

export async function loadDemoOnEmbedded(postgres: PostgresServer, dataDir: string, options: PlanOptions = {}): Promise<DemoLoad> {
  // Marked before the first write: a load that fails half-way leaves demo data, reloaded without --replace.
  writeFileSync(demoMarker(dataDir), `${JSON.stringify({ demo: true, complete: false, startedAt: new Date().toISOString() }, null, 2)}\n`);
  const hub = await startHub({
    postgres, dataDir, gatewayPort: 0, subgraphPorts: 'free', echo: !!process.env.HUB_DEBUG,
    env: {
      // The loading hub only: never the hub `npm start` serves.
      HUB_TEST_CLOCK: '1',
      HUB_TEST_CLOCK_START: new Date(Date.now() - DEMO_DAYS * 24 * 3600_000 - 3600_000).toISOString(),
      OUTBOX_POLL_MS: '200',
    },
  });
  try {
    const load = await loadDemoYear(hub.gatewayUrl, dataDir, hubClock(hub.subgraphUrls, hub.keys), { ...options, log: console.log });
    writeFileSync(demoMarker(dataDir), `${JSON.stringify({
      demo: true, complete: true, loadedAt: new Date().toISOString(), seed: options.seed ?? null, cases: load.plan.cases.length,
      bureaus: load.plan.bureaus.length, regions: load.plan.regions, seconds: load.seconds,
    }, null, 2)}\n`);
    return load;
  } finally {
    await hub.stop();
  }
}
