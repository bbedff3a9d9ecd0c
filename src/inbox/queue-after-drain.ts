import type { Ctx } from '../context';
import { requestAllocation } from '../inventory/request-allocation';
import type { ProcessSummary } from './process-raw-events';
import type { UpsertResult } from './upsert-orders';

/** Orders per allocation job of a drain's new orders (the job's schema allows 1,000). */
const ALLOCATE_BY_ID_BATCH = 1000;

/**
 * Follow-up work of a drain, queued after its commits: payouts waiting for new orders, and allocation.
 * A created order already starts as allocation `pending` (the column default), so it is only queued for
 * allocation by id; marking it again (requestAllocation's UPDATE) rewrote every new row and all its index
 * entries for nothing. Updated orders go through requestAllocation, which resets their status.
 */
export async function queueAfterDrain(
  ctx: Ctx, orders: UpsertResult[], refunds: NonNullable<ProcessSummary['refunds']> = [], refundFetches: NonNullable<ProcessSummary['refundFetches']> = [],
): Promise<void> {
  // Channel refunds become returns once their orders (often in this very drain) are committed.
  for (let i = 0; i < refunds.length; i += 1000) {
    await ctx.queue.enqueue('sales.channel-refunds', { refunds: refunds.slice(i, i + 1000) });
  }
  // Refunds listed by id only: one entry per order, every refund id any of its versions listed.
  const fetches = new Map<string, (typeof refundFetches)[number]>();
  for (const f of refundFetches) {
    const k = `${f.connectionId}\u0000${f.orderExternalId}`;
    const cur = fetches.get(k);
    fetches.set(k, cur ? { ...cur, refundIds: [...new Set([...cur.refundIds, ...f.refundIds])] } : f);
  }
  const list = [...fetches.values()];
  for (let i = 0; i < list.length; i += 200) {
    await ctx.queue.enqueue('sales.fetch-channel-refunds', { orders: list.slice(i, i + 200) });
  }
  const all = orders.filter((o) => o.outcome === 'created');
  if (all.length > 0) {
    await ctx.queue.enqueue('finance.late-orders', { externalIds: all.map((o) => o.externalId).slice(0, 10_000) });
  }
  // Orders held for review are allocated when approved (src/sales/review-orders.ts).
  const created = all.filter((o) => !o.heldForReview);
  // Allocated by id, in the drain's order: the SKU route (enqueueSkuAllocation) finds its orders through the
  // SKU index, whose entries for orders allocated since stay until vacuum, so under a burst each SKU
  // batch rechecked ever more dead rows (on the ingest benchmark, ~100 µs of PostgreSQL per order).
  const ids = created.map((o) => o.id);
  for (let i = 0; i < ids.length; i += ALLOCATE_BY_ID_BATCH) {
    await ctx.queue.enqueue('order.allocate', { orderIds: ids.slice(i, i + ALLOCATE_BY_ID_BATCH), includeBackordered: false });
  }
  await requestAllocation(ctx, orders.filter((o) => o.outcome === 'updated').map((o) => o.id));
  // Customers are resolved apart from ingestion: one set-based job per drain, never inside the drain's transaction.
  for (let i = 0; i < created.length; i += 5000) {
    await ctx.queue.enqueue('customers.resolve', { orderIds: created.slice(i, i + 5000).map((o) => o.id) });
  }
}
