import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The enforcement systems that run an agency subgraph, from one registry of data
 * (schema/agencies.json). The case index (justice) lists every implementation of the
 * EnforcementCase entity interface from it; `npm run agency:new` adds an entry.
 */
export interface AgencyKind {
  name: string; // subgraph name and folder under subgraphs/agencies/
  kind: string; // Agency.kind of its bureaus
  caseType: string; // its EnforcementCase implementation
  label: string;
  /** The prefix of its bureaus' codes (MR-320706); every registry entry has one. */
  bureauPrefix?: string;
  /**
   * What its cases tell the index beyond the kit's own figures (KIT_FIGURES): the names of its
   * numeric own fields (figures) and text own fields (attributes). The threshold rules read them;
   * the procuratorate reports at start-up a rule that needs a figure no agency records. The agency's
   * definition (kit/define.ts) refuses to start when its own fields say otherwise.
   */
  figures: string[];
  attributes: string[];
}

/** Figures every agency's case carries (the agency kit): amounts involved, the fine, 违法所得, 公私财产损失. */
export const KIT_FIGURES = ['amountInvolved', 'fineAmount', 'illegalGain', 'economicLoss'];

/** The names an agency's name gives: kind culture-tourism → CULTURE_TOURISM, CultureTourismCase. */
export const kindOf = (name: string) => name.toUpperCase().replace(/-/g, '_');
export const caseTypeOf = (name: string) => `${name.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('')}Case`;
export const AGENCY_NAME = /^[a-z]+(-[a-z]+)*$/;

type Entry = Pick<AgencyKind, 'name' | 'label' | 'bureauPrefix' | 'figures' | 'attributes'>;

/** Reads and checks the registry's entries; a bad entry stops whatever reads it, entry and field named. */
export function parseAgencyRegistry(document: unknown): AgencyKind[] {
  const entries = (document as { agencies?: Entry[] })?.agencies;
  if (!Array.isArray(entries)) throw new Error('schema/agencies.json: agencies must be a list');
  const seen = new Set<string>();
  return entries.map((e, i) => {
    const fail = (field: string, why: string) => { throw new Error(`schema/agencies.json: agency ${e?.name ?? `agencies[${i}]`}: ${field} ${why}`); };
    if (typeof e?.name !== 'string' || !AGENCY_NAME.test(e.name)) fail('name', 'must be kebab-case (culture-tourism)');
    if (typeof e.label !== 'string' || !e.label) fail('label', 'is required (the bureau\'s Chinese name)');
    if (typeof e.bureauPrefix !== 'string' || !/^[A-Z]{2,4}$/.test(e.bureauPrefix)) fail('bureauPrefix', 'must be 2 to 4 capital letters');
    for (const list of ['figures', 'attributes'] as const) {
      if (!Array.isArray(e[list]) || e[list].some((f) => typeof f !== 'string')) fail(list, 'must be a list of field names');
    }
    for (const key of [e.name, `prefix ${e.bureauPrefix}`]) {
      if (seen.has(key)) fail(key.startsWith('prefix') ? 'bureauPrefix' : 'name', 'is used by another agency');
      seen.add(key);
    }
    return { name: e.name, kind: kindOf(e.name), caseType: caseTypeOf(e.name), label: e.label, bureauPrefix: e.bureauPrefix, figures: e.figures, attributes: e.attributes };
  });
}

export const AGENCY_REGISTRY_PATH = fileURLToPath(new URL('../../schema/agencies.json', import.meta.url));

export const AGENCY_KINDS: AgencyKind[] = parseAgencyRegistry(JSON.parse(readFileSync(AGENCY_REGISTRY_PATH, 'utf8')));

export const AGENCY_KIND_BY_CASE_TYPE = new Map(AGENCY_KINDS.map((k) => [k.caseType, k]));

/** The agency's implementation of the PublishedDecision entity interface (阳光执法). */
export const publishedDecisionType = (kind: Pick<AgencyKind, 'caseType'>) => kind.caseType.replace(/Case$/, 'PublishedDecision');

/**
 * An agency learnt while the process runs (one outside this repository announcing itself to
 * justice, or defining itself with its own entry): it joins AGENCY_KINDS and AGENCY_KIND_BY_CASE_TYPE,
 * which everything reads at each use. Returns whether anything changed.
 */
export function learnAgencyKind(kind: AgencyKind): boolean {
  const at = AGENCY_KINDS.findIndex((k) => k.name === kind.name);
  const same = at >= 0 && JSON.stringify(AGENCY_KINDS[at]) === JSON.stringify(kind);
  if (same) return false;
  if (at >= 0) AGENCY_KINDS[at] = kind; else AGENCY_KINDS.push(kind);
  AGENCY_KIND_BY_CASE_TYPE.set(kind.caseType, kind);
  return true;
}
