import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { pgArray } from '../db/sql-array';
import { withTransaction } from '../db/transaction';
import { ConflictError, NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { insertOrderEvents } from '../inbox/upsert-orders';
import { enqueueSkuAllocation } from '../inventory/request-allocation';

export const ReviewDecisionInput = z.object({
  ids: z.array(z.string().uuid()).min(1).max(500),
  reason: z.string().trim().max(500).optional(),
});
export const RejectInput = ReviewDecisionInput.extend({ reason: z.string().trim().min(1).max(500) });

export interface ReviewDecisionResult {
  /** Orders that were in review and now are approved / rejected. */
  done: string[];
  /** Orders that were not in review (unknown, already decided): id → current allocation status or null. */
  skipped: Array<{ id: string; allocationStatus: string | null; status: string | null }>;
}

/**
 * Approves orders held for review: one guarded UPDATE (`WHERE allocation_status = 'review'`), so two
 * reviewers deciding at once cannot both succeed; the approved orders go to allocation after commit.
 */
export async function approveOrders(ctx: Ctx, input: unknown): Promise<ReviewDecisionResult> {
  const parsed = ReviewDecisionInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const { ids, reason } = parsed.data;
  const r = await withTransaction(ctx, async (tx) => {
    const res = await tx.execute(sql`
      update orders set allocation_status = 'pending', exceptions = array_remove(exceptions, 'review'), updated_at = now()
      where id = any(${pgArray(ids, 'uuid')}) and allocation_status = 'review' and status in ('open', 'on_hold')
      returning id, skus`);
    const rows = res.rows as Array<{ id: string; skus: string[] | string }>;
    if (rows.length) {
      await insertOrderEvents(tx, rows.map((o) => ({
        order_id: o.id, kind: 'review_approved', message: reason ? `Approved after review: ${reason}` : 'Approved after review',
        data: reason ? { reason } : {}, raw_event_id: null, actor: ctx.actor ?? 'system',
      })));
    }
    return { rows, skipped: await skippedOf(tx, ids, rows.map((x) => x.id)) };
  });
  const skus = r.rows.flatMap((o) => (Array.isArray(o.skus) ? o.skus : String(o.skus).replace(/^\{|\}$/g, '').split(',').filter(Boolean)));
  const noSku = r.rows.filter((o) => (Array.isArray(o.skus) ? o.skus.length === 0 : String(o.skus) === '{}')).map((o) => o.id);
  await enqueueSkuAllocation(ctx, skus);
  if (noSku.length) await ctx.queue.enqueue('order.allocate', { orderIds: noSku, includeBackordered: false });
  return { done: r.rows.map((o) => o.id), skipped: r.skipped };
}

/** Rejects orders held for review: cancels them with the reason (they never held stock, so nothing is released). */
export async function rejectOrders(ctx: Ctx, input: unknown): Promise<ReviewDecisionResult> {
  const parsed = RejectInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const { ids, reason } = parsed.data;
  return withTransaction(ctx, async (tx) => {
    const res = await tx.execute(sql`
      update orders set status = 'cancelled', cancelled_at = now(), held_at = null, allocation_status = 'not_required',
        exceptions = array_remove(exceptions, 'review'), updated_at = now()
      where id = any(${pgArray(ids, 'uuid')}) and allocation_status = 'review' and status in ('open', 'on_hold')
      returning id`);
    const rows = res.rows as Array<{ id: string }>;
    if (rows.length) {
      await insertOrderEvents(tx, rows.map((o) => ({
        order_id: o.id, kind: 'review_rejected', message: `Rejected after review: ${reason}`,
        data: { reason }, raw_event_id: null, actor: ctx.actor ?? 'system',
      })));
    }
    return { done: rows.map((x) => x.id), skipped: await skippedOf(tx, ids, rows.map((x) => x.id)) };
  });
}

async function skippedOf(tx: Parameters<Parameters<typeof withTransaction>[1]>[0], ids: string[], done: string[]) {
  const rest = ids.filter((id) => !done.includes(id));
  if (rest.length === 0) return [];
  const cur = await tx.execute(sql`select id, status, allocation_status from orders where id = any(${pgArray(rest, 'uuid')})`);
  const byId = new Map((cur.rows as Array<{ id: string; status: string; allocation_status: string }>).map((x) => [x.id, x]));
  return rest.map((id) => ({ id, allocationStatus: byId.get(id)?.allocation_status ?? null, status: byId.get(id)?.status ?? null }));
}

/** One order (the API's `POST /orders/{id}/approve|reject`): 404 when unknown, 409 when not in review. */
export async function decideOrderReview(ctx: Ctx, id: string, decision: 'approve' | 'reject', input: unknown) {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('order', id);
  const body = { ...((input ?? {}) as Record<string, unknown>), ids: [id] };
  const r = decision === 'approve' ? await approveOrders(ctx, body) : await rejectOrders(ctx, body);
  const s = r.skipped[0];
  if (s) {
    if (s.status === null) throw new NotFoundError('order', id);
    throw new ConflictError('not_in_review', `The order is not waiting for review (allocation status ${s.allocationStatus}).`, { status: s.status, allocationStatus: s.allocationStatus });
  }
  return { id, decision, status: decision === 'approve' ? 'open' : 'cancelled' };
}
