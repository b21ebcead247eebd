// The row rule of public security's returns of transfers (反向移送, 国务院令第310号 第十三条): the shape
// is the one both senders share (kit/reverse-transfer.ts). The unit that accepted the transfer and
// decided not to file sends the case back; the bureau it goes to acknowledges it.
import { caseReturnRule } from '../../../kit/reverse-transfer';

export const transferReturnRule = caseReturnRule('transfer return', { scope: 'transfer:decide', text: 'only the unit that accepted the transfer (and refused to file it)' });
