/** Events the hub publishes to webhook subscribers. */
export const outboundEventTypes = [
  'order.created', 'order.updated', 'order.allocated', 'order.backordered', 'stock.changed',
  'payout.reconciled', 'discrepancy.opened', 'journal.synced',
  'customer.segment_entered', 'customer.task_created',
] as const;
export type OutboundEventType = (typeof outboundEventTypes)[number];
