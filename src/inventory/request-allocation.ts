import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { pgArray } from '../db/sql-array';

/** Jobs for one SKU that arrive within this window become one batch. */
export const ALLOCATION_WINDOW_MS = 100;

const skuTag = (sku: string) => createHash('sha1').update(sku).digest('hex').slice(0, 16);

/**
 * Routes allocation per SKU so batches form: every order needing SKU X within one window joins the
 * same job (job id = SKU + window), which runs only after its window closes. An order committed
 * before its enqueue is therefore always visible to the job that the enqueue joined. Lost enqueues
 * (Redis down) are picked up by the `inventory.sweep` job.
 */
export async function enqueueSkuAllocation(ctx: Ctx, skus: string[], opts: { includeBackordered?: boolean } = {}): Promise<void> {
  const now = Date.now();
  const bucket = Math.floor(now / ALLOCATION_WINDOW_MS);
  const delayMs = (bucket + 1) * ALLOCATION_WINDOW_MS - now + 5;
  const tag = opts.includeBackordered ? 'realloc' : 'alloc';
  for (const sku of [...new Set(skus)].sort()) {
    await ctx.queue.enqueue('order.allocate', { sku, includeBackordered: !!opts.includeBackordered }, { jobId: `${tag}-${skuTag(sku)}-${bucket}`, delayMs });
  }
}

/**
 * An order entered or changed: mark it as waiting for allocation and queue the SKU batches that
 * will pick it up. Orders without any SKU are allocated by id (they only collect `unknown_sku`).
 */
export async function requestAllocation(ctx: Ctx, orderIds: string[]): Promise<void> {
  if (orderIds.length === 0) return;
  const res = await ctx.db.execute(sql`
    update orders set allocation_status = 'pending',
      exceptions = case when allocation_status = 'review' then array_remove(exceptions, 'review') else exceptions end
    where id = any(${pgArray(orderIds, 'uuid')})
      and (allocation_status <> 'not_required' or status <> 'cancelled')
      -- An order held for review stays held until approved or rejected (a cancelled one needs no review).
      and (allocation_status <> 'review' or status = 'cancelled')
    returning id, skus`);
  const skus = new Set<string>();
  const noSku: string[] = [];
  for (const r of res.rows as Array<{ id: string; skus: string[] | string }>) {
    const list = Array.isArray(r.skus) ? r.skus : String(r.skus).replace(/^\{|\}$/g, '').split(',').filter(Boolean);
    if (list.length === 0) noSku.push(r.id);
    for (const s of list) skus.add(s);
  }
  await enqueueSkuAllocation(ctx, [...skus]);
  for (let i = 0; i < noSku.length; i += 500) {
    await ctx.queue.enqueue('order.allocate', { orderIds: noSku.slice(i, i + 500), includeBackordered: false });
  }
}
