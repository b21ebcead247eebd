// CI trusts `npm test`'s exit code: a run with a failing test must exit non-zero, also with the
// embedded PostgreSQL of the global setup (whose exit hook used to end every run with code 0).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('a run with a failing test exits with a failure code', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/support/failing/vitest.config.ts'],
    { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 120_000 });
  expect(run.stdout + run.stderr).toMatch(/1 failed/);
  expect(run.status).toBe(1);
}, 130_000);
