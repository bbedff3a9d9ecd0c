/** Events the hub publishes to webhook subscribers. */
export const outboundEventTypes = [
  'order.created', 'order.updated', 'order.allocated', 'order.backordered', 'stock.changed',
  'payout.reconciled', 'discrepancy.opened', 'journal.synced',
  'budget.threshold_reached', 'invoice.issued', 'payment.received',
] as const;
export type OutboundEventType = (typeof outboundEventTypes)[number];
