import { toMinor } from '../../src/domain/money';
import type { UnifiedOrderInput } from '../../src/domain/order';
import { DistributorOrder, type DistributorAddress } from './order-record';

function address(a: DistributorAddress | null | undefined): UnifiedOrderInput['shippingAddress'] {
  if (!a) return null;
  return {
    name: a.name ?? null, company: a.company ?? null, line1: a.line1 ?? null, line2: a.line2 ?? null, city: a.city ?? null,
    region: a.region ?? null, postalCode: a.postalCode ?? null, country: a.country ? a.country.toUpperCase() : null, phone: a.phone ?? null,
  };
}

/**
 * A distributor purchase order (from EDI or CSV) → the unified order. Wholesale orders are invoiced
 * on terms outside the hub, so the financial status is `unknown` (not `pending`, which would flag
 * every PO as unpaid). An X12 cancellation (BEG01 = 01) cancels the order.
 */
export function normalizeDistributorOrder(record: unknown): UnifiedOrderInput {
  const o = DistributorOrder.parse(record);
  const lines = o.lines.map((l) => ({
    externalId: l.lineId,
    sku: l.sku ?? null,
    title: l.title || l.sku || `Line ${l.lineId}`,
    quantity: l.quantity,
    unitPriceMinor: toMinor(l.unitPrice, o.currency),
    taxMinor: 0,
    discountMinor: 0,
  }));
  const subtotal = lines.reduce((s, l) => s + l.unitPriceMinor * l.quantity, 0);
  const shipping = o.shippingAmount ? toMinor(o.shippingAmount, o.currency) : 0;
  const tax = o.taxAmount ? toMinor(o.taxAmount, o.currency) : 0;
  return {
    externalId: o.orderId,
    number: o.orderId,
    status: o.purpose === '01' ? 'cancelled' : 'open',
    financialStatus: 'unknown',
    fulfillmentStatus: 'unfulfilled',
    currency: o.currency,
    subtotalMinor: subtotal,
    taxMinor: tax,
    shippingMinor: shipping,
    discountMinor: 0,
    totalMinor: subtotal + tax + shipping,
    lines,
    customer: o.customer ? { name: o.customer.name ?? null, email: o.customer.email ?? null, phone: o.customer.phone ?? null, externalId: o.customer.externalId ?? null } : null,
    shippingAddress: address(o.shipTo),
    billingAddress: address(o.billTo),
    placedAt: new Date(o.placedAt).toISOString(),
    sourceUpdatedAt: new Date(o.receivedAt).toISOString(),
    exceptions: [],
  };
}
