import type { SubgraphModule } from '../../kit/module';
import { DateTime } from '../../kit/scalars';
import { scopesOf } from '../../kit/policy';
import { AGENCY_KINDS } from '../agencies/registry';
import { entities, Agency, type AgencyRow, type CaseIndexRow, type OfficerRow } from './entities';
import { Init1700000000000 } from './migrations/1700000000000-Init';
import { JusticePublication1700000000300 } from './migrations/1700000000300-Publication';
import { listPublishedDecisions, publishedDecisionFields, publishedDecisionInterface } from './published';
import { agencyScorecardField, scorecardFields, scorecardFreezeWorker } from './scorecard';
import { JusticeScorecardFrozen1700000001110 } from './migrations/1700000001110-ScorecardFrozen';
import { allWorkers } from '../../kit/workers';
import { publishedDecisionType } from '../agencies/registry';
import { justiceLoaders, type JusticeLoaders } from './loaders';
import { caseFields, listCases, readableCase } from './cases';
import { applyCaseEvents, SUPERVISION_FEED } from './case-events';
import { partyCases, partyRefEvaluation } from './party-lookup';
import { JusticeSupervisionFeed1700000000200 } from './migrations/1700000000200-SupervisionFeed';
import { outboxWorkers } from '../../kit/outbox';
import { directoryMutations, registrationField } from './directory';
import { LOOKUP_QUOTA_ENV } from './lookup-quota';
import { JusticeDirectoryRegistrar1700000000800 } from './migrations/1700000000800-DirectoryRegistrar';
import { JusticePartyLookupQuota1700000000810 } from './migrations/1700000000810-PartyLookupQuota';
import { JusticeInboxByScope1700000000820 } from './migrations/1700000000820-InboxByScope';
import { JusticeReceivedEvent1700000000900 } from './migrations/1700000000900-ReceivedEvent';
import { JusticeConductAt1700000001200 } from './migrations/1700000001200-ConductAt';
import { JusticeCaseListIndexes1700000001310 } from './migrations/1700000001310-CaseListIndexes';
import { typeDefs } from './schema';
import { CASE_STATE_ROUTES, CASE_STATE_SENDERS } from './case-states';
import { JusticeCaseStates1700000001320 } from './migrations/1700000001320-CaseStates';
import { JusticeCaseFilterIndexes1700000002650 } from './migrations/1700000002650-CaseFilterIndexes';
import { PARTY_REF_ENV, PARTY_REF_ROUTES } from './party-refs';
import { JusticePartyRefs1700000001700 } from './migrations/1700000001700-PartyRefs';
import { JusticeSupervisionOpinion1700000001400 } from './migrations/1700000001400-SupervisionOpinion';
import { inboxOpinionField, supervisionOpinionFields, supervisionOpinionMutations, supervisionOpinionQueries } from './supervision-opinions';
import { JusticeCollaborationMatter1700000002750 } from './migrations/1700000002750-CollaborationMatter';
import { JusticeCaseFileReview1700000002700 } from './migrations/1700000002700-CaseFileReview';
import { caseFileReviewFields, caseFileReviewMutations, caseFileReviewQueries } from './case-file-review';
import { JusticeZeroEnforcementExplanation1700000002710 } from './migrations/1700000002710-ZeroEnforcementExplanation';
import { scorecardExplanationField, zeroEnforcementFields, zeroEnforcementMutations, zeroEnforcementQueries } from './zero-enforcement';
import { JusticeComplaint1700000002900 } from './migrations/1700000002900-Complaint';
import { COMPLAINT_AT_REST, complaintFields, complaintMutations, complaintQueries } from './complaints';
import { AT_REST_ENV, sealAtRest } from '../../kit/at-rest';
import { JusticeComplaintAtRest1700000002910 } from './migrations/1700000002910-ComplaintAtRest';
import { JusticeCaseListBounded1700000002950 } from './migrations/1700000002950-CaseListBounded';
import { JusticeUndecidedByRegion1700000002951 } from './migrations/1700000002951-UndecidedByRegion';
import { JusticeCaseCountIndexOnly1700000003000 } from './migrations/1700000003000-CaseCountIndexOnly';
import { JusticeCaseSearchByScope1700000003100 } from './migrations/1700000003100-CaseSearchByScope';
import { JusticeCaseTally1700000003200 } from './migrations/1700000003200-CaseTally';
import { JusticeTransferTally1700000003210 } from './migrations/1700000003210-TransferTally';
import { JusticeSupervisionTally1700000003220 } from './migrations/1700000003220-SupervisionTally';
import { JusticeDecidedDayTally1700000003230 } from './migrations/1700000003230-DecidedDayTally';
import { JusticeTransferDueTally1700000003240 } from './migrations/1700000003240-TransferDueTally';
import { JusticeOffencePage1700000003250 } from './migrations/1700000003250-OffencePage';
import { collaborationFields, collaborationMutations, collaborationQueries, inboxCollaborationField, overdueCollaborationField } from './collaboration';
import { JusticeCollaborationOverdueNotice1700000002751 } from './migrations/1700000002751-CollaborationOverdueNotice';
import { collaborationWatch } from './collaboration-watch';
import { JusticeSupervisionInbox1700000000450 } from './migrations/1700000000450-SupervisionInbox';
import { inbox, inboxItemFields, markInboxRead, receiveNotifications } from './inbox';
import { inboxChanges } from './inbox-events';
import { JusticeInboxEvents1700000002500 } from './migrations/1700000002500-InboxEvents';
import {
  ESCALATION_RESULTS, inboxMatterField, JUSTICE_SUPERVISION_ROUTES, justiceMatterFields, justiceSupervisionMutations,
  justiceSupervisionQueries, overdueItemsFields, overdueQuery,
} from './supervision';

/** 司法局: the directory of enforcement bodies and the case index (归集) of every agency. */
export const justice: SubgraphModule<JusticeLoaders> = {
  name: 'justice',
  defaultPort: 4001,
  typeDefs,
  entities,
  migrations: [Init1700000000000, JusticeSupervisionFeed1700000000200, JusticePublication1700000000300, JusticeSupervisionInbox1700000000450,
    JusticeDirectoryRegistrar1700000000800, JusticePartyLookupQuota1700000000810, JusticeInboxByScope1700000000820,
    JusticeReceivedEvent1700000000900,
    JusticeScorecardFrozen1700000001110,
    JusticeConductAt1700000001200, JusticeCaseListIndexes1700000001310,
    JusticeCaseStates1700000001320, JusticeSupervisionOpinion1700000001400, JusticePartyRefs1700000001700,
    JusticeInboxEvents1700000002500, JusticeCaseFilterIndexes1700000002650, JusticeCollaborationMatter1700000002750, JusticeCollaborationOverdueNotice1700000002751, JusticeCaseFileReview1700000002700, JusticeZeroEnforcementExplanation1700000002710, JusticeComplaint1700000002900, JusticeComplaintAtRest1700000002910,
    JusticeCaseListBounded1700000002950, JusticeUndecidedByRegion1700000002951,
    JusticeCaseCountIndexOnly1700000003000, JusticeCaseSearchByScope1700000003100, JusticeCaseTally1700000003200, JusticeTransferTally1700000003210, JusticeSupervisionTally1700000003220,
    JusticeDecidedDayTally1700000003230, JusticeTransferDueTally1700000003240, JusticeOffencePage1700000003250],
  env: [
    ...PARTY_REF_ENV,
    { name: 'OUTBOX_POLL_MS', required: false, description: 'how often the relay to the procuratorate looks for undelivered index events (default 1000)' },
    ...LOOKUP_QUOTA_ENV,
    // 投诉人 sealed at rest (complaints.ts COMPLAINT_AT_REST).
    ...AT_REST_ENV,
  ],
  // Every applied index event goes on to the procuratorate (以罚代刑 and repeat-offender alerts).
  notifies: ['procuratorate'],
  workers: allWorkers(sealAtRest(COMPLAINT_AT_REST), outboxWorkers(
    SUPERVISION_FEED,
    // 双向通报: the justice bureau's supervision results go back to the procuratorate.
    ESCALATION_RESULTS,
  ),
  // 一月一晒绩: a month's figures are frozen when it closes.
  scorecardFreezeWorker, inboxChanges.worker, collaborationWatch),
  streams: { inbox: inboxChanges.stream },
  loaders: justiceLoaders,
  routes: { 'case-events': applyCaseEvents, ...PARTY_REF_ROUTES, notifications: receiveNotifications, ...JUSTICE_SUPERVISION_ROUTES,
    ...CASE_STATE_ROUTES },
  routeSenders: { 'case-events': AGENCY_KINDS.map((k) => k.name), 'party-refs': AGENCY_KINDS.map((k) => k.name), notifications: ['public-security', 'procuratorate'], 'supervision-escalations': ['procuratorate'],
    ...CASE_STATE_SENDERS },
  resolvers: {
    DateTime,
    Query: {
      case: (_, { id }, ctx) => readableCase(ctx, id),
      cases: (_, { filter, first, after, last, before, sort }, ctx) => listCases(ctx, filter ?? {}, first, after, sort ?? undefined, { last, before }),
      agency: (_, { code }, ctx) => ctx.loaders.agencyByCode.load(code),
      viewer: (_, __, ctx) => ({ subject: ctx.identity.sub, role: ctx.identity.role, org: ctx.identity.org, region: ctx.identity.region, scopes: scopesOf(ctx.identity.role) }),
      agencies: (_, __, ctx) => ctx.runtime.db.getRepository(Agency).find({ order: { code: 'ASC' } }),
      partyCases,
      partyRefEvaluation,
      publishedDecisions: (_, { filter, first, after, last, before }, ctx) => listPublishedDecisions(ctx, filter ?? {}, { first, after, last, before }),
      ...justiceSupervisionQueries,
      ...supervisionOpinionQueries,
      ...caseFileReviewQueries,
      ...zeroEnforcementQueries,
      ...complaintQueries,
      ...collaborationQueries,
      ...overdueQuery,
      inbox: (_, args, ctx) => inbox(ctx, args),
    },
    Mutation: { ...directoryMutations, ...justiceSupervisionMutations, ...supervisionOpinionMutations, ...collaborationMutations, ...caseFileReviewMutations, ...zeroEnforcementMutations, ...complaintMutations, markInboxRead: (_: unknown, args: { ids: string[] }, ctx: any) => markInboxRead(ctx, args) },
    JusticeSupervisionMatter: justiceMatterFields,
    SupervisionOpinion: supervisionOpinionFields,
    CaseFileReview: caseFileReviewFields,
    ZeroEnforcementExplanation: zeroEnforcementFields,
    Complaint: complaintFields,
    CollaborationMatter: collaborationFields,
    OverdueItems: { ...overdueItemsFields, ...overdueCollaborationField },
    InboxItem: { ...inboxItemFields, ...inboxMatterField, ...inboxOpinionField, ...inboxCollaborationField },
    EnforcementCase: {
      ...caseFields,
      __resolveType: (row: CaseIndexRow) => row.caseType,
    },
    ...Object.fromEntries(AGENCY_KINDS.map((k) => [k.caseType, caseFields])),
    Agency: {
      __resolveReference: (ref: { code: string }, ctx) => ctx.loaders.agencyByCode.load(ref.code),
      officers: (agency: AgencyRow, _, ctx) => ctx.loaders.officersByAgency.load(agency.code),
      powerItems: (agency: AgencyRow, _, ctx) => ctx.loaders.powerItemsByAgency.load(agency.code),
      ...registrationField,
      ...agencyScorecardField,
    },
    Scorecard: { ...scorecardFields, ...scorecardExplanationField },
    PublishedDecision: publishedDecisionInterface,
    ...Object.fromEntries(AGENCY_KINDS.map((k) => [publishedDecisionType(k), publishedDecisionFields])),
    Officer: {
      agency: (officer: OfficerRow, _, ctx) => ctx.loaders.agencyByCode.load(officer.agencyCode),
      ...registrationField,
    },
    PowerItem: registrationField,
  },
};
