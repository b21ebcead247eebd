import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../scripts/hub/hub';
import { startEmbeddedPostgres, TEST_RUN_ONLY_FLAGS } from '../../scripts/hub/postgres';
import { buildServices } from '../../scripts/hub/build';

declare module 'vitest' {
  export interface ProvidedContext { postgresAdminUrl: string; serviceBuild: string }
}

/**
 * One real PostgreSQL server for the run; every test file gets its own fresh databases on it.
 * The services are bundled once for the run (scripts/hub/build.ts): every hub a test file boots
 * starts them from that bundle, as of the sources when the run began.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'hub-test-pg-'));
  const [postgres, serviceBuild] = await Promise.all([startEmbeddedPostgres(dir, await freePort(), false, TEST_RUN_ONLY_FLAGS), buildServices()]);
  project.provide('postgresAdminUrl', postgres.url('postgres'));
  project.provide('serviceBuild', serviceBuild);
  return async () => {
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(serviceBuild, { recursive: true, force: true });
  };
}
