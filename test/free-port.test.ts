import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../scripts/hub/hub';

// A test hub's services bind ports chosen before they start. A port from the kernel's ephemeral
// range can be taken meanwhile by any outgoing connection (a CI run failed with EADDRINUSE).
describe('the ports a test hub is given', () => {
  const ephemeralStart = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

  it('lie below the range the kernel gives outgoing connections, and repeat no port', async () => {
    const ports = [];
    for (let i = 0; i < 50; i += 1) ports.push(await freePort());
    expect(ports.every((p) => p > 1024 && p < ephemeralStart)).toBe(true);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('can be listened on', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve); });
    await new Promise((resolve) => server.close(resolve));
  });
});
