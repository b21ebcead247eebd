import { Kind, type DocumentNode, type DefinitionNode, type EnumTypeDefinitionNode, type ObjectTypeDefinitionNode } from 'graphql';
import type { SubgraphModule, SubgraphRuntime } from '../../kit/module';
import { HttpError } from '../../kit/http';
import { allWorkers } from '../../kit/workers';
import { log } from '../../kit/log';
import { AGENCY_KINDS, learnAgencyKind, parseAgencyRegistry, publishedDecisionType, type AgencyKind } from '../agencies/registry';
import { followAgencyKinds, type AgencyEntry } from '../agencies/learning';
import { JusticeAgencyKinds1700000002990 } from './migrations/1700000002990-AgencyKinds';

// Justice without a redeploy when an agency is added (issue 9). Federation makes the owner of an
// entity interface define every implementation, so justice's SDL names each agency's case type
// (EnforcementCase) and published-decision type (PublishedDecision) and its bureaus' kind
// (AgencyKind). What justice needs of an agency is its registry entry, nothing of its code: the
// same resolvers serve every agency's case (the index row), checks of the events it sends read
// the entry (its name, its case type). So an agency outside this repository announces its entry
// (POST /internal/agency-kinds, signed with its own key, about itself only); justice stores it,
// builds its schema anew with the new types (no restart: kit/runtime.ts reloadSchema) and
// accepts the agency's case events from then on. Every replica reads the table on its poll.
// Then `npm run schema:publish -- justice <its URL>` and the agency's own publish make the gateway
// serve them, without a restart either.

/** Owners that are not agencies: none of them may announce itself as one. */
const NOT_AGENCIES = new Set(['justice', 'public-security', 'procuratorate', 'audit', 'gateway']);

const isAgency = { has: (owner: string) => AGENCY_KINDS.some((k) => k.name === owner) };
const mayAnnounce = { has: (owner: string) => !NOT_AGENCIES.has(owner) };

interface Row { name: string; label: string; bureau_prefix: string; figures: string[]; attributes: string[] }
const entryOf = (r: Row): AgencyEntry => ({ name: r.name, label: r.label, bureauPrefix: r.bureau_prefix, figures: r.figures, attributes: r.attributes });

/** The entries the agencies announced (stored by any replica). */
async function storedEntries(runtime: SubgraphRuntime): Promise<AgencyEntry[]> {
  const rows: Row[] = await runtime.db.query('SELECT name, label, bureau_prefix, figures, attributes FROM agency_kind ORDER BY name');
  return rows.map(entryOf);
}

/**
 * At start and on every poll (subgraphs/agencies/learning.ts, the one follower the procuratorate
 * uses too): what any replica stored, learnt here, and the schema rebuilt when something changed.
 */
const follower = followAgencyKinds('agency kinds', storedEntries, { mustStart: true, changed: async (runtime) => { await runtime.reloadSchema?.(); } });

/**
 * POST /internal/agency-kinds-learnt (from the procuratorate): the entries announced to justice,
 * which the procuratorate learns too (its screening reads agency kinds: schema/offence-map.json).
 * Justice has learnt an agency before it accepts one case event of it, so an owner that asks on
 * seeing an unknown case type in justice's index events always finds it here.
 */
const announcedEntries = async (runtime: SubgraphRuntime) => ({ agencies: await storedEntries(runtime) });

/** Justice's module, listing the agencies of the repository's registry and those learnt since. */
export function learnsAgencies(justice: SubgraphModule): SubgraphModule {
  const base = new Set(AGENCY_KINDS.map((k) => k.name));
  const template = AGENCY_KINDS[0];
  const baseDoc = justice.typeDefs;
  const definition = (name: string) => baseDoc.definitions.find((d) => 'name' in d && d.name?.value === name) as ObjectTypeDefinitionNode;
  const caseTemplate = definition(template.caseType);
  const publishedTemplate = definition(publishedDecisionType(template));
  const learnt = () => AGENCY_KINDS.filter((k) => !base.has(k.name));
  const described = (node: ObjectTypeDefinitionNode, name: string, text: string): ObjectTypeDefinitionNode =>
    ({ ...node, name: { kind: Kind.NAME, value: name }, description: { kind: Kind.STRING, value: text, block: true } });

  /** The base SDL with each learnt agency's two types and its AgencyKind value. */
  const typeDefs = (): DocumentNode => {
    const extra = learnt();
    if (!extra.length) return baseDoc;
    const definitions: DefinitionNode[] = baseDoc.definitions.map((d) => {
      if (d.kind !== Kind.ENUM_TYPE_DEFINITION || d.name.value !== 'AgencyKind') return d;
      const values = extra.map((k) => ({ kind: Kind.ENUM_VALUE_DEFINITION, name: { kind: Kind.NAME, value: k.kind }, description: { kind: Kind.STRING, value: k.label } }) as const);
      return { ...d, values: [...(d as EnumTypeDefinitionNode).values ?? [], ...values] };
    });
    for (const k of extra) {
      definitions.push(described(caseTemplate, k.caseType, k.label), described(publishedTemplate, publishedDecisionType(k), `${k.label}: a published penalty decision`));
    }
    return { ...baseDoc, definitions };
  };
  const resolvers = () => ({
    ...justice.resolvers,
    ...Object.fromEntries(learnt().flatMap((k) => [
      [k.caseType, justice.resolvers[template.caseType]],
      [publishedDecisionType(k), justice.resolvers[publishedDecisionType(template)]],
    ])),
  });

  /** POST /internal/agency-kinds: an agency's registry entry, about itself (its key signed it). */
  const announce = async (runtime: SubgraphRuntime, body: unknown, from: { owner: string }) => {
    let kind: AgencyKind;
    try {
      [kind] = parseAgencyRegistry({ agencies: [body] });
    } catch (error) {
      throw new HttpError(400, (error as Error).message);
    }
    if (kind.name !== from.owner) throw new HttpError(403, `${from.owner} may announce itself only, not ${kind.name}`);
    if (base.has(kind.name)) return { name: kind.name, known: true };
    const other = AGENCY_KINDS.find((k) => k.name !== kind.name && k.bureauPrefix === kind.bureauPrefix);
    if (other) throw new HttpError(409, `bureauPrefix ${kind.bureauPrefix} is ${other.name}'s`);
    await runtime.db.query(`
      INSERT INTO agency_kind (name, label, bureau_prefix, figures, attributes, announced_at) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (name) DO UPDATE SET label = excluded.label, bureau_prefix = excluded.bureau_prefix, figures = excluded.figures,
        attributes = excluded.attributes, announced_at = excluded.announced_at`,
    [kind.name, kind.label, kind.bureauPrefix, kind.figures, kind.attributes, runtime.now()]);
    if (learnAgencyKind(kind)) {
      await runtime.reloadSchema?.();
      log.info('agency learnt', { agency: kind.name, caseType: kind.caseType });
    }
    return { name: kind.name, caseType: kind.caseType, known: true };
  };

  return {
    ...justice,
    get typeDefs() { return typeDefs(); },
    get resolvers() { return resolvers() as SubgraphModule['resolvers']; },
    migrations: [...justice.migrations, JusticeAgencyKinds1700000002990],
    routes: { ...justice.routes, 'agency-kinds': announce, 'agency-kinds-learnt': announcedEntries },
    routeSenders: { ...justice.routeSenders, 'case-events': isAgency, 'party-refs': isAgency, 'agency-kinds': mayAnnounce, 'agency-kinds-learnt': ['procuratorate'] },
    workers: justice.workers ? allWorkers(follower.worker, justice.workers) : follower.worker,
  };
}
