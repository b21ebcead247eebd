// `npm start` also as root in a private home folder (0700): the embedded PostgreSQL runs as the
// user `postgres`, which must reach its data directory.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { freePort } from '../scripts/hub/hub';
import { postgresDataDir, startEmbeddedPostgres } from '../scripts/hub/postgres';

describe('the embedded PostgreSQL data directory', () => {
  it('stays where it was asked for, unless root asks for it behind a private folder', () => {
    expect(postgresDataDir('/home/ann/hub/.data/pg', { uid: 1000, traversable: () => false })).toBe('/home/ann/hub/.data/pg');
    expect(postgresDataDir('/srv/hub/.data/pg', { uid: 0, traversable: () => true })).toBe('/srv/hub/.data/pg');
    const moved = postgresDataDir('/root/hub/.data/pg', { uid: 0, traversable: () => false, base: '/var/lib/x' });
    expect(moved).toMatch(/^\/var\/lib\/x\/[0-9a-f]{16}\/pg$/);
    // The same checkout finds its data again; another checkout gets its own.
    expect(postgresDataDir('/root/hub/.data/pg', { uid: 0, traversable: () => false, base: '/var/lib/x' })).toBe(moved);
    expect(postgresDataDir('/root/other/.data/pg', { uid: 0, traversable: () => false, base: '/var/lib/x' })).not.toBe(moved);
  });

  const home = mkdtempSync(join(tmpdir(), 'private-home-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('starts, answers and keeps its data inside a private (0700) home folder, whoever runs it', async () => {
    chmodSync(home, 0o700);
    mkdirSync(join(home, 'hub'));
    const requested = join(home, 'hub', '.data', 'pg');
    const port = await freePort();
    const first = await startEmbeddedPostgres(requested, port, true);
    try {
      expect(first.fresh).toBe(true);
      const client = new pg.Client({ connectionString: first.url('postgres') });
      await client.connect();
      await client.query('CREATE TABLE kept (n int)');
      await client.end();
    } finally {
      await first.stop();
    }
    const again = await startEmbeddedPostgres(requested, port, true);
    try {
      expect(again.fresh).toBe(false);
      const client = new pg.Client({ connectionString: again.url('postgres') });
      await client.connect();
      expect((await client.query(`SELECT to_regclass('kept') AS t`)).rows[0].t).toBe('kept');
      await client.end();
    } finally {
      await again.stop();
      rmSync(postgresDataDir(requested), { recursive: true, force: true });
    }
  });

  it('starts after its launcher was killed with SIGKILL, stopping the server it left on the port', async () => {
    const requested = join(home, 'killed', '.data', 'pg');
    const port = await freePort();
    const launcher = spawn(process.execPath, ['--import', 'tsx', 'test/support/postgres-launcher.ts', requested, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((ready, fail) => {
      launcher.stdout!.on('data', (chunk) => { if (String(chunk).includes('ready')) ready(); });
      launcher.once('exit', (code) => fail(new Error(`launcher exited with ${code}`)));
    });
    launcher.kill('SIGKILL');
    await new Promise((gone) => launcher.once('exit', gone));
    const again = await startEmbeddedPostgres(requested, port, true);
    try {
      expect(again.fresh).toBe(false);
      const client = new pg.Client({ connectionString: again.url('postgres') });
      await client.connect();
      expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1);
      await client.end();
    } finally {
      await again.stop();
      rmSync(postgresDataDir(requested), { recursive: true, force: true });
    }
  });
});
