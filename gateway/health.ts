/** GET /health: 200 when every subgraph answers its own health check, 503 otherwise. */
export async function subgraphHealth(urls: Record<string, string>, timeoutMs = 2000) {
  const entries = await Promise.all(Object.entries(urls).map(async ([name, url]) => {
    try {
      const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(timeoutMs) });
      return [name, response.ok ? 'up' : 'down'] as const;
    } catch {
      return [name, 'down'] as const;
    }
  }));
  const subgraphs = Object.fromEntries(entries);
  const healthy = entries.every(([, status]) => status === 'up');
  return { status: healthy ? 200 : 503, body: { status: healthy ? 'ok' : 'degraded', subgraphs } };
}
