import type { SubgraphModule } from '../../kit/module';
import { DateTime } from '../../kit/scalars';
import { entities } from './entities';
import { procuratorateLoaders, type ProcuratorateLoaders } from './loaders';
import { ProcuratorateInit1700000000000 } from './migrations/1700000000000-Init';
import { typeDefs } from './schema';
import { ProcuratorateEscalation1700000000450 } from './migrations/1700000000450-Escalation';
import { escalationWorkers, overdueSuggestionFields, receiveEscalationResults, suggestionEscalationFields } from './escalation';
import { Alert, alertFields, alertMutations, alertQueries, applyIndexEvents, applyTransferEvents } from './alerts';
import { ProcuratorateAlerts1700000000200 } from './migrations/1700000000200-Alerts';
import { ProcuratorateAlertLifecycle1700000001300 } from './migrations/1700000001300-AlertLifecycle';
import { loadOffenceMapFiles, reportUnrecordedFields } from './screening';
import { agencyKindsWorker, knowingAgencyKinds } from './agency-kinds';
import { scorecardFields, scorecardFreezeWorker, scorecardQueries } from './scorecard';
import { ProcuratorateScorecardFrozen1700000001110 } from './migrations/1700000001110-ScorecardFrozen';
import { ProcuratorateSuggestionRecipients1700000001120 } from './migrations/1700000001120-SuggestionRecipients';
import { ProcuratorateSuggestionReceipt1700000001130 } from './migrations/1700000001130-SuggestionReceipt';
import { ProcuratorateSuggestionObjection1700000001140 } from './migrations/1700000001140-SuggestionObjection';
import { agencyFields, suggestionFields, suggestionMutations, suggestionQueries } from './suggestions';
import { enforcementCaseFields, supervisionMatterFields, supervisionMutations, supervisionQueries } from './supervision';
import { caseFilingSupervisionFields, filingNoticeWorkers, filingSupervisionFields, filingSupervisionMutations, filingSupervisionQueries, receiveFilingEvents } from './filing-supervision';
import { ProcuratorateFilingSupervision1700000001000 } from './migrations/1700000001000-FilingSupervision';
import { allWorkers } from '../../kit/workers';
import { alertChanges } from './alert-events';
import { ProcuratorateAlertEvents1700000002501 } from './migrations/1700000002501-AlertEvents';
import { witnessCheckpoint } from './witness';
import { ProcuratorateAuditWitness1700000001500 } from './migrations/1700000001500-AuditWitness';
import { CASE_STATE_REPORTS } from './case-state';
import { caseListFields, listQueries, overduePageFields } from './lists';
import { ProcuratorateListIndexes1700000001330 } from './migrations/1700000001330-ListIndexes';
import { ProcuratorateCaseStateOutbox1700000001320 } from './migrations/1700000001320-CaseStateOutbox';
import { outboxWorkers } from '../../kit/outbox';
import { nonProsecutionCaseFields, nonProsecutionMutations } from './non-prosecution';
import { ProcuratorateProcuratorialOpinion1700000002470 } from './migrations/1700000002470-ProcuratorialOpinion';
import { concatAST } from 'graphql';
import { gql } from '../../kit/sdl';
import { SUGGESTION_STAGE_SDL, suggestionStageMutations, suggestionStageQueries } from './suggestion-stages';
import { ProcuratorateSuggestionStages1700000002800 } from './migrations/1700000002800-SuggestionStages';
import { SCORECARD_YEAR_SDL, scorecardYearQueries } from './scorecard-year';

/** 人民检察院: supervision matters on indexed cases, and procuratorial suggestions to bureaus. */
export const procuratorate: SubgraphModule<ProcuratorateLoaders> = {
  name: 'procuratorate',
  defaultPort: 4003,
  // 典型问题, 公益诉讼 stage (suggestion-stages.ts) and the year's scorecard (scorecard-year.ts) extend the schema.
  typeDefs: concatAST([typeDefs, gql`${SUGGESTION_STAGE_SDL}${SCORECARD_YEAR_SDL}`]),
  entities: [...entities, Alert],
  // In the order they run (TypeORM runs them by their timestamp).
  migrations: [
    ProcuratorateInit1700000000000,
    ProcuratorateAlerts1700000000200,
    ProcuratorateEscalation1700000000450,
    ProcuratorateFilingSupervision1700000001000,
    ProcuratorateScorecardFrozen1700000001110,
    ProcuratorateSuggestionRecipients1700000001120,
    ProcuratorateSuggestionReceipt1700000001130,
    ProcuratorateSuggestionObjection1700000001140,
    ProcuratorateAlertLifecycle1700000001300,
    ProcuratorateCaseStateOutbox1700000001320,
    ProcuratorateListIndexes1700000001330,
    ProcuratorateAuditWitness1700000001500,
    ProcuratorateProcuratorialOpinion1700000002470,
    ProcuratorateAlertEvents1700000002501,
    ProcuratorateSuggestionStages1700000002800,
  ],
  upstreams: ['justice'],
  // 立案监督: notices to public security (要求说明不立案理由, 通知立案 …) through the filing-notice outbox.
  notifies: ['public-security'],
  // Index events from justice and transfer copies (抄送) from public security feed the alerts.
  routes: { 'audit-checkpoints': witnessCheckpoint, // the audit log's witness (witness.ts)
    'case-events': knowingAgencyKinds(applyIndexEvents), 'transfer-events': applyTransferEvents, 'escalation-results': receiveEscalationResults,
    'filing-events': receiveFilingEvents },
  routeSenders: { 'audit-checkpoints': ['audit'],
    'case-events': ['justice'], 'transfer-events': ['public-security'], 'escalation-results': ['justice'],
    'filing-events': ['public-security'] },
  // Seed 001: overdue and not-rectified suggestions are copied to justice; notifications go to justice's inbox.
  workers: allWorkers(escalationWorkers, scorecardFreezeWorker,
    filingNoticeWorkers,
    reportUnrecordedFields,
    // Agency kinds learnt at run time, from justice (agency-kinds.ts); the deployment's own offence mappings.
    loadOffenceMapFiles, agencyKindsWorker,
    // The case index's list filters: every supervision matter's state (case-state.ts).
    outboxWorkers(CASE_STATE_REPORTS),
    alertChanges.worker),
  streams: { alerts: alertChanges.stream },
  env: [
    { name: 'OUTBOX_POLL_MS', required: false, description: 'how often the relays to justice look for undelivered escalations and notifications (default 1000)' },
    { name: 'OFFENCE_MAP_FILES', required: false, description: 'comma-separated paths of offence mappings of the deployment\'s own, beside schema/offence-map.json (screening.ts)' },
    { name: 'ESCALATION_POLL_MS', required: false, description: 'how often the overdue watch looks for suggestions unanswered past their due date (default 1000)' },
  ],
  loaders: procuratorateLoaders,
  resolvers: {
    DateTime,
    Query: { ...supervisionQueries, ...suggestionQueries, ...scorecardQueries, ...alertQueries,
      ...filingSupervisionQueries, ...listQueries, ...suggestionStageQueries, ...scorecardYearQueries },
    Mutation: { ...supervisionMutations, ...suggestionMutations, ...alertMutations,
      ...filingSupervisionMutations, ...nonProsecutionMutations, ...suggestionStageMutations },
    Alert: alertFields,
    EnforcementCase: { ...enforcementCaseFields,
      ...caseFilingSupervisionFields, ...caseListFields, ...nonProsecutionCaseFields },
    FilingSupervision: filingSupervisionFields,
    Agency: agencyFields,
    SupervisionMatter: supervisionMatterFields,
    ProcuratorialSuggestion: suggestionFields,
    SuggestionEscalation: suggestionEscalationFields,
    OverdueItems: { ...overdueSuggestionFields, ...overduePageFields },
    Scorecard: scorecardFields,
  },
};
