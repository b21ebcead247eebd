import type { ResourceRule } from '../kit/access';
import { caseRule } from '../kit/resources/case';
import { partyRule } from '../kit/resources/party';
import { directoryEntryRule } from './justice/resources/directory-entry';
import { justiceMatterRule } from './justice/resources/justice-matter';
import { supervisionOpinionRule } from './justice/resources/supervision-opinion';
import { collaborationMatterRule } from './justice/resources/collaboration-matter';
import { caseFileReviewRule } from './justice/resources/case-file-review';
import { zeroEnforcementExplanationRule } from './justice/resources/zero-enforcement-explanation';
import { complaintRule } from './justice/resources/complaint';
import { transferRule } from './public-security/resources/transfer';
import { investigationRule } from './public-security/resources/investigation';
import { supervisionMatterRule } from './procuratorate/resources/supervision-matter';
import { suggestionRule } from './procuratorate/resources/suggestion';
import { alertRule } from './procuratorate/resources/alert';
import { filingSupervisionRule } from './procuratorate/resources/filing-supervision';
import { filingSupervisionRequestRule } from './public-security/resources/filing-supervision-request';
import { seizedItemsRule } from './public-security/resources/seized-items';
import { transferReturnRule } from './public-security/resources/transfer-return';
import { procuratorialOpinionRule } from './procuratorate/resources/procuratorial-opinion';

/** Every resource's row rule, for docs/permissions.md and the role tables. */
export const RESOURCE_RULES: ResourceRule<any>[] = [
  caseRule, partyRule, transferRule, investigationRule, supervisionMatterRule, suggestionRule, alertRule,
  justiceMatterRule, directoryEntryRule, supervisionOpinionRule, collaborationMatterRule,
  filingSupervisionRule, filingSupervisionRequestRule,
  seizedItemsRule, transferReturnRule, procuratorialOpinionRule,
  caseFileReviewRule, zeroEnforcementExplanationRule, complaintRule,
];
