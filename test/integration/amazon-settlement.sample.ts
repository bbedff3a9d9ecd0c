/**
 * HAND-MADE SAMPLE, the same documented Amazon settlement V2 layout as finance.amazon-settlement.test.ts
 * (no public flat file exists): one matched order, a refund without a refunded order and an unknown
 * transaction type, so reconciliation leaves two breaks.
 */
const COLS = ['settlement-id', 'settlement-start-date', 'settlement-end-date', 'deposit-date', 'total-amount', 'currency', 'transaction-type', 'order-id',
  'merchant-order-id', 'adjustment-id', 'shipment-id', 'marketplace-name', 'amount-type', 'amount-description', 'amount', 'fulfillment-id', 'posted-date',
  'posted-date-time', 'order-item-code', 'merchant-order-item-id', 'merchant-adjustment-item-id', 'sku', 'quantity-purchased', 'promotion-id'];
const row = (v: Record<string, string>) => COLS.map((c) => v[c] ?? '').join('\t');
const detail = (id: string, type: string, order: string, amountType: string, desc: string, amount: string, extra: Record<string, string> = {}) =>
  row({ 'settlement-id': id, 'transaction-type': type, 'order-id': order, 'amount-type': amountType, 'amount-description': desc, amount,
    'posted-date': '2026-03-03 10:00:00 UTC', 'marketplace-name': 'Amazon.com', 'shipment-id': order ? `S-${order}` : '', ...extra });
/** A settlement file with one matched sale (`sold`), one refund of `refunded`, a storage fee and an unknown type. */
export const amazonSettlement = (id: string, sold: string, refunded: string) => [
  COLS.join('\t'),
  row({ 'settlement-id': id, 'settlement-start-date': '2026-03-01 00:00:00 UTC', 'settlement-end-date': '2026-03-14 00:00:00 UTC',
    'deposit-date': '2026-03-16 00:00:00 UTC', 'total-amount': '10.23', currency: 'USD' }),
  detail(id, 'Order', sold, 'ItemPrice', 'Principal', '25.00', { sku: 'TEE-BLK-M', 'quantity-purchased': '1' }),
  detail(id, 'Order', sold, 'ItemPrice', 'Tax', '2.00'),
  detail(id, 'Order', sold, 'ItemFees', 'Commission', '-3.75'),
  detail(id, 'Order', sold, 'ItemFees', 'FBAPerUnitFulfillmentFee', '-3.22'),
  detail(id, 'Refund', refunded, 'ItemPrice', 'Principal', '-10.00'),
  detail(id, 'Refund', refunded, 'ItemFees', 'Commission', '1.50'),
  detail(id, 'Refund', refunded, 'ItemFees', 'RefundCommission', '-0.30'),
  detail(id, 'other-transaction', '', 'other-transaction', 'Storage Fee', '-5.00', { 'adjustment-id': 'ADJ-1' }),
  detail(id, 'Liquidations', '', 'other-transaction', 'LiquidationsBrokerageFee', '4.00', { 'adjustment-id': 'LIQ-1' }),
].join('\n');
