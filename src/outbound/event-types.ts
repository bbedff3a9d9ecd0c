/** Events the hub publishes to webhook subscribers. */
export const outboundEventTypes = [
  'order.created', 'order.updated', 'order.allocated', 'order.backordered', 'stock.changed',
  'payout.reconciled', 'discrepancy.opened', 'journal.synced',
  'purchase_order.sent', 'purchase_order.received', 'purchase_order.cancelled',
  'budget.threshold_reached', 'invoice.issued', 'invoice.overdue', 'payment.received',
  'bill.opened', 'supplier_payment.made',
  'customer.segment_entered', 'customer.task_created',
] as const;
export type OutboundEventType = (typeof outboundEventTypes)[number];
