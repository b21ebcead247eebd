import { defineFlow } from '../../kit/flow';
import type { AlertStatus } from './alerts';

/**
 * An alert the procurator can trust (以罚代刑 / 有案不移 / 有案不立): raised on a decided case over a
 * threshold; a transfer waits for public security's decision; only a filed case or the
 * procurator's reasoned dismissal settles it; a refusal, first or upheld, re-opens it as
 * 有案不立 (NOT_FILED), even after a filing was reported. The receivers and the mutations read the
 * states each step starts from here.
 */
export const alertFlow = defineFlow<AlertStatus, 'raise' | 'transferred' | 'filed' | 'refused' | 'convert' | 'dismiss'>({
  noun: 'alert',
  title: 'An alert (以罚代刑 / 有案不移线索), at the procuratorate',
  states: { OPEN: '待监督', TRANSFERRED: '已移送待立案', RESOLVED: '已立案', CONVERTED: '已转监督事项', DISMISSED: '经审查排除' },
  steps: {
    raise: { from: [], to: ['OPEN'], by: 'message case-events (a decided case over a threshold)' },
    transferred: { from: ['OPEN'], to: ['TRANSFERRED'], by: 'message transfer-events' },
    filed: { from: ['OPEN', 'TRANSFERRED'], to: ['RESOLVED'], by: 'message filing-events FILED' },
    refused: { from: ['OPEN', 'TRANSFERRED', 'RESOLVED'], to: ['OPEN'], by: 'message filing-events REFUSED / REFUSAL_UPHELD' },
    convert: { from: ['OPEN'], to: ['CONVERTED'], by: 'convertAlert' },
    dismiss: { from: ['OPEN'], to: ['DISMISSED'], by: 'dismissAlert' },
  },
});
