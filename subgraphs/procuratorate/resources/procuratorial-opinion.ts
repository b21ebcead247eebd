// The row rule of the procuratorate's returns after 不起诉 (检察意见, 刑事诉讼法 第一百七十七条第三款):
// the shape is the one both senders share (kit/reverse-transfer.ts). A procuratorate of the case's
// region sends the case back in its own name; the bureau it goes to acknowledges it.
import { caseReturnRule } from '../../../kit/reverse-transfer';

export const procuratorialOpinionRule = caseReturnRule('procuratorial opinion (不起诉)', {
  scope: 'supervision:write', text: 'a procuratorate of the case\'s region, in its own name',
});
