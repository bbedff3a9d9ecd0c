import { z } from 'zod';
import type { ChannelRefund } from '../kit/connector';

const Money = z.object({ amount: z.number().int(), currency: z.string() });

/**
 * A Square return order: every refund, itemized or custom, is a new Order whose `returns` name the
 * original sale (`source_order_id`) and list `return_line_items` (`item_type` ITEM with the catalog
 * variation, or CUSTOM_AMOUNT for money only), with the refunded total in `return_amounts`.
 */
const SquareReturnOrder = z.object({
  id: z.string().min(1),
  created_at: z.string(),
  line_items: z.array(z.unknown()).nullish(),
  returns: z.array(z.object({
    source_order_id: z.string().nullish(),
    return_line_items: z.array(z.object({
      uid: z.string().nullish(),
      item_type: z.string().nullish(),
      catalog_object_id: z.string().nullish(),
      quantity: z.string(),
    }).passthrough()).nullish(),
  }).passthrough()),
  return_amounts: z.object({ total_money: Money.nullish() }).passthrough().nullish(),
  refunds: z.array(z.object({ amount_money: Money.nullish(), status: z.string().nullish() }).passthrough()).nullish(),
  total_money: Money.nullish(),
}).passthrough();

/**
 * True for an exchange: an order that sells items and also returns goods of an earlier sale (its
 * `returns` name the sale). It is an order of its own, and its returned part is mirrored as well.
 */
export function isExchangeOrder(order: unknown): boolean {
  const o = order as { returns?: Array<{ source_order_id?: unknown }>; line_items?: unknown } | null;
  return !!o && Array.isArray(o.returns) && o.returns.some((r) => typeof r?.source_order_id === 'string' && r.source_order_id !== '')
    && Array.isArray(o.line_items) && o.line_items.length > 0;
}

/** True for an order that only returns goods or money of earlier sales (no items of its own). */
export function isReturnOrder(order: unknown): boolean {
  const o = order as { returns?: unknown; line_items?: unknown } | null;
  return !!o && Array.isArray(o.returns) && o.returns.length > 0 && !(Array.isArray(o.line_items) && o.line_items.length > 0);
}

/**
 * A return order → the refund of its source order: units by SKU (the variation's, looked up at pull
 * time) or by catalog variation (matched to the order's line, whose external id it is); custom
 * amounts are money only. Null for an unlinked return (no source order to attach it to).
 * A fractional quantity is refused (the event becomes a dead letter); with `skipFractional` (an
 * exchange, whose sale must still be imported) that line alone is left out.
 */
export function squareReturnToRefund(order: unknown, skus: Record<string, string>, opts: { skipFractional?: boolean } = {}): ChannelRefund | null {
  const o = SquareReturnOrder.parse(order);
  const source = o.returns.find((r) => r.source_order_id)?.source_order_id;
  if (!source) return null;
  const lines: ChannelRefund['lines'] = [];
  for (const r of o.returns.filter((x) => x.source_order_id === source)) {
    for (const li of r.return_line_items ?? []) {
      if (li.item_type === 'CUSTOM_AMOUNT' || !li.catalog_object_id) continue;
      const whole = /^\d+$/.test(li.quantity.trim());
      if (!whole && opts.skipFractional) continue;
      if (!whole) throw new Error(`return line ${li.uid ?? '?'}: quantity ${JSON.stringify(li.quantity)} is not a whole number`);
      lines.push({ sku: skus[li.catalog_object_id] ?? null, quantity: Number(li.quantity), lineExternalId: li.catalog_object_id });
    }
  }
  const refunded = (o.refunds ?? []).filter((x) => x.status !== 'REJECTED' && x.status !== 'FAILED').reduce((s, x) => s + (x.amount_money?.amount ?? 0), 0);
  const total = o.return_amounts?.total_money ?? null;
  const currency = total?.currency ?? o.refunds?.find((x) => x.amount_money)?.amount_money?.currency ?? o.total_money?.currency;
  if (!currency) throw new Error(`return order ${o.id} names no currency`);
  return {
    orderExternalId: source,
    refundId: o.id,
    createdAt: new Date(o.created_at).toISOString(),
    currency,
    amountMinor: Math.abs(total?.amount ?? refunded),
    lines,
  };
}
