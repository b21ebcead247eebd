import { batchLoader, isUuid } from './loaders';
import type { SubgraphRuntime } from './module';

// What the other owners ask the justice bureau: its directory of bureaus (执法主体) and its case
// index (归集). One typed client for public security, the procuratorate and the agency kit, with
// one cache policy: a bureau found is kept a short while (a directory changes seldom; a change is
// seen within a minute); what is not found is never kept (a bureau registered or a case indexed a
// second later must be found), and cases are not kept at all (the index's answer is what a write
// is checked against).

/** A bureau of the directory. */
export interface Bureau { code: string; kind: string; region: string }

/** A case as the index knows it. */
export interface IndexedCase { id: string; caseNumber: string; region: string; agency: { code: string } }

export interface JusticeClient {
  /** The indexed case, or null (an id that is no UUID names no case and costs no call). */
  case(id: string): Promise<IndexedCase | null>;
  /** The bureau, or null; lookups of the same tick go in one call. */
  bureau(code: string): Promise<Bureau | null>;
  /** Every bureau of the directory. */
  bureaus(): Promise<Bureau[]>;
}

export const BUREAU_TTL_MS = 60_000;

const BUREAU_FIELDS = 'code kind region';

/** The aliased query for several bureaus at once: `b0: agency(code: $c0) { … } b1: …`. */
export function bureausQuery(count: number): string {
  const indexes = [...Array(count).keys()];
  return `query(${indexes.map((i) => `$c${i}: ID!`).join(', ')}) { ${indexes.map((i) => `b${i}: agency(code: $c${i}) { ${BUREAU_FIELDS} }`).join(' ')} }`;
}

/** A small cache by real elapsed time (it bounds staleness; it is no deadline of the domain). */
class Expiring<V> {
  private entries = new Map<string, { at: number; value: V }>();
  constructor(private ttlMs: number) {}
  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    this.entries.delete(key);
    return undefined;
  }
  set(key: string, value: V): V {
    this.entries.set(key, { at: Date.now(), value });
    return value;
  }
  delete(key: string): void {
    this.entries.delete(key);
  }
}

function makeClient(runtime: SubgraphRuntime): JusticeClient {
  const bureaus = new Expiring<Bureau>(BUREAU_TTL_MS);
  const directory = new Expiring<Promise<Bureau[]>>(BUREAU_TTL_MS);
  // DataLoader only batches here (its own cache is off): the TTL cache above outlives a request.
  const bureauBatch = batchLoader<string, Bureau | null>(async (codes) => {
    const variables = Object.fromEntries(codes.map((code, i) => [`c${i}`, code]));
    const data = await runtime.call<Record<string, Bureau | null>>('justice', bureausQuery(codes.length), variables);
    return codes.map((code, i) => {
      const bureau = data[`b${i}`] ?? null;
      return bureau && bureaus.set(code, bureau);
    });
  }, { cache: false });
  return {
    async case(id) {
      if (!isUuid(id)) return null;
      const data = await runtime.call<{ case: IndexedCase | null }>('justice',
        'query($id: ID!) { case(id: $id) { id caseNumber region agency { code } } }', { id });
      return data.case;
    },
    async bureau(code) {
      return bureaus.get(code) ?? bureauBatch.load(code);
    },
    bureaus() {
      const hit = directory.get('all');
      if (hit) return hit;
      const list = runtime.call<{ agencies: Bureau[] }>('justice', `{ agencies { ${BUREAU_FIELDS} } }`).then((d) => d.agencies);
      list.catch(() => directory.delete('all')); // a failed call is not kept
      return directory.set('all', list);
    },
  };
}

const clients = new WeakMap<SubgraphRuntime, JusticeClient>();

/** The justice client of this runtime (one per process and owner, so its cache is shared by requests). */
export function justiceClient(runtime: SubgraphRuntime): JusticeClient {
  let client = clients.get(runtime);
  if (!client) clients.set(runtime, (client = makeClient(runtime)));
  return client;
}
