import type { OwnField } from '@supervision-graph/agency-kit';

/**
 * 文化和旅游局's own case fields (专业字段); everything else (the case, the party, the outbox to
 * the index, the lifecycle) is the agency kit's. A field added later gets a migration of its own.
 */
export const OWN_FIELDS: OwnField[] = [
  { name: 'licenceKind', column: 'licence_kind', type: 'enum', label: '经营许可类别',
    values: [
      { value: 'PERFORMANCE', label: '营业性演出' },
      { value: 'INTERNET_CULTURE', label: '网络文化经营' },
      { value: 'TRAVEL_AGENCY', label: '旅行社业务' },
    ] },
  { name: 'venueName', column: 'venue_name', type: 'text', label: '演出场所或者经营场所' },
  // 营业性演出管理条例 第四十四条、第四十五条: the fine is reckoned on the takings (违法所得 and 票款).
  { name: 'ticketRevenue', column: 'ticket_revenue', type: 'amount', label: '票款收入 (yuan)' },
  { name: 'audience', column: 'audience', type: 'integer', label: '观众人数' },
];
