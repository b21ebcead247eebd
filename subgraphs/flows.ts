import type { FlowDeclaration } from '../kit/flow';
import { filingSupervisionFlow } from './procuratorate/filing-supervision-flow';
import { suggestionFlow } from './procuratorate/suggestion-flow';
import { alertFlow } from './procuratorate/alert-flow';
import { filingSupervisionRequestFlow } from './public-security/filing-supervision-flow';
import { transferFlow } from './public-security/transfer-flow';
import { seizedItemsFlow } from './public-security/intake/seized-items-flow';
import { reverseTransferFlow } from '../kit/reverse-transfer';
import { supervisionOpinionFlow } from './justice/supervision-opinion-flow';
import { collaborationFlow } from './justice/collaboration-kinds';

/** Every workflow the mutations enforce, in the order docs/supervision-at-work.md shows them. */
export const FLOWS: FlowDeclaration<string, string>[] = [transferFlow, seizedItemsFlow, reverseTransferFlow, filingSupervisionFlow, filingSupervisionRequestFlow, alertFlow, suggestionFlow, supervisionOpinionFlow, collaborationFlow];
