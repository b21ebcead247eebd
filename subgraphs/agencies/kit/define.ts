import type { SubgraphContext, SubgraphModule } from '../../../kit/module';
import { nudgeOutbox, outboxWorkers } from '../../../kit/outbox';
import { DateTime } from '../../../kit/scalars';
import { AGENCY_KINDS, learnAgencyKind, parseAgencyRegistry, publishedDecisionType } from '../registry';
import { announceWorker } from './announce';
import { isPublishable } from '../../../kit/publication';
import { may } from '../../../kit/access';
import { caseRule } from '../../../kit/resources/case';
import { justiceClient } from '../../../kit/justice-client';
import { caseEntity, Party, type CaseRow } from './entities';
import { attributeNames, figureNames, ownFieldProblems, type OwnField } from './fields';
import { agencyLoaders, type AgencyLoaders } from './loaders';
import { AgencyKitInit1700000000000, AgencyKitOutbox1700000000900 } from './migration';
import { AgencyKitPartyRefs1700000001700 } from './party-ref-migration';
import { AgencyKitPublication1700000000300 } from './publication-migration';
import { AgencyKitLifecycle1700000001000 } from './lifecycle-migration';
import { caseHistory, updateCaseResolver } from './update';
import { CASE_EVENTS } from './outbox';
import { recordCaseResolver } from './record';
import { openParty, PARTY_AT_REST, PARTY_ERASURE, partyResolvers } from './party';
import { erasureWorker } from '../../../kit/retention';
import { AgencyKitPartyAtRest1700000002200 } from './at-rest-migration';
import { AT_REST_ENV, sealAtRest } from '../../../kit/at-rest';
import { allWorkers } from '../../../kit/workers';
import { agencyTypeDefs } from './schema';

export interface AgencyDefinition {
  name: string; // as in the registry
  defaultPort: number;
  ownFields: OwnField[];
  /** The agency's own migrations, after the kit's (its own columns, its own indexes). */
  migrations: Function[];
  /**
   * An agency outside this repository (not in schema/agencies.json): its bureaus' Chinese name and
   * code prefix. Its figures and attributes follow from its own fields; it announces the entry to
   * justice at start (announce.ts), so justice needs no redeploy.
   */
  registry?: { label: string; bureauPrefix: string };
}

/** Each defined agency's own fields, by name: the benchmark's seed writes them (bench/dataset.ts). */
export const OWN_FIELDS = new Map<string, OwnField[]>();

/** Builds an agency subgraph from the shared kit and what is the agency's own. */
export function defineAgency(def: AgencyDefinition): SubgraphModule<AgencyLoaders> {
  OWN_FIELDS.set(def.name, def.ownFields);
  const own = def.registry && !AGENCY_KINDS.some((k) => k.name === def.name)
    ? parseAgencyRegistry({ agencies: [{ name: def.name, ...def.registry, figures: figureNames(def.ownFields), attributes: attributeNames(def.ownFields) }] })[0]
    : undefined;
  if (own) learnAgencyKind(own);
  const kind = AGENCY_KINDS.find((k) => k.name === def.name);
  if (!kind) throw new Error(`agency ${def.name} is not in subgraphs/agencies/registry.ts (an agency outside this repository gives its registry entry)`);
  // The registry says which figures and text fields the agency's cases carry (the procuratorate reads it): so do its own fields.
  const declared = (list: string[]) => [...list].sort().join(',');
  if (declared(kind.figures) !== declared(figureNames(def.ownFields))
    || declared(kind.attributes) !== declared(attributeNames(def.ownFields))) {
    throw new Error(`agency ${def.name}: its own fields differ from the figures and attributes subgraphs/agencies/registry.ts declares`);
  }
  const problems = ownFieldProblems(def.ownFields);
  if (problems.length) throw new Error(`agency ${def.name}: ${problems.join('; ')}`);
  const Case = caseEntity(def.ownFields);
  const bureauOf = (ctx: SubgraphContext) => (code: string) => justiceClient(ctx.runtime).bureau(code);

  return {
    name: def.name,
    defaultPort: def.defaultPort,
    typeDefs: agencyTypeDefs(kind, def.ownFields),
    entities: [Party, Case],
    migrations: [AgencyKitInit1700000000000, AgencyKitPublication1700000000300, AgencyKitOutbox1700000000900, AgencyKitLifecycle1700000001000, AgencyKitPartyRefs1700000001700, AgencyKitPartyAtRest1700000002200, ...def.migrations],
    upstreams: ['justice'],
    env: [{ name: 'OUTBOX_POLL_MS', required: false, description: 'how often the outbox relay looks for undelivered events (default 1000)' }, ...AT_REST_ENV],
    loaders: (runtime) => agencyLoaders(runtime, Case),
    // Older rows sealed at rest first (kit/at-rest.ts): the relay opens what it blinds. Parties
    // past their retention period erased (kit/retention.ts).
    workers: allWorkers(...(own ? [announceWorker(own)] : []), sealAtRest(PARTY_AT_REST), outboxWorkers(CASE_EVENTS), erasureWorker(PARTY_ERASURE)),
    resolvers: {
      DateTime,
      Mutation: {
        [`create${kind.caseType}`]: recordCaseResolver(kind, def.ownFields, Case, bureauOf, (ctx) => nudgeOutbox(ctx.runtime, CASE_EVENTS.table)),
        [`update${kind.caseType}`]: updateCaseResolver(kind, def.ownFields, Case, (ctx) => nudgeOutbox(ctx.runtime, CASE_EVENTS.table)),
      },
      [kind.caseType]: {
        // The case rule (kit/resources/case.ts), as in the index: a case outside the caller's reach
        // is no case at all, on the gateway's path and on a direct `_entities` call alike.
        __resolveReference: async (ref: { id: string }, ctx: SubgraphContext<AgencyLoaders>) => {
          const row = await ctx.loaders.caseById.load(ref.id);
          return row && may(ctx.identity, caseRule, 'read', row) ? row : null;
        },
        agency: (row: CaseRow) => ({ code: row.agencyCode }),
        history: (row: CaseRow, _: unknown, ctx: SubgraphContext<AgencyLoaders>) => caseHistory(ctx, row),
        party: async (row: CaseRow, _: unknown, ctx: SubgraphContext<AgencyLoaders>) => {
          const party = await ctx.loaders.partyById.load(row.partyId);
          // The party carries its case's owner, so the row-level rules can judge each value.
          return party && { ...party, owner: { entityId: row.id, agencyCode: row.agencyCode, region: row.region } };
        },
      },
      Party: partyResolvers,
      // 阳光执法: the party's name of a published decision. The index only lists publishable
      // decisions; this subgraph checks its own record again before it lets a name out.
      [publishedDecisionType(kind)]: {
        __resolveReference: async (ref: { id: string }, ctx: SubgraphContext<AgencyLoaders>) =>
          (await ctx.loaders.caseById.load(ref.id)) ?? { id: ref.id, unknown: true },
        partyName: async (row: CaseRow & { unknown?: true }, _: unknown, ctx: SubgraphContext<AgencyLoaders>) => {
          if (row.unknown || !isPublishable(row)) return null;
          const party = await ctx.loaders.partyById.load(row.partyId);
          return party?.name ? openParty(ctx.runtime, party.id, 'name', party.name) : null;
        },
      },
    },
  };
}
