import { sql } from 'drizzle-orm';
import { pgArray } from '../db/sql-array';
import { z } from 'zod';
import type { Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import { ConflictError, NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { allocateOrders } from '../inventory/allocate-orders';
import { afterStockChange } from '../inventory/after-stock-change';
import { insertOrderEvents } from './upsert-orders';

export const OrderActionInput = z.object({ reason: z.string().trim().max(500).optional() }).default({});

export type OrderAction = 'hold' | 'release' | 'cancel';

/**
 * Each action is one guarded UPDATE: the WHERE names the state the order must be in, so two people
 * acting at once cannot both succeed (the loser gets 409 with the current state).
 */
const ACTIONS: Record<OrderAction, { from: string[]; set: ReturnType<typeof sql>; verb: string }> = {
  hold: { from: ['open'], set: sql`status = 'on_hold', held_at = now()`, verb: 'Put on hold' },
  release: { from: ['on_hold'], set: sql`status = 'open', held_at = null`, verb: 'Released from hold' },
  cancel: {
    from: ['open', 'on_hold'],
    set: sql`status = 'cancelled', cancelled_at = now(), held_at = null, allocation_status = 'not_required', exceptions = array_remove(exceptions, 'review')`,
    verb: 'Cancelled',
  },
};

export async function applyOrderAction(ctx: Ctx, id: string, action: OrderAction, input: unknown = {}) {
  const parsed = OrderActionInput.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('order', id);
  const def = ACTIONS[action];
  const result = await withTransaction(ctx, async (tx) => {
    const res = await tx.execute(sql`
      update orders set ${def.set}, updated_at = now()
      where id = ${id} and status = any(${pgArray(def.from, 'text')})
      returning id, status`);
    if (res.rows.length === 0) {
      const cur = await tx.execute(sql`select status from orders where id = ${id}`);
      const row = cur.rows[0] as { status: string } | undefined;
      if (!row) throw new NotFoundError('order', id);
      throw new ConflictError('invalid_order_state', `Cannot ${action} an order whose status is ${row.status}.`, { status: row.status });
    }
    const reason = parsed.data.reason;
    await insertOrderEvents(tx, [{
      order_id: id, kind: action, message: reason ? `${def.verb}: ${reason}` : def.verb,
      data: reason ? { reason } : {}, raw_event_id: null, actor: ctx.actor ?? 'system',
    }]);
    // A cancellation gives its reserved units back in the same transaction (the allocator sees 'cancelled').
    const released = action === 'cancel' ? await allocateOrders({ ...ctx, tx }, { orderIds: [id] }) : null;
    return { id, status: (res.rows[0] as { status: string }).status, freedSkus: released?.releasedSkus ?? [] };
  });
  if (result.freedSkus.length) await afterStockChange(ctx, { freedSkus: result.freedSkus });
  return { id: result.id, status: result.status };
}
