import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../scripts/hub/hub';
import { startEmbeddedPostgres } from '../../scripts/hub/postgres';

declare module 'vitest' {
  export interface ProvidedContext { postgresAdminUrl: string }
}

/** One real PostgreSQL server for the run; every test file gets its own fresh databases on it. */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'hub-test-pg-'));
  const postgres = await startEmbeddedPostgres(dir, await freePort(), false);
  project.provide('postgresAdminUrl', postgres.url('postgres'));
  return async () => {
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
