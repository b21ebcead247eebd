import type { IncomingMessage, ServerResponse } from 'node:http';
import pg from 'pg';
import type { Identity } from './identity';
import type { EventStream, SubgraphRuntime } from './module';
import type { Worker } from './workers';
import { log } from './log';

// Push (issue 12): an owner tells the gateway "something of yours changed" so the gateway re-runs
// the user's query instead of polling. The owner's tables signal a PostgreSQL channel (a trigger's
// pg_notify, delivered at commit to every process of the owner, replicas included); each process
// LISTENs on one connection of its own and fans out to the streams open on it. A stream carries
// no data at all, only `event: changed`: what changed is read again by the gateway, through the
// query path with its authorization, as the user.

/** How often an idle stream says it is alive (proxies close silent connections). */
export const HEARTBEAT_MS = 15_000;
/** Signals arriving within this much time reach a stream as one `changed`. */
const COALESCE_MS = 50;
/** How long a lost listening connection waits before each attempt to listen again. */
const RECONNECT_MS = 1000;

export interface ChangeStreamDefinition<S> {
  /** The PostgreSQL channel the owner's triggers signal. */
  channel: string;
  /** Users for whom `concerns` answers alike (e.g. the same unit and grants): asked once per signal. */
  audienceOf(identity: Identity): string;
  /** Whether a signal concerns this user: the same addressing as the query the gateway re-runs. */
  concerns(runtime: SubgraphRuntime, identity: Identity, signal: S): Promise<boolean>;
}

interface Listener { identity: Identity; res: ServerResponse; pending?: NodeJS.Timeout }

class ChangeFeed<S> {
  private readonly listeners = new Set<Listener>();
  private client?: pg.Client;
  private heartbeat?: NodeJS.Timeout;
  private stopped = false;
  private reconnecting = false;

  constructor(private readonly runtime: SubgraphRuntime, private readonly definition: ChangeStreamDefinition<S>) {}

  async start(): Promise<void> {
    this.heartbeat = setInterval(() => { for (const l of this.listeners) l.res.write(': keepalive\n\n'); }, HEARTBEAT_MS);
    this.heartbeat.unref();
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.runtime.env.DATABASE_URL });
    client.on('notification', (message) => { if (message.channel === this.definition.channel) void this.signal(message.payload); });
    client.on('error', (error) => {
      log.warn('change stream: listening connection lost', { channel: this.definition.channel, error: String(error) });
      this.client = undefined;
      client.end().catch(() => {});
      this.reconnect();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.definition.channel)}`);
    } catch (error) {
      client.end().catch(() => {});
      throw error;
    }
    if (this.stopped) { await client.end().catch(() => {}); return; } // stopped while it reconnected
    this.client = client;
  }

  /**
   * Listens again once the database answers, however long that takes (PostgreSQL restarted: one
   * attempt a second until it is back; a single attempt left the stream deaf for good). Signals may
   * have been missed while it was down: every stream re-reads after reconnecting.
   */
  private reconnect(): void {
    if (this.stopped || this.reconnecting) return;
    this.reconnecting = true;
    setTimeout(() => {
      this.connect().then(
        () => { this.reconnecting = false; this.listeners.forEach((l) => this.changed(l)); },
        (error) => {
          this.reconnecting = false;
          log.warn('change stream: not listening yet', { channel: this.definition.channel, error: String(error) });
          this.reconnect();
        });
    }, RECONNECT_MS).unref();
  }

  private async signal(payload: string | undefined): Promise<void> {
    let signal: S;
    try { signal = JSON.parse(payload ?? 'null') as S; } catch { return; }
    const verdicts = new Map<string, Promise<boolean>>();
    for (const listener of this.listeners) {
      const audience = this.definition.audienceOf(listener.identity);
      if (!verdicts.has(audience)) verdicts.set(audience, this.definition.concerns(this.runtime, listener.identity, signal).catch((error) => {
        log.warn('change stream: could not judge a signal', { channel: this.definition.channel, error: String(error) });
        return false;
      }));
      if (await verdicts.get(audience)) this.changed(listener);
    }
  }

  private changed(listener: Listener): void {
    listener.pending ??= setTimeout(() => {
      listener.pending = undefined;
      listener.res.write('event: changed\ndata: {}\n\n');
    }, COALESCE_MS);
  }

  open(identity: Identity, req: IncomingMessage, res: ServerResponse): void {
    if (!this.client) {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'change stream not listening' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': open\n\n');
    const listener: Listener = { identity, res };
    this.listeners.add(listener);
    const close = () => { clearTimeout(listener.pending); this.listeners.delete(listener); };
    req.on('close', close);
    res.on('close', close);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    for (const listener of this.listeners) { clearTimeout(listener.pending); listener.res.end(); }
    this.listeners.clear();
    await this.client?.end().catch(() => {});
  }
}

/**
 * A change stream: the worker that listens (register it with the module's workers) and the
 * event stream route (GET /events/<name>, opened by the gateway for one user).
 */
export function changeStream<S>(definition: ChangeStreamDefinition<S>): { worker: Worker; stream: EventStream } {
  const feeds = new WeakMap<SubgraphRuntime, ChangeFeed<S>>();
  return {
    worker: async (runtime) => {
      const feed = new ChangeFeed(runtime, definition);
      await feed.start();
      feeds.set(runtime, feed);
      return () => feed.stop();
    },
    stream: (runtime, identity, req, res) => {
      const feed = feeds.get(runtime);
      if (!feed) return void res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'change stream not listening' }));
      feed.open(identity, req, res);
    },
  };
}
