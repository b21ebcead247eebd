// A node:http proxy in front of one subgraph that records what passes through it: every GraphQL
// request body (what a subgraph was asked) and every forwarded identity (what its host could keep).
import { createServer, type Server } from 'node:http';
import { IDENTITY_HEADER } from '../../kit/identity';
import { freePort } from '../../scripts/hub/hub';

export interface RecordingProxy {
  url: string;
  /** The subgraph's own base URL; set once the hub has started. */
  target: string;
  bodies: string[];
  identities: string[];
  /** Every request and response body that passed, any route (between owners: /internal/… too). */
  exchanges: { path: string; request: string; response: string }[];
  server: Server;
}

export async function recordingProxy(): Promise<RecordingProxy> {
  const proxy = { target: '', bodies: [] as string[], identities: [] as string[], exchanges: [] as RecordingProxy['exchanges'] } as RecordingProxy;
  proxy.server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.url?.startsWith('/graphql')) proxy.bodies.push(body);
    const identity = req.headers[IDENTITY_HEADER];
    if (typeof identity === 'string') proxy.identities.push(identity);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
    try {
      const upstream = await fetch(`${proxy.target}${req.url}`, { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body });
      const text = await upstream.text();
      proxy.exchanges.push({ path: req.url ?? '', request: body, response: text });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(text);
    } catch {
      res.writeHead(502).end();
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => proxy.server.listen(port, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${port}`;
  return proxy;
}
