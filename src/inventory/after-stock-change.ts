import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { emitEvents } from '../outbound/emit-event';
import { pgArray } from '../db/sql-array';
import { enqueueSkuAllocation } from './request-allocation';

/** Stock pushes for one listing within this window collapse into one (the channel sees the latest figure). */
export const PUSH_DEBOUNCE_MS = 1000;

/**
 * Follow-up work after a committed stock change, never inside the stock transaction (no lock is held
 * across the queue call): units that became available go to backordered orders, oldest first, and
 * every listing of a changed SKU gets a debounced stock push. A failed enqueue is logged; the sweep
 * and the periodic full push repair it.
 */
export async function afterStockChange(ctx: Ctx, change: { freedSkus?: string[]; changedSkus?: string[]; value?: { orderId?: string; skus?: string[] } }): Promise<void> {
  try {
    // The ledger values shipped and adjusted units (COGS, shrinkage) in a job of its own, off this path.
    if (change.value) await ctx.queue.enqueue('finance.stock-postings', change.value);
    if (change.freedSkus?.length) await enqueueSkuAllocation(ctx, change.freedSkus, { includeBackordered: true });
    const changed = [...new Set([...(change.changedSkus ?? []), ...(change.freedSkus ?? [])])];
    if (changed.length) await enqueueStockPush(ctx, changed);
    await emitEvents(ctx, changed.map((sku) => ({ type: 'stock.changed' as const, data: { sku } })));
  } catch (err) {
    ctx.log.warn({ err: (err as Error).message }, 'could not queue follow-up of a stock change; the sweep will catch up');
  }
}

/** Queues a debounced push for every listing of these SKUs. */
export async function enqueueStockPush(ctx: Ctx, skus: string[]): Promise<void> {
  const res = await ctx.db.execute(sql`select id from channel_listings where sku = any(${pgArray(skus, 'text')})`);
  const now = Date.now();
  const bucket = Math.floor(now / PUSH_DEBOUNCE_MS);
  const delayMs = (bucket + 1) * PUSH_DEBOUNCE_MS - now + 5;
  for (const r of res.rows as Array<{ id: string }>) {
    await ctx.queue.enqueue('stock.push', { listingId: r.id }, { jobId: `push-${r.id}-${bucket}`, delayMs });
  }
}
