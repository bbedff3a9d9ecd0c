import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { pgArray } from '../db/sql-array';
import { AppError } from '../errors';
import { createReturn } from './returns';

/** A refund read from a channel's event (the `sales.channel-refunds` job payload). */
export const ChannelRefundPayload = z.object({
  connectionId: z.string().uuid(),
  orderExternalId: z.string().min(1).max(200),
  refundId: z.string().min(1).max(200),
  createdAt: z.string(),
  currency: z.string().length(3),
  amountMinor: z.number().int(),
  lines: z.array(z.object({ sku: z.string().nullable(), quantity: z.number().int(), lineExternalId: z.string().max(200).optional() })).max(1000),
});
export type ChannelRefundPayload = z.infer<typeof ChannelRefundPayload>;

export interface ChannelRefundOutcome {
  refundId: string;
  outcome: 'created' | 'exists' | 'money_only' | 'nothing_left' | 'order_missing';
  returnId?: string;
}

/**
 * Mirrors channel refunds as returns (RMA, source `channel`): the refunded units by SKU, once per
 * refund id (createReturn is idempotent on it), so the team can receive the goods into a warehouse.
 * Units already returned (by hand, or by an earlier refund) are not taken back twice: each line is
 * cut to what is still returnable. A refund of money only makes no return. A refund that arrives
 * before its order fails the job after the others are done, so the queue retries it later.
 */
export async function applyChannelRefunds(ctx: Ctx, refunds: ChannelRefundPayload[]): Promise<ChannelRefundOutcome[]> {
  const out: ChannelRefundOutcome[] = [];
  for (const r of refunds) {
    const units = r.lines.filter((l) => l.quantity > 0 && (l.sku || l.lineExternalId));
    if (units.length === 0) {
      out.push({ refundId: r.refundId, outcome: 'money_only' });
      continue;
    }
    const o = await ctx.db.execute(sql`select id from orders where connection_id = ${r.connectionId} and external_id = ${r.orderExternalId}`);
    const orderId = (o.rows[0] as { id: string } | undefined)?.id;
    if (!orderId) {
      out.push({ refundId: r.refundId, outcome: 'order_missing' });
      continue;
    }
    const existing = await ctx.db.execute(sql`select id from order_returns where order_id = ${orderId} and external_id = ${r.refundId}`);
    const existingId = (existing.rows[0] as { id: string } | undefined)?.id;
    if (existingId) {
      out.push({ refundId: r.refundId, outcome: 'exists', returnId: existingId });
      continue;
    }
    // Lines that name the order line they refund (WooCommerce `_refunded_item_id`) take that line's SKU.
    const byLine = new Map<string, string>();
    const lineIds = units.filter((l) => !l.sku && l.lineExternalId).map((l) => l.lineExternalId!);
    if (lineIds.length > 0) {
      const found = await ctx.db.execute(sql`
        select external_id, sku from order_lines where order_id = ${orderId} and sku is not null and external_id = any(${pgArray(lineIds, 'text')})`);
      for (const x of found.rows as Array<{ external_id: string; sku: string }>) byLine.set(x.external_id, x.sku);
    }
    const refundedBySku = new Map<string, number>();
    for (const l of units) {
      const sku = l.sku ?? byLine.get(l.lineExternalId ?? '');
      if (sku) refundedBySku.set(sku, (refundedBySku.get(sku) ?? 0) + l.quantity);
    }
    if (refundedBySku.size === 0) {
      out.push({ refundId: r.refundId, outcome: 'money_only' });
      continue;
    }
    const left = await ctx.db.execute(sql`
      select l.sku, sum(l.quantity)::int - coalesce((select sum(rl.quantity)::int from order_return_lines rl join order_returns rr on rr.id = rl.return_id
        where rr.order_id = ${orderId} and rr.status <> 'cancelled' and rl.sku = l.sku), 0) as left
      from order_lines l where l.order_id = ${orderId} and l.sku is not null group by l.sku`);
    const returnable = new Map((left.rows as Array<{ sku: string; left: number }>).map((x) => [x.sku, Number(x.left)]));
    const lines = [...refundedBySku].map(([sku, quantity]) => ({ sku, quantity: Math.min(quantity, returnable.get(sku) ?? 0) })).filter((l) => l.quantity > 0);
    if (lines.length === 0) {
      out.push({ refundId: r.refundId, outcome: 'nothing_left' });
      continue;
    }
    const made = await createReturn({ ...ctx, actor: ctx.actor ?? 'channel' }, orderId, {
      source: 'channel', externalId: r.refundId, refundReference: r.refundId, reason: 'refunded on the channel', lines,
    });
    out.push({ refundId: r.refundId, outcome: made.created ? 'created' : 'exists', returnId: made.body.id });
  }
  // What became of each refund is kept (channel_refunds): one on record is not fetched again.
  const seen = refunds.flatMap((r, i) => (out[i]!.outcome === 'order_missing' ? [] : [{
    connectionId: r.connectionId, orderExternalId: r.orderExternalId, refundId: r.refundId, outcome: out[i]!.outcome, returnId: out[i]!.returnId ?? null,
  }]));
  if (seen.length > 0) {
    await ctx.db.execute(sql`
      insert into channel_refunds (connection_id, order_external_id, refund_id, outcome, return_id)
      select "connectionId", "orderExternalId", "refundId", outcome, "returnId"
      from jsonb_to_recordset(${JSON.stringify(seen)}::jsonb) as x("connectionId" uuid, "orderExternalId" text, "refundId" text, outcome text, "returnId" uuid)
      on conflict (connection_id, order_external_id, refund_id) do nothing`);
  }
  const missing = out.filter((x) => x.outcome === 'order_missing');
  if (missing.length) {
    throw new AppError('order_not_yet_imported', `refunds ${missing.map((m) => m.refundId).join(', ')} name orders not in the inbox yet; retried later`, { status: 409, retryable: true });
  }
  return out;
}

/** Orders whose listed refunds need their units read from the channel (the `sales.fetch-channel-refunds` payload). */
export const RefundFetchPayload = z.object({
  connectionId: z.string().uuid(),
  orderExternalId: z.string().min(1).max(200),
  currency: z.string().length(3),
  refundIds: z.array(z.string().min(1).max(200)).min(1).max(500),
});
export type RefundFetchPayload = z.infer<typeof RefundFetchPayload>;
