import { instant, message, regionCode, text, uuid, type Payload } from './check';

/**
 * 抄送: what public security sends the procuratorate (POST /internal/transfer-events) for every
 * new transfer; the case's open 以罚代刑 alerts are resolved by it.
 */
export const TRANSFER_EVENT = message('TransferEvent', {
  transferId: uuid,
  caseId: uuid,
  agencyCode: text(100),
  region: regionCode,
  submittedAt: instant,
});
export type TransferEvent = Payload<typeof TRANSFER_EVENT>;
