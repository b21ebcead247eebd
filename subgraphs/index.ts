import type { SubgraphModule } from '../kit/module';
import { justice } from './justice';
import { publicSecurity } from './public-security';
import { ecoEnvironment } from './agencies/eco-environment';
import { emergencyManagement } from './agencies/emergency-management';
import { naturalResources } from './agencies/natural-resources';
import { marketRegulation } from './agencies/market-regulation';
import { procuratorate } from './procuratorate';
import { audit } from './audit';

/** Every subgraph of the hub, in boot order: the index first, since the others call it. */
export const SUBGRAPHS: SubgraphModule[] = [justice, publicSecurity, marketRegulation, ecoEnvironment, emergencyManagement, naturalResources, procuratorate, audit];

export function subgraphNamed(name: string): SubgraphModule {
  const module = SUBGRAPHS.find((s) => s.name === name);
  if (!module) throw new Error(`no subgraph named ${name}; known: ${SUBGRAPHS.map((s) => s.name).join(', ')}`);
  return module;
}
