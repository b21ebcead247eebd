// The supergraph in service, and its replacement without a restart: every gateway process (each
// cluster worker too) polls the registry's table with the kit's PollLoop and switches to the newest
// publication. A publication that fails to load is refused and the working supergraph stays.
import type { SupergraphManager } from '@apollo/gateway';
import pg from 'pg';
import { log } from '../../kit/log';
import { PollLoop } from '../../kit/workers';
import { readSupergraph } from '../supergraph';
import { latestVersion, publication, recentPublications } from './store';

/** How often each gateway process asks the registry for a newer publication. */
export const REGISTRY_POLL_MS = 1000;

/** How many publications a starting gateway tries, newest first, before the repository's supergraph. */
const START_CANDIDATES = 10;

/**
 * Builds what else depends on a supergraph (the authorizer's view of it) and returns the step
 * that puts it in service; throws to refuse the supergraph. Called before the gateway switches,
 * so a refusal leaves everything as it was.
 */
export type AcceptSupergraph = (sdl: string) => () => void;

export interface InService {
  /** The registry's version, null for the repository's schema/supergraph.graphql. */
  version: number | null;
  source: 'repository' | 'registry';
  publishedBy: string | null;
  publishedAt: string | null;
  loadedAt: string;
}

export class SupergraphWatch {
  private readonly pool: pg.Pool;
  private readonly loop: PollLoop;
  private update: ((sdl: string) => void) | null = null;
  private prepare: (sdl: string) => string = (sdl) => sdl;
  private inService!: InService;
  private refusedVersion: number | null = null;
  private sdl!: string;

  private constructor(databaseUrl: string, private readonly accept: AcceptSupergraph, pollMs: number) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 1, statement_timeout: 5000, connectionTimeoutMillis: 5000 });
    // A dropped idle connection must not take the gateway down; the next poll reconnects.
    this.pool.on('error', (error) => log.warn('schema registry: idle database connection failed', error));
    this.loop = new PollLoop('schema registry watch', pollMs, () => this.poll());
  }

  /**
   * The supergraph to start with: the registry's newest publication that loads (a refused one is
   * passed over for the one before it, as a running gateway would have kept it), or the
   * repository's when nothing was published, none of the last few loads, or the registry cannot
   * be read (the gateway starts anyway and polls).
   */
  static async open(databaseUrl: string, accept: AcceptSupergraph, pollMs = REGISTRY_POLL_MS): Promise<SupergraphWatch> {
    const watch = new SupergraphWatch(databaseUrl, accept, pollMs);
    const recent = await recentPublications(watch.pool, START_CANDIDATES).catch((error) => {
      log.warn('schema registry unreachable at start: serving the repository supergraph until it answers', error);
      return [];
    });
    for (const candidate of recent) {
      try {
        watch.accept(candidate.supergraphSdl)();
        watch.sdl = candidate.supergraphSdl;
        watch.inService = inService(candidate);
        log.info('supergraph loaded from the schema registry', { event: 'supergraph-loaded', version: candidate.version, publishedBy: candidate.publishedBy });
        return watch;
      } catch (error) {
        watch.refusedVersion ??= candidate.version;
        log.error('published supergraph refused at start', { event: 'supergraph-refused', version: candidate.version, error: String((error as Error)?.message ?? error) });
      }
    }
    const sdl = readSupergraph();
    watch.accept(sdl)();
    watch.sdl = sdl;
    watch.inService = { version: null, source: 'repository', publishedBy: null, publishedAt: null, loadedAt: new Date().toISOString() };
    return watch;
  }

  /** The raw supergraph in service (with its `for: SECURITY` links: the authorizer reads them). */
  get supergraphSdl(): string {
    return this.sdl;
  }

  get status(): { schema: InService; refused: { version: number } | null } {
    return { schema: this.inService, refused: this.refusedVersion === null ? null : { version: this.refusedVersion } };
  }

  /**
   * @apollo/gateway's supergraph manager: the gateway starts on the supergraph `open` chose
   * (`prepare` makes it loadable) and is handed each newer publication through its update callback.
   */
  manager(prepare: (sdl: string) => string): SupergraphManager {
    this.prepare = prepare;
    return {
      initialize: async ({ update }) => {
        this.update = update;
        this.loop.start();
        return { supergraphSdl: prepare(this.sdl), cleanup: () => this.loop.stop() };
      },
    };
  }

  /** Whether the gateway's own database answers now (readiness). */
  async databaseAnswers(timeoutMs = 2000): Promise<boolean> {
    const query = this.pool.query('SELECT 1').then(() => true, () => false);
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    return Promise.race([query, timeout]);
  }

  async close(): Promise<void> {
    await this.loop.stop();
    await this.pool.end();
  }

  /** One look at the registry: switches when a newer publication is there and loads. */
  private async poll(): Promise<number> {
    const newest = await latestVersion(this.pool);
    if (newest === null || newest === this.inService.version || newest === this.refusedVersion || !this.update) return 0;
    const next = await publication(this.pool, newest);
    if (!next) return 0;
    const from = this.inService.version;
    try {
      const commit = this.accept(next.supergraphSdl);
      // Throws when Apollo cannot load it; the gateway then keeps the schema it serves.
      this.update(this.prepare(next.supergraphSdl));
      // Synchronous with the switch: no request is judged by one supergraph and planned by another's successor.
      commit();
    } catch (error) {
      this.refusedVersion = next.version;
      log.error('published supergraph refused: the one in service stays', {
        event: 'supergraph-refused', version: next.version, inService: from, error: String((error as Error)?.message ?? error),
      });
      return 0;
    }
    this.sdl = next.supergraphSdl;
    this.inService = inService(next);
    this.refusedVersion = null;
    log.info('supergraph switched', { event: 'supergraph-switched', from, to: next.version, subgraph: next.subgraph, publishedBy: next.publishedBy });
    return 0;
  }
}

const inService = (p: { version: number; publishedBy: string; publishedAt: Date }): InService => ({
  version: p.version, source: 'registry', publishedBy: p.publishedBy, publishedAt: new Date(p.publishedAt).toISOString(), loadedAt: new Date().toISOString(),
});
