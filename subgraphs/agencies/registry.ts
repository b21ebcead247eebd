/**
 * The enforcement systems that run an agency subgraph. The case index (justice) must list every
 * implementation of the EnforcementCase entity interface, so a new agency adds one line here.
 */
export interface AgencyKind {
  name: string; // subgraph name and folder under subgraphs/agencies/
  kind: string; // Agency.kind of its bureaus
  caseType: string; // its EnforcementCase implementation
  label: string;
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

export const AGENCY_KINDS: AgencyKind[] = [
  { name: 'market-regulation', kind: 'MARKET_REGULATION', caseType: 'MarketRegulationCase', label: '市场监督管理局',
    figures: ['salesAmount', 'unsoldGoodsValue'], attributes: ['productName'] },
  { name: 'eco-environment', kind: 'ECO_ENVIRONMENT', caseType: 'EcoEnvironmentCase', label: '生态环境局',
    figures: ['exceedanceMultiple', 'hazardousWasteTonnes'], attributes: ['pollutant'] },
];

export const AGENCY_KIND_BY_CASE_TYPE = new Map(AGENCY_KINDS.map((k) => [k.caseType, k]));

/** The agency's implementation of the PublishedDecision entity interface (阳光执法). */
export const publishedDecisionType = (kind: Pick<AgencyKind, 'caseType'>) => kind.caseType.replace(/Case$/, 'PublishedDecision');
