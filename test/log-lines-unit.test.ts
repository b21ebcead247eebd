// A process's own log lines (kit/log.ts StdoutLines): written together once per turn of the event
// loop instead of one write each, and none lost on the ways a service ends short of SIGKILL — its
// exit, an uncaught exception — nor an error line even then.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StdoutLines } from '../kit/log';

/** Runs a script that logs through kit/log.ts in a process of its own; its stdout, whatever its exit. */
function runLogging(body: string): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'log-lines-')), 'script.ts');
  writeFileSync(file, `import { log, nameService } from ${JSON.stringify(resolve('kit/log.ts'))};\nnameService('probe');\n${body}\n`);
  return new Promise((done) => execFile(process.execPath, ['--import', 'tsx', file], { cwd: resolve('.') }, (_error, stdout) => done(stdout)));
}

const messages = (stdout: string) => stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { msg: string; service: string }).msg);

describe("a process's log lines", () => {
  it('are written once per turn of the event loop, all the lines of the turn in one write', async () => {
    const writes: string[] = [];
    const lines = new StdoutLines({ write: (text: string) => writes.push(text) });
    lines.write('a\n');
    lines.write('b\n');
    expect(writes).toEqual([]);
    await new Promise((next) => setImmediate(next));
    expect(writes).toEqual(['a\nb\n']);
    lines.write('c\n');
    lines.flush();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
    await new Promise((next) => setImmediate(next));
    expect(writes).toEqual(['a\nb\n', 'c\n']); // nothing held, nothing written twice
  });

  it('are all written when the process exits in the turn that logged them', async () => {
    expect(messages(await runLogging(`log.info('first'); log.warn('second'); process.exit(0);`))).toEqual(['first', 'second']);
  });

  it('are all written when the process ends on an uncaught exception', async () => {
    expect(messages(await runLogging(`log.info('before the crash'); setImmediate(() => { log.info('in the last turn'); throw new Error('crash'); });`)))
      .toEqual(['before the crash', 'in the last turn']);
  });

  it('are written at once with an error line: killed right after it, nothing before it is lost', async () => {
    expect(messages(await runLogging(`log.info('context'); log.error('failed'); process.kill(process.pid, 'SIGKILL');`))).toEqual(['context', 'failed']);
  });

  it('carry their service, level and fields as before', async () => {
    const [line] = (await runLogging(`log.info('request', { traceId: '${'a'.repeat(32)}', status: 200 }); process.exit(0);`)).split('\n');
    expect(JSON.parse(line)).toMatchObject({ level: 'info', service: 'probe', msg: 'request', traceId: 'a'.repeat(32), status: 200 });
  });
});
