import type { SubgraphModule } from '../../kit/module';
import { DateTime } from '../../kit/scalars';
import { entities } from './entities';
import { PublicSecurityInit1700000000000 } from './migrations/1700000000000-Init';
import { PublicSecurityInvestigation1700000000001 } from './migrations/1700000000001-Investigation';
import { investigationFields, investigationType, recordInvestigation, INFORMANT_ERASURE, INVESTIGATION_AT_REST } from './investigation';
import { erasureWorker } from '../../kit/retention';
import { PublicSecurityInvestigationAtRest1700000002200 } from './migrations/1700000002200-InvestigationAtRest';
import { AT_REST_ENV, sealAtRest } from '../../kit/at-rest';
import { publicSecurityLoaders, type PublicSecurityLoaders } from './loaders';
import { caseTransferFields, enforcementCaseFields, getTransfer, listTransfers } from './transfers';
import { transferMutations } from './mutations';
import { typeDefs } from './schema';
import { PublicSecurityNotifications1700000000450 } from './migrations/1700000000450-Notifications';
import { overdueTransferFields, transferDeadlineFields } from './overdue';
import { NOTIFICATIONS, NOTIFICATION_ROUTE } from '../../kit/notifications';
import { SUPERVISION_COPIES } from './store';
import { outboxWorkers } from '../../kit/outbox';
import { PublicSecuritySupervisionCopy1700000000200 } from './migrations/1700000000200-SupervisionCopy';
import { scorecardFields } from './scorecard';
import { overrideBounds } from '../../kit/deadlines';
import { PublicSecurityFilingSupervision1700000001000 } from './migrations/1700000001000-FilingSupervision';
import {
  filingSupervisionMutations, filingSupervisionQueries, filingSupervisionRequestFields, overdueFilingSupervisionFields, receiveFilingNotices, transferFilingSupervisionFields,
} from './filing-supervision';
import { FILING_NOTICE_ROUTE } from '../../kit/messages/filing-supervision';
import { FILING_REPORTS } from './store';
import { PublicSecurityInvestigationReminder1700000001010 } from './migrations/1700000001010-InvestigationReminder';
import { investigationReminderFields, investigationWatch } from './investigation-reminder';
import { allWorkers } from '../../kit/workers';
import { CASE_STATE_REPORTS } from './case-state';
import { overdueTransferPageFields } from './overdue-page';
import { PublicSecurityCaseStateOutbox1700000001320 } from './migrations/1700000001320-CaseStateOutbox';
import { PublicSecurityTransferIntake1700000002100 } from './migrations/1700000002100-TransferIntake';
import { materialsFields, materialsMutations } from './intake/materials';
import { extensionFields, extensionMutations } from './intake/extension';
import { seizedItemsHandoverFields, seizedItemsMutations, seizedItemsOverdueFields, seizedItemsTransferFields } from './intake/seized-items';
import { PublicSecuritySeizedItemsHandover1700000002450 } from './migrations/1700000002450-SeizedItemsHandover';
import { reverseTransferFields, reverseTransferMutations } from './intake/reverse-transfer';
import { PublicSecurityTransferReturn1700000002460 } from './migrations/1700000002460-TransferReturn';
import { PublicSecurityForwardReturnRetransfer1700000002400 } from './migrations/1700000002400-ForwardReturnRetransfer';
import { forwardFields, forwardMutations } from './intake/forward';
import { caseTransfersFields, retransferFields, retransferMutations } from './intake/retransfer';

/** 公安: receives transfers (移送) from enforcement bureaus, decides on filing, answers reconsideration. */
export const publicSecurity: SubgraphModule<PublicSecurityLoaders> = {
  name: 'public-security',
  defaultPort: 4002,
  typeDefs,
  entities,
  migrations: [PublicSecurityInit1700000000000, PublicSecurityInvestigation1700000000001, PublicSecuritySupervisionCopy1700000000200, PublicSecurityNotifications1700000000450,
    PublicSecurityFilingSupervision1700000001000, PublicSecurityInvestigationReminder1700000001010,
    PublicSecurityCaseStateOutbox1700000001320, PublicSecurityInvestigationAtRest1700000002200,
    PublicSecurityTransferIntake1700000002100, PublicSecuritySeizedItemsHandover1700000002450, PublicSecurityTransferReturn1700000002460,
    PublicSecurityForwardReturnRetransfer1700000002400],
  upstreams: ['justice'],
  // 抄送: every new transfer is copied to the procuratorate (resolves its 以罚代刑 alerts).
  notifies: ['procuratorate'],
  // 立案监督: the procuratorate's notices (要求说明不立案理由, 通知立案 …) arrive here.
  routes: { [FILING_NOTICE_ROUTE]: receiveFilingNotices },
  routeSenders: { [FILING_NOTICE_ROUTE]: ['procuratorate'] },
  workers: allWorkers(sealAtRest(INVESTIGATION_AT_REST), erasureWorker(INFORMANT_ERASURE), outboxWorkers(
    SUPERVISION_COPIES,
    // 立案监督: refusals, receipts, explanations and filings reported to the procuratorate.
    FILING_REPORTS,
    // 通报: notifications about transfers go to the justice bureau's inbox.
    { ...NOTIFICATIONS, to: 'justice', route: NOTIFICATION_ROUTE },
    // The case index's list filters: every transfer state (case-state.ts).
    CASE_STATE_REPORTS,
  ), investigationWatch),
  env: [{
    name: 'FILING_DECISION_DAYS', required: false, ...overrideBounds('filingDecision'),
    description: 'days public security has to decide on filing after accepting a transfer (default 3, 国务院令第310号 第八条; 1–30 for complex cases)',
  }, {
    name: 'OUTBOX_POLL_MS', required: false, description: 'how often the relay to the procuratorate looks for undelivered transfer copies (default 1000)',
  }, {
    name: 'INVESTIGATION_WATCH_POLL_MS', required: false, description: 'how often the 立而不侦 watch looks for filed cases without investigation progress (default 1000)',
  }, ...AT_REST_ENV],
  loaders: publicSecurityLoaders,
  resolvers: {
    DateTime,
    Query: {
      transfer: (_, { id }, ctx) => getTransfer(ctx, id),
      transfers: (_, { filter, first, after, last, before }, ctx) => listTransfers(ctx, filter ?? {}, { first, after, last, before }),
      ...filingSupervisionQueries,
    },
    Mutation: { ...transferMutations, recordInvestigation, ...filingSupervisionMutations, ...materialsMutations, ...extensionMutations, ...seizedItemsMutations, ...reverseTransferMutations, ...forwardMutations, ...retransferMutations },
    EnforcementCase: { ...enforcementCaseFields, ...caseTransfersFields },
    CaseTransfer: { ...caseTransferFields, ...investigationFields, ...transferDeadlineFields, ...transferFilingSupervisionFields, ...investigationReminderFields, ...materialsFields, ...extensionFields, ...seizedItemsTransferFields, ...reverseTransferFields, ...forwardFields, ...retransferFields },
    FilingSupervisionRequest: filingSupervisionRequestFields,
    OverdueItems: { ...overdueTransferFields, ...overdueFilingSupervisionFields, ...overdueTransferPageFields, ...seizedItemsOverdueFields },
    SeizedItemsHandover: seizedItemsHandoverFields,
    Investigation: investigationType,
    Scorecard: scorecardFields,
  },
};
