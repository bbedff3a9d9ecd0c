import { z } from 'zod';
import type { UnifiedOrderInput } from '../../src/domain/order';

/** Square money: integer minor units already (`{amount: 500, currency: "USD"}`). */
const Money = z.object({ amount: z.number().int(), currency: z.string() });
const Address = z.object({
  address_line_1: z.string().nullish(), address_line_2: z.string().nullish(), locality: z.string().nullish(),
  administrative_district_level_1: z.string().nullish(), postal_code: z.string().nullish(), country: z.string().nullish(),
  first_name: z.string().nullish(), last_name: z.string().nullish(),
}).passthrough();
const Recipient = z.object({
  display_name: z.string().nullish(), email_address: z.string().nullish(), phone_number: z.string().nullish(), address: Address.nullish(),
}).passthrough();

export const SquareOrder = z.object({
  id: z.string().min(1),
  location_id: z.string().nullish(),
  reference_id: z.string().nullish(),
  ticket_name: z.string().nullish(),
  customer_id: z.string().nullish(),
  state: z.string().nullish(),
  created_at: z.string(),
  updated_at: z.string(),
  line_items: z.array(z.object({
    uid: z.string().nullish(),
    name: z.string().nullish(),
    variation_name: z.string().nullish(),
    quantity: z.string(),
    catalog_object_id: z.string().nullish(),
    item_type: z.string().nullish(),
    base_price_money: Money.nullish(),
    gross_sales_money: Money.nullish(),
    total_tax_money: Money.nullish(),
    total_discount_money: Money.nullish(),
    total_money: Money.nullish(),
  }).passthrough()).default([]),
  fulfillments: z.array(z.object({
    state: z.string().nullish(),
    shipment_details: z.object({ recipient: Recipient.nullish() }).passthrough().nullish(),
    pickup_details: z.object({ recipient: Recipient.nullish() }).passthrough().nullish(),
    delivery_details: z.object({ recipient: Recipient.nullish() }).passthrough().nullish(),
  }).passthrough()).nullish(),
  tenders: z.array(z.object({ amount_money: Money.nullish(), card_details: z.object({ status: z.string().nullish() }).passthrough().nullish() }).passthrough()).nullish(),
  refunds: z.array(z.object({ amount_money: Money.nullish(), status: z.string().nullish() }).passthrough()).nullish(),
  total_money: Money,
  total_tax_money: Money.nullish(),
  total_discount_money: Money.nullish(),
  total_service_charge_money: Money.nullish(),
  total_tip_money: Money.nullish(),
}).passthrough();
export type SquareOrder = z.infer<typeof SquareOrder>;

/**
 * What a pulled Square order is stored as: the order as Square sent it, plus the SKUs of its
 * catalog variations, looked up at pull time (Square line items carry a variation id, not a SKU),
 * so that normalising stays pure and a replay needs no call.
 */
export const SquareRecord = z.object({ order: z.unknown(), skus: z.record(z.string(), z.string()).default({}) });
export type SquareRecord = z.infer<typeof SquareRecord>;

const amt = (m: { amount: number } | null | undefined) => m?.amount ?? 0;

function quantity(q: string, where: string): number {
  // Square sells by weight/volume with decimal quantities; the unified order counts whole units.
  if (!/^\d+$/.test(q.trim()) || Number(q) <= 0) throw new Error(`${where}: quantity ${JSON.stringify(q)} is not a positive whole number`);
  return Number(q);
}

/**
 * A Square order (bare, or the stored `{order, skus}` record) → the unified order. Each line's
 * externalId is its catalog variation id (the line uid for ad-hoc items); its SKU comes from the
 * variation; a line with no catalog id (a custom amount typed at the register) flags `adhoc_item`.
 */
export function normalizeSquareOrder(record: unknown): UnifiedOrderInput {
  const wrapped = typeof record === 'object' && record !== null && 'order' in record ? SquareRecord.parse(record) : { order: record, skus: {} };
  const o = SquareOrder.parse(wrapped.order);
  const currency = o.total_money.currency;
  const exceptions: UnifiedOrderInput['exceptions'] = [];
  const lines = o.line_items.map((li, i) => {
    const catalogId = li.catalog_object_id || null;
    if (!catalogId) exceptions.push('adhoc_item');
    return {
      externalId: catalogId ?? li.uid ?? `line-${i}`,
      sku: catalogId ? wrapped.skus[catalogId] ?? null : null,
      title: [li.name, li.variation_name].filter((s) => s && s.trim()).join(' — ') || 'Custom amount',
      quantity: quantity(li.quantity, `line_items.${i}`),
      unitPriceMinor: amt(li.base_price_money),
      taxMinor: amt(li.total_tax_money),
      discountMinor: amt(li.total_discount_money),
    };
  });
  const subtotal = o.line_items.reduce((s, li, i) => s + (li.gross_sales_money ? li.gross_sales_money.amount : amt(li.base_price_money) * lines[i]!.quantity), 0);
  const total = o.total_money.amount;
  const tendered = (o.tenders ?? []).reduce((s, t) => s + (t.card_details?.status === 'AUTHORIZED' ? 0 : amt(t.amount_money)), 0);
  const authorized = (o.tenders ?? []).some((t) => t.card_details?.status === 'AUTHORIZED');
  const refunded = (o.refunds ?? []).filter((r) => r.status !== 'REJECTED' && r.status !== 'FAILED').reduce((s, r) => s + amt(r.amount_money), 0);
  const state = o.state ?? 'OPEN';
  let financialStatus: UnifiedOrderInput['financialStatus'];
  if (state === 'CANCELED') financialStatus = 'voided';
  else if (refunded > 0) financialStatus = refunded >= total ? 'refunded' : 'partially_refunded';
  // Square completes an order only once it is paid in full.
  else if (state === 'COMPLETED' || (total > 0 && tendered >= total) || total === 0) financialStatus = 'paid';
  else if (tendered > 0) financialStatus = 'partially_paid';
  else if (authorized) financialStatus = 'authorized';
  else financialStatus = 'pending';

  const fulfillments = o.fulfillments ?? [];
  const done = fulfillments.filter((f) => f.state === 'COMPLETED').length;
  const fulfillmentStatus: UnifiedOrderInput['fulfillmentStatus'] = fulfillments.length === 0
    // A counter sale has no fulfillment: the goods left with the customer when it completed.
    ? (state === 'COMPLETED' ? 'fulfilled' : 'unfulfilled')
    : done === fulfillments.length ? 'fulfilled' : done > 0 ? 'partial' : 'unfulfilled';

  const f = fulfillments[0];
  const recipient = f?.shipment_details?.recipient ?? f?.delivery_details?.recipient ?? f?.pickup_details?.recipient ?? null;
  const a = f?.shipment_details?.recipient?.address ?? f?.delivery_details?.recipient?.address ?? null;
  const name = recipient?.display_name ?? ([a?.first_name, a?.last_name].filter(Boolean).join(' ') || null);
  return {
    externalId: o.id,
    number: o.reference_id || o.ticket_name || o.id,
    status: state === 'CANCELED' ? 'cancelled' : state === 'COMPLETED' ? 'completed' : 'open',
    financialStatus,
    fulfillmentStatus,
    currency,
    subtotalMinor: subtotal,
    taxMinor: amt(o.total_tax_money),
    // Service charges are what Square bills beyond the items (delivery fees among them).
    shippingMinor: amt(o.total_service_charge_money),
    discountMinor: amt(o.total_discount_money),
    totalMinor: total,
    lines,
    customer: o.customer_id || recipient ? { externalId: o.customer_id ?? null, name, email: recipient?.email_address ?? null, phone: recipient?.phone_number ?? null } : null,
    shippingAddress: a ? {
      name, company: null, line1: a.address_line_1 ?? null, line2: a.address_line_2 ?? null, city: a.locality ?? null,
      region: a.administrative_district_level_1 ?? null, postalCode: a.postal_code ?? null, country: a.country ?? null, phone: recipient?.phone_number ?? null,
    } : null,
    billingAddress: null,
    placedAt: new Date(o.created_at).toISOString(),
    sourceUpdatedAt: new Date(o.updated_at).toISOString(),
    exceptions: [...new Set(exceptions)],
  };
}
