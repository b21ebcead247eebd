// A service of the test hub run in the test's own process (scripts/hub/in-process.ts) has a
// process's surface, and refuses with a clear error what only a process of its own can do.
import { describe, expect, it } from 'vitest';
import { InProcessService } from '../scripts/hub/in-process';
import { subgraphNamed } from '../subgraphs/index';

describe('a service in the test process', () => {
  const justice = new InProcessService('justice', subgraphNamed('justice'), {}, false);

  it('is not running before it starts', () => {
    expect(justice.running).toBe(false);
  });

  it('cannot be killed, paused or resumed, and says the hub needs processes', async () => {
    await expect(justice.kill()).rejects.toThrow(/processes: true/);
    expect(() => justice.pause()).toThrow(/processes: true/);
    expect(() => justice.resume()).toThrow(/processes: true/);
  });

  it('refuses gateway workers and traces, which are per process', async () => {
    await expect(new InProcessService('gateway', 'gateway', { GATEWAY_WORKERS: '2' }, false).start()).rejects.toThrow(/GATEWAY_WORKERS.*processes: true/);
    await expect(new InProcessService('justice', subgraphNamed('justice'), { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, false).start()).rejects.toThrow(/traces.*processes: true/);
  });

  it('stops without having started', async () => {
    await justice.stop();
    expect(justice.running).toBe(false);
  });
});
