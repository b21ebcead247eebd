import type { SubgraphModule } from '../kit/module';
import { DateTime } from '../kit/scalars';
import { entities } from './entities';
import { procuratorateLoaders, type ProcuratorateLoaders } from './loaders';
import { ProcuratorateInit1700000000000 } from './migrations/1700000000000-Init';
import { typeDefs } from './schema';
import { agencyFields, suggestionFields, suggestionMutations, suggestionQueries } from './suggestions';
import { enforcementCaseFields, supervisionMatterFields, supervisionMutations, supervisionQueries } from './supervision';

/** 人民检察院: supervision matters on indexed cases, and procuratorial suggestions to bureaus. */
export const procuratorate: SubgraphModule<ProcuratorateLoaders> = {
  name: 'procuratorate',
  defaultPort: 4003,
  typeDefs,
  entities,
  migrations: [ProcuratorateInit1700000000000],
  upstreams: ['justice'],
  loaders: procuratorateLoaders,
  resolvers: {
    DateTime,
    Query: { ...supervisionQueries, ...suggestionQueries },
    Mutation: { ...supervisionMutations, ...suggestionMutations },
    EnforcementCase: enforcementCaseFields,
    Agency: agencyFields,
    SupervisionMatter: supervisionMatterFields,
    ProcuratorialSuggestion: suggestionFields,
  },
};
