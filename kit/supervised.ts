/**
 * Runs a service until a signal, or until the launcher that started it goes away: the launcher
 * holds our stdin open, so its end (even after a SIGKILL) stops the service and frees its port.
 */
export function superviseProcess(stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    stop().finally(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, shutdown);
  if (process.env.HUB_SUPERVISED === '1') {
    process.stdin.on('end', shutdown);
    process.stdin.on('close', shutdown);
    process.stdin.resume();
  }
}
