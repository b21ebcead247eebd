// The benchmark's CPU figures come from the kernel's counters of the processes under test; these
// tests check that a process is attributed to the right component and that its work is counted.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { componentOf, cpuPerRequest, sampleCpu } from '../bench/cpu';

describe('CPU per component', () => {
  it.each([
    ['/usr/bin/node --import tsx subgraphs/main.ts public-security', 'public-security'],
    ['/usr/bin/node --import tsx bench/cluster.ts hive', 'gateway:hive'],
    ['/usr/bin/node --import tsx gateway/main.ts', 'gateway:main'],
    ['/usr/bin/node --import tsx bench/load.ts /tmp/specs.json', 'load generator'],
    ['/x/native/bin/postgres -D /tmp/pg -p 5432', 'postgres'],
    ['postgres: hub market_regulation 127.0.0.1(5000) idle', 'postgres'],
    ['/usr/bin/node vitest run', null],
  ])('names %s as %s', (command, component) => {
    expect(componentOf(command)).toBe(component);
  });

  it('counts the CPU a component spends, and only the measured gateway', async () => {
    const before = sampleCpu();
    // A stand-in for a subgraph process by its command line: it spends 400 ms of its own CPU time
    // (however busy the machine), says so, and waits to be ended.
    const spin = `const used = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; const t = used();
      while (used() - t < 400); console.log('spun'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', spin,
      '--', 'subgraphs/main.ts', 'justice'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await once(child.stdout!, 'data');
      const after = sampleCpu();
      const perRequest = cpuPerRequest(before, { ...after, 'gateway:apollo': 1e6, 'gateway:hub': (before['gateway:hub'] ?? 0) + 50 }, 10, 'hub');
      expect(perRequest.justice).toBeGreaterThanOrEqual(30); // ≥ 300 ms over 10 requests
      expect(perRequest.gateway).toBe(5);
      expect(Object.keys(perRequest)).not.toContain('gateway:apollo');
      expect(perRequest.total).toBeCloseTo(Object.entries(perRequest).filter(([c]) => c !== 'total').reduce((s, [, v]) => s + v, 0), 2);
    } finally {
      child.kill();
    }
  });
});
