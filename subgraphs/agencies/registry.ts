/**
 * The enforcement systems that run an agency subgraph. The case index (justice) must list every
 * implementation of the EnforcementCase entity interface, so a new agency adds one line here.
 */
export interface AgencyKind {
  name: string; // subgraph name and folder under subgraphs/agencies/
  kind: string; // Agency.kind of its bureaus
  caseType: string; // its EnforcementCase implementation
  label: string;
}

export const AGENCY_KINDS: AgencyKind[] = [
  { name: 'market-regulation', kind: 'MARKET_REGULATION', caseType: 'MarketRegulationCase', label: '市场监督管理局' },
  { name: 'eco-environment', kind: 'ECO_ENVIRONMENT', caseType: 'EcoEnvironmentCase', label: '生态环境局' },
];

export const AGENCY_KIND_BY_CASE_TYPE = new Map(AGENCY_KINDS.map((k) => [k.caseType, k]));

/** The agency's implementation of the PublishedDecision entity interface (阳光执法). */
export const publishedDecisionType = (kind: Pick<AgencyKind, 'caseType'>) => kind.caseType.replace(/Case$/, 'PublishedDecision');
