import { defineAgency } from '@supervision-graph/agency-kit';
import { OWN_FIELDS } from './fields';
import { CultureTourismFields1700000002991 } from './migration';

/**
 * 文化和旅游局 (culture and tourism): an agency outside the hub's repository. Its registry entry is
 * its own (the hub's schema/agencies.json does not list it): justice learns it when this subgraph
 * starts, and `npm run schema:publish` in the hub makes the gateway serve it, with no redeploy of
 * either. Names follow the kind: CultureTourismCase, createCultureTourismCase, bureaus of kind
 * CULTURE_TOURISM with codes CT-<region>.
 */
export const cultureTourism = defineAgency({
  name: 'culture-tourism',
  registry: { label: '文化和旅游局', bureauPrefix: 'CT' },
  defaultPort: 4109,
  ownFields: OWN_FIELDS,
  migrations: [CultureTourismFields1700000002991],
});
