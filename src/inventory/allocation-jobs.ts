import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { emitEvents } from '../outbound/emit-event';
import type { ParsedJobPayload } from '../queue/catalogue';
import { afterStockChange } from './after-stock-change';
import { allocateOrders, type AllocateResult } from './allocate-orders';
import { enqueueSkuAllocation } from './request-allocation';

/**
 * Orders per allocation transaction of a SKU job. Each batch costs a fixed share (its select, the stock
 * rows, the commit) besides its rows; on the hot-SKU benchmark 2,000 per batch allocated ~1.5× the lines
 * per second of 500 (one flash sale's backlog in one transaction of a few hundred ms).
 */
export const ALLOCATION_BATCH = 2000;

/**
 * The `order.allocate` job: for a SKU, keeps taking batches of the oldest waiting orders until none
 * is left (each batch is one transaction); for ids, allocates those orders. Follow-up work (stock
 * pushes, backorders that released units can serve) is queued after the commits.
 */
export async function runAllocationJob(ctx: Ctx, p: ParsedJobPayload<'order.allocate'>): Promise<{ orders: number; reservedUnits: number }> {
  const total = { orders: 0, reservedUnits: 0 };
  const changed = new Set<string>();
  const freed = new Set<string>();
  const events: Parameters<typeof emitEvents>[1] = [];
  const note = (r: AllocateResult) => {
    for (const plan of r.plans) {
      if (plan.status === 'allocated' && plan.reserve.length > 0) events.push({ type: 'order.allocated', data: { orderId: plan.orderId } });
      // A retry of backorders that still finds nothing is no news.
      if (plan.status === 'backordered' && !p.includeBackordered) events.push({ type: 'order.backordered', data: { orderId: plan.orderId } });
    }
    total.orders += r.orders;
    total.reservedUnits += r.reservedUnits;
    r.changedSkus.forEach((s) => changed.add(s));
    r.releasedSkus.forEach((s) => freed.add(s));
  };
  if (p.orderIds?.length) note(await allocateOrders(ctx, { orderIds: p.orderIds }));
  if (p.sku) {
    for (let i = 0; i < 1000; i++) {
      const r = await allocateOrders(ctx, { sku: p.sku, includeBackordered: p.includeBackordered, limit: ALLOCATION_BATCH });
      note(r);
      if (r.orders < ALLOCATION_BATCH) break;
      // Retrying backorders: once nothing more could be reserved, the rest stay backordered until the next arrival.
      if (p.includeBackordered && r.reservedUnits === 0) break;
    }
  }
  await afterStockChange(ctx, { freedSkus: [...freed], changedSkus: [...changed] });
  await emitEvents(ctx, events);
  return total;
}

/** Finds orders waiting for allocation longer than `olderThanMs` (a lost enqueue or a crash) and queues their SKUs. */
export async function sweepPendingAllocations(ctx: Ctx, olderThanMs = 3000): Promise<number> {
  const res = await ctx.db.execute(sql`
    select distinct unnest(skus) as sku from orders
    where allocation_status = 'pending' and updated_at < now() - (${olderThanMs} || ' milliseconds')::interval
    limit 1000`);
  const skus = (res.rows as Array<{ sku: string }>).map((r) => r.sku);
  if (skus.length) await enqueueSkuAllocation(ctx, skus);
  const noSku = await ctx.db.execute(sql`
    select id from orders where allocation_status = 'pending' and cardinality(skus) = 0
      and updated_at < now() - (${olderThanMs} || ' milliseconds')::interval limit 500`);
  const ids = (noSku.rows as Array<{ id: string }>).map((r) => r.id);
  if (ids.length) await ctx.queue.enqueue('order.allocate', { orderIds: ids, includeBackordered: false });
  return skus.length + ids.length;
}
