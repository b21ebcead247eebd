// The row rule of a 行政执法监督 matter (a procuratorial suggestion copied to the justice bureau,
// seed 001 双向通报): it belongs to the procuratorate that copied it and lies in the region of the
// bureau it concerns. The justice bureau and the procuratorate read it within their region
// (supervision:read@region); the justice bureau of the region records the result
// (justice:supervise@region).
import { defineResource } from '../../../kit/access';

export interface JusticeMatterPlace { procuratorateCode: string; region: string }

export const justiceMatterRule = defineResource<JusticeMatterPlace>({
  resource: 'justice supervision matter',
  placeText: "the procuratorate that copied it; the region of the bureau concerned",
  place: (m) => ({ units: [m.procuratorateCode], region: m.region }),
  actions: {
    read: { scope: 'supervision:read' },
    recordResult: { scope: 'justice:supervise' },
  },
});
