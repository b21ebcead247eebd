// npm run schema:publish -- <subgraph> <sdl-file|url> [--by <who>] [--allow-breaking] [--routing-url <url>] [--with <subgraph>=<sdl-file|url>] [--json]
//
// Runs the check (scripts/schema-check.ts) and records the subgraph's SDL and the supergraph
// composed with it, with who published it and when, in the registry (the gateway's database,
// table schema_publication, append-only). Every gateway process switches to it within seconds,
// without a restart (gateway/registry/watch.ts). Refused: a candidate that does not compose, and
// one that breaks clients unless --allow-breaking. Publications are serialised: each is checked,
// under a lock, against the one before it, so two owners publishing at once cannot undo each other.
//
// --routing-url  where the gateway reaches this subgraph when it has no SUBGRAPH_<NAME>_URL
//                (an agency added after the gateway started); kept for later publications.
// Exit 0: published (or unchanged: nothing recorded); 1: refused; 2: could not publish.
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { appendPublication, latestSubgraphs, PUBLISH_LOCK } from '../gateway/registry/store';
import { checkCandidate, formatReport, parseArgs, readCandidate, refuses, registryUrl, type CheckReport } from './schema-check';

export interface PublishOutcome {
  outcome: 'published' | 'refused' | 'unchanged';
  report: CheckReport;
  version?: number;
  publishedAt?: string;
}

export async function publishSubgraph(databaseUrl: string, subgraph: string, sdl: string, options: { by: string; allowBreaking?: boolean; routingUrl?: string; companions?: ReadonlyMap<string, string> }): Promise<PublishOutcome> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('BEGIN');
    await db.query('SELECT pg_advisory_xact_lock($1)', [PUBLISH_LOCK]);
    const routingUrl = options.routingUrl ?? (await latestSubgraphs(db)).get(subgraph)?.routingUrl ?? null;
    const latest = await latestSubgraphs(db);
    const report = await checkCandidate(db, subgraph, sdl, routingUrl, options.companions);
    if (refuses(report, options.allowBreaking)) {
      await db.query('ROLLBACK');
      return { outcome: 'refused', report };
    }
    if (report.unchanged && !options.routingUrl) {
      await db.query('ROLLBACK');
      return { outcome: 'unchanged', report };
    }
    // --with: each companion's SDL recorded first, with the same supergraph (one switch for the gateway).
    for (const [name, companionSdl] of options.companions ?? []) {
      await appendPublication(db, {
        subgraph: name, subgraphSdl: companionSdl, routingUrl: latest.get(name)?.routingUrl ?? null, supergraphSdl: report.supergraphSdl!, changes: [], publishedBy: options.by,
      });
    }
    const { version, publishedAt } = await appendPublication(db, {
      subgraph, subgraphSdl: sdl, routingUrl, supergraphSdl: report.supergraphSdl!, changes: report.changes, publishedBy: options.by,
    });
    await db.query('COMMIT');
    return { outcome: 'published', report, version, publishedAt: new Date(publishedAt).toISOString() };
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await db.end().catch(() => {});
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), ['json', 'allow-breaking'], ['by', 'routing-url', 'with']);
    if (args.options['routing-url']) new URL(String(args.options['routing-url']));
  } catch (error) {
    console.error(`schema:publish: ${(error as Error).message}\nusage: npm run schema:publish -- <subgraph> <sdl-file|url> [--by <who>] [--allow-breaking] [--routing-url <url>] [--with <subgraph>=<sdl-file|url>] [--json]`);
    process.exit(2);
  }
  const by = typeof args.options.by === 'string' ? args.options.by : (process.env.SCHEMA_PUBLISHER || userInfo().username);
  try {
    const sdl = await readCandidate(args.subgraph, args.source);
    // --with <subgraph>=<sdl-file|url>: a subgraph published together with this one (justice's SDL
    // listing a new agency's case types: neither composes without the other).
    const companion = typeof args.options.with === 'string' ? /^([a-z0-9-]+)=(.+)$/.exec(args.options.with) : null;
    if (args.options.with && !companion) throw new Error('--with takes <subgraph>=<sdl-file|url>');
    const companions = new Map(companion ? [[companion[1], await readCandidate(companion[1], companion[2])]] : []);
    const result = await publishSubgraph(registryUrl(), args.subgraph, sdl, {
      companions,
      by, allowBreaking: args.options['allow-breaking'] === true, routingUrl: typeof args.options['routing-url'] === 'string' ? args.options['routing-url'] : undefined,
    });
    const { supergraphSdl, ...report } = result.report;
    if (args.options.json) console.log(JSON.stringify({ ...result, report }, null, 2));
    else {
      console.log(formatReport(result.report));
      if (result.outcome === 'published') console.log(`published ${args.subgraph} as version ${result.version} by ${by} at ${result.publishedAt}; the gateway switches within seconds`);
      else if (result.outcome === 'unchanged') console.log(`${args.subgraph}: this SDL is already the one published; nothing recorded`);
      else console.log(`REFUSED: ${result.report.compositionErrors.length ? 'the supergraph does not compose' : 'breaking changes (publish with --allow-breaking once clients are ready)'}; nothing recorded`);
    }
    process.exitCode = result.outcome === 'refused' ? 1 : 0;
  } catch (error) {
    console.error(`schema:publish could not publish ${args.subgraph}: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}
