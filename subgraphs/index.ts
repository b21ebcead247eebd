import type { SubgraphModule } from '../kit/module';
import { justice as justiceOfRegistry } from './justice';
import { learnsAgencies } from './justice/agency-kinds';
import { publicSecurity } from './public-security';
import { ecoEnvironment } from './agencies/eco-environment';
import { emergencyManagement } from './agencies/emergency-management';
import { naturalResources } from './agencies/natural-resources';
import { marketRegulation } from './agencies/market-regulation';
import { procuratorate } from './procuratorate';
import { audit } from './audit';

/** Every subgraph of the hub, in boot order: the index first, since the others call it. */
// Justice learns an agency added while it runs (justice/agency-kinds.ts).
const justice = learnsAgencies(justiceOfRegistry);

export const SUBGRAPHS: SubgraphModule[] = [justice, publicSecurity, marketRegulation, ecoEnvironment, emergencyManagement, naturalResources, procuratorate, audit];

export function subgraphNamed(name: string): SubgraphModule {
  const module = SUBGRAPHS.find((s) => s.name === name);
  if (!module) throw new Error(`no subgraph named ${name}; known: ${SUBGRAPHS.map((s) => s.name).join(', ')}`);
  return module;
}
