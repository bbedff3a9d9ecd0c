import { z } from 'zod';
import { toMinor } from '../../src/domain/money';
import type { ChannelRefund, RefundsToFetch } from '../kit/connector';
import { Decimal, Id, wooGmt } from './transform';

/** The order fields that say which refunds exist (`refunds: [{id, total}]`, lines not included). */
const OrderRefundRefs = z.object({
  id: Id,
  currency: z.string().length(3),
  refunds: z.array(z.object({ id: Id }).passthrough()).nullish(),
}).passthrough();

/**
 * A WooCommerce order refund (REST v3 `orders/{id}/refunds`): `amount` positive, line items with
 * negative quantities, each naming the order line it refunds in meta `_refunded_item_id`.
 */
const WooRefund = z.object({
  id: Id,
  date_created_gmt: z.string(),
  amount: Decimal,
  line_items: z.array(z.object({
    id: Id,
    quantity: z.number().int(),
    sku: z.string().nullish(),
    meta_data: z.array(z.object({ key: z.string(), value: z.unknown() }).passthrough()).nullish(),
  }).passthrough()).default([]),
}).passthrough();

/** The refund ids an order lists, or null when it lists none. */
export function wooRefundsToFetch(record: unknown): RefundsToFetch | null {
  const o = OrderRefundRefs.safeParse(record);
  if (!o.success || !o.data.refunds?.length) return null;
  return { orderExternalId: o.data.id, currency: o.data.currency.toUpperCase(), refundIds: o.data.refunds.map((r) => r.id) };
}

/** WooCommerce refunds (as listed by the API) to channel refunds: units by SKU, or by the refunded order line. */
export function toChannelRefunds(order: RefundsToFetch, listed: unknown[]): ChannelRefund[] {
  const wanted = new Set(order.refundIds);
  const out: ChannelRefund[] = [];
  for (const raw of listed) {
    const r = WooRefund.parse(raw);
    if (!wanted.has(r.id)) continue;
    out.push({
      orderExternalId: order.orderExternalId,
      refundId: r.id,
      createdAt: wooGmt(r.date_created_gmt),
      currency: order.currency,
      amountMinor: Math.abs(toMinor(r.amount, order.currency)),
      lines: r.line_items.filter((l) => l.quantity !== 0).map((l) => {
        const ref = l.meta_data?.find((m) => m.key === '_refunded_item_id')?.value;
        return {
          sku: l.sku?.trim() ? l.sku.trim() : null,
          quantity: Math.abs(l.quantity),
          ...(ref !== undefined && ref !== null && String(ref) !== '' ? { lineExternalId: String(ref) } : {}),
        };
      }),
    });
  }
  return out;
}
