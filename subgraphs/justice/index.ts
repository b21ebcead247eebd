import type { SubgraphModule } from '../kit/module';
import { DateTime } from '../kit/scalars';
import { scopesOf } from '../kit/policy';
import { AGENCY_KINDS } from '../agencies/registry';
import { entities, Agency, type AgencyRow, type CaseIndexRow, type OfficerRow } from './entities';
import { Init1700000000000 } from './migrations/1700000000000-Init';
import { justiceLoaders, type JusticeLoaders } from './loaders';
import { caseFields, listCases } from './cases';
import { applyCaseEvents } from './case-events';
import { directoryMutations } from './directory';
import { typeDefs } from './schema';

/** 司法局: the directory of enforcement bodies and the case index (归集) of every agency. */
export const justice: SubgraphModule<JusticeLoaders> = {
  name: 'justice',
  defaultPort: 4001,
  typeDefs,
  entities,
  migrations: [Init1700000000000],
  env: [{ name: 'PARTY_KEY_SECRET', required: true, description: 'HMAC key for party identifiers in the index (≥ 32 characters)' }],
  loaders: justiceLoaders,
  routes: { 'case-events': applyCaseEvents },
  resolvers: {
    DateTime,
    Query: {
      case: (_, { id }, ctx) => ctx.loaders.caseById.load(id),
      cases: (_, { filter, first, after }, ctx) => listCases(ctx, filter ?? {}, first, after),
      agency: (_, { code }, ctx) => ctx.loaders.agencyByCode.load(code),
      viewer: (_, __, ctx) => ({ subject: ctx.identity.sub, role: ctx.identity.role, org: ctx.identity.org, region: ctx.identity.region, scopes: scopesOf(ctx.identity.role) }),
      agencies: (_, __, ctx) => ctx.runtime.db.getRepository(Agency).find({ order: { code: 'ASC' } }),
    },
    Mutation: directoryMutations,
    EnforcementCase: {
      ...caseFields,
      __resolveType: (row: CaseIndexRow) => row.caseType,
    },
    ...Object.fromEntries(AGENCY_KINDS.map((k) => [k.caseType, caseFields])),
    Agency: {
      __resolveReference: (ref: { code: string }, ctx) => ctx.loaders.agencyByCode.load(ref.code),
      officers: (agency: AgencyRow, _, ctx) => ctx.loaders.officersByAgency.load(agency.code),
      powerItems: (agency: AgencyRow, _, ctx) => ctx.loaders.powerItemsByAgency.load(agency.code),
    },
    Officer: {
      agency: (officer: OfficerRow, _, ctx) => ctx.loaders.agencyByCode.load(officer.agencyCode),
    },
  },
};
