import { z } from 'zod';
import { toMinor } from '../../src/domain/money';
import type { UnifiedOrderInput } from '../../src/domain/order';

/**
 * SP-API Orders 2026-01-01 order (searchOrders `orders[]`, getOrder `order`). Only what we read is
 * declared; everything else passes through. Money is `{amount: "49.99", currencyCode}`.
 */
const Money = z.object({ amount: z.union([z.string(), z.number()]), currencyCode: z.string() });
const Breakdown = z.object({ type: z.string(), subtotal: Money }).passthrough();
const Address = z.object({
  name: z.string().nullish(), companyName: z.string().nullish(), addressLine1: z.string().nullish(), addressLine2: z.string().nullish(),
  addressLine3: z.string().nullish(), city: z.string().nullish(), stateOrRegion: z.string().nullish(), postalCode: z.string().nullish(),
  countryCode: z.string().nullish(), phone: z.string().nullish(),
}).passthrough();
export const AmazonOrder = z.object({
  orderId: z.string().min(1),
  createdTime: z.string(),
  lastUpdatedTime: z.string(),
  salesChannel: z.object({ marketplaceId: z.string().nullish(), marketplaceName: z.string().nullish() }).passthrough().nullish(),
  buyer: z.object({ buyerName: z.string().nullish(), buyerEmail: z.string().nullish(), buyerCompanyName: z.string().nullish() }).passthrough().nullish(),
  recipient: z.object({ deliveryAddress: Address.nullish() }).passthrough().nullish(),
  proceeds: z.object({ grandTotal: Money.nullish(), breakdowns: z.array(Breakdown).nullish() }).passthrough().nullish(),
  fulfillment: z.object({ fulfillmentStatus: z.string().nullish() }).passthrough().nullish(),
  orderAliases: z.array(z.object({ aliasId: z.string(), aliasType: z.string() })).nullish(),
  orderItems: z.array(z.object({
    orderItemId: z.string(),
    quantityOrdered: z.number().int().nonnegative(),
    product: z.object({
      asin: z.string().nullish(), title: z.string().nullish(), sellerSku: z.string().nullish(),
      price: z.object({ unitPrice: Money.nullish() }).passthrough().nullish(),
    }).passthrough().nullish(),
    proceeds: z.object({ proceedsTotal: Money.nullish(), breakdowns: z.array(Breakdown).nullish() }).passthrough().nullish(),
  }).passthrough()).default([]),
}).passthrough();
export type AmazonOrder = z.infer<typeof AmazonOrder>;

const OPEN = new Set(['PENDING_AVAILABILITY', 'PENDING', 'UNSHIPPED', 'PARTIALLY_SHIPPED']);

function sumOf(breakdowns: Array<z.infer<typeof Breakdown>> | null | undefined, type: string, currency: string): number | undefined {
  const hits = (breakdowns ?? []).filter((b) => b.type === type);
  if (hits.length === 0) return undefined;
  return hits.reduce((s, b) => s + toMinor(b.subtotal.amount, currency), 0);
}

function nonEmpty(v: string | null | undefined): string | null {
  return v && v.trim() ? v.trim() : null;
}

/**
 * One SP-API 2026-01-01 order → the unified order. Amounts come from `proceeds` (the order's
 * breakdowns ITEM/TAX/SHIPPING/DISCOUNT, and each item's) when PROCEEDS was included; otherwise from
 * unit prices. Buyer e-mails are Amazon's relay addresses or absent: absent becomes null.
 * Pending orders (payment not yet authorised) are `pending`; Amazon charges when it ships.
 */
export function normalizeAmazonOrder(record: unknown): UnifiedOrderInput {
  const o = AmazonOrder.parse(record);
  const currency = o.proceeds?.grandTotal?.currencyCode
    ?? o.orderItems.find((i) => i.product?.price?.unitPrice)?.product?.price?.unitPrice?.currencyCode
    ?? o.orderItems.find((i) => i.proceeds?.proceedsTotal)?.proceeds?.proceedsTotal?.currencyCode;
  if (!currency) throw new Error(`order ${o.orderId} has no amount with a currency (request includedData=PROCEEDS)`);
  const fs = o.fulfillment?.fulfillmentStatus ?? 'PENDING';

  const lines: UnifiedOrderInput['lines'] = [];
  for (const item of o.orderItems) {
    // Cancelled items stay in the order with quantity 0; they are not lines to fulfil.
    if (item.quantityOrdered <= 0) continue;
    const itemSubtotal = sumOf(item.proceeds?.breakdowns, 'ITEM', currency);
    const unit = item.product?.price?.unitPrice
      ? toMinor(item.product.price.unitPrice.amount, currency)
      : itemSubtotal !== undefined ? Math.round(itemSubtotal / item.quantityOrdered) : 0;
    lines.push({
      externalId: item.orderItemId,
      sku: nonEmpty(item.product?.sellerSku),
      title: nonEmpty(item.product?.title) ?? nonEmpty(item.product?.asin) ?? `Item ${item.orderItemId}`,
      quantity: item.quantityOrdered,
      unitPriceMinor: unit,
      taxMinor: sumOf(item.proceeds?.breakdowns, 'TAX', currency) ?? 0,
      discountMinor: Math.abs(sumOf(item.proceeds?.breakdowns, 'DISCOUNT', currency) ?? 0),
    });
  }
  const bd = o.proceeds?.breakdowns;
  const linesSubtotal = lines.reduce((s, l) => s + l.unitPriceMinor * l.quantity, 0);
  const subtotal = sumOf(bd, 'ITEM', currency) ?? linesSubtotal;
  const tax = sumOf(bd, 'TAX', currency) ?? lines.reduce((s, l) => s + l.taxMinor, 0);
  const shipping = sumOf(bd, 'SHIPPING', currency) ?? 0;
  const discount = Math.abs(sumOf(bd, 'DISCOUNT', currency) ?? 0);
  const total = o.proceeds?.grandTotal ? toMinor(o.proceeds.grandTotal.amount, currency) : subtotal + tax + shipping - discount;

  const a = o.recipient?.deliveryAddress;
  const line2 = [nonEmpty(a?.addressLine2), nonEmpty(a?.addressLine3)].filter(Boolean).join(', ') || null;
  const cancelled = fs === 'CANCELLED';
  return {
    externalId: o.orderId,
    number: o.orderId,
    status: cancelled ? 'cancelled' : fs === 'SHIPPED' ? 'completed' : fs === 'UNFULFILLABLE' ? 'on_hold' : 'open',
    financialStatus: cancelled ? 'voided' : fs === 'PENDING' || fs === 'PENDING_AVAILABILITY' ? 'pending' : OPEN.has(fs) || fs === 'SHIPPED' ? 'paid' : 'unknown',
    fulfillmentStatus: fs === 'SHIPPED' ? 'fulfilled' : fs === 'PARTIALLY_SHIPPED' ? 'partial' : 'unfulfilled',
    currency,
    subtotalMinor: subtotal,
    taxMinor: tax,
    shippingMinor: shipping,
    discountMinor: discount,
    totalMinor: Math.max(0, total),
    lines,
    customer: o.buyer ? { name: nonEmpty(o.buyer.buyerName), email: nonEmpty(o.buyer.buyerEmail), externalId: null, phone: null } : null,
    shippingAddress: a ? {
      name: nonEmpty(a.name), company: nonEmpty(a.companyName), line1: nonEmpty(a.addressLine1), line2,
      city: nonEmpty(a.city), region: nonEmpty(a.stateOrRegion), postalCode: nonEmpty(a.postalCode),
      country: nonEmpty(a.countryCode)?.toUpperCase() ?? null, phone: nonEmpty(a.phone),
    } : null,
    billingAddress: null,
    placedAt: new Date(o.createdTime).toISOString(),
    sourceUpdatedAt: new Date(o.lastUpdatedTime).toISOString(),
    exceptions: [],
  };
}
