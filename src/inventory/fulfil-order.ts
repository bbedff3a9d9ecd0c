import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { pgArray } from '../db/sql-array';
import { withTransaction } from '../db/transaction';
import { ConflictError, NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { insertOrderEvents } from '../inbox/upsert-orders';
import { afterStockChange } from './after-stock-change';
import { fulfilGuarded, insertMovements, lockStockRows, stockLockTimeout, type Delta, type MovementRow } from './stock-writes';

export const FulfilmentInput = z.object({
  /** What ships; omitted = everything currently reserved for the order. */
  lines: z.array(z.object({ sku: z.string().min(1).max(200), quantity: z.number().int().positive() })).min(1).max(1000).optional(),
  trackingNumber: z.string().max(200).optional(),
  carrier: z.string().max(100).optional(),
}).default({});

/**
 * Ships reserved units: each becomes an on_hand decrease (reserved and on_hand drop together in one
 * guarded UPDATE), recorded in the ledger and the timeline. Only reserved units can ship.
 */
export async function fulfilOrder(ctx: Ctx, orderId: string, input: unknown) {
  const parsed = FulfilmentInput.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  if (!z.string().uuid().safeParse(orderId).success) throw new NotFoundError('order', orderId);
  const result = await withTransaction(ctx, async (tx) => {
    await stockLockTimeout(tx);
    const o = await tx.execute(sql`select id, status from orders where id = ${orderId} for no key update`);
    const order = o.rows[0] as { id: string; status: string } | undefined;
    if (!order) throw new NotFoundError('order', orderId);
    if (order.status === 'cancelled') throw new ConflictError('invalid_order_state', 'A cancelled order cannot be fulfilled.');
    const held = (await tx.execute(sql`
      select r.sku, r.warehouse_id, r.quantity, w.code, w.priority from reservations r join warehouses w on w.id = r.warehouse_id
      where r.order_id = ${orderId} and r.quantity > 0 order by w.priority, w.code`)).rows as Array<{ sku: string; warehouse_id: string; quantity: number; code: string }>;
    const wanted = new Map<string, number>();
    if (parsed.data.lines) for (const l of parsed.data.lines) wanted.set(l.sku, (wanted.get(l.sku) ?? 0) + l.quantity);
    else for (const h of held) wanted.set(h.sku, (wanted.get(h.sku) ?? 0) + Number(h.quantity));
    if (wanted.size === 0) throw new ConflictError('nothing_reserved', 'The order holds no reserved units to fulfil.');
    const moves: Array<Delta & { code: string }> = [];
    for (const [sku, qty] of wanted) {
      let left = qty;
      for (const h of held.filter((x) => x.sku === sku)) {
        const n = Math.min(left, Number(h.quantity));
        if (n > 0) moves.push({ sku, warehouse_id: h.warehouse_id, q: n, code: h.code });
        left -= n;
      }
      if (left > 0) {
        const idx = parsed.data.lines?.findIndex((l) => l.sku === sku) ?? -1;
        throw new ValidationError([{ path: idx >= 0 ? `lines.${idx}.quantity` : 'lines', message: `only ${qty - left} of ${sku} are reserved for this order` }]);
      }
    }
    await lockStockRows(tx, moves.map((m) => m.sku));
    await fulfilGuarded(tx, moves);
    const up = await tx.execute(sql`
      update reservations r set quantity = r.quantity - m.q, fulfilled_quantity = r.fulfilled_quantity + m.q, version = r.version + 1, updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(moves)}::jsonb) as m(sku text, warehouse_id uuid, q int)
      where r.order_id = ${orderId} and r.sku = m.sku and r.warehouse_id = m.warehouse_id and r.quantity >= m.q
      returning r.sku, r.warehouse_id, r.version`);
    if (up.rows.length !== moves.length) throw new ConflictError('reservation_changed', 'The reservations changed meanwhile; retry.');
    const version = new Map((up.rows as Array<{ sku: string; warehouse_id: string; version: number }>).map((r) => [`${r.sku}|${r.warehouse_id}`, Number(r.version)]));
    const movements: MovementRow[] = moves.map((m) => ({
      sku: m.sku, warehouse_id: m.warehouse_id, kind: 'fulfilment', quantity: m.q, on_hand_delta: -m.q, reserved_delta: -m.q, incoming_delta: 0,
      order_id: orderId, actor: ctx.actor ?? 'system', reason: parsed.data.trackingNumber ?? null,
      idempotency_key: `fulfilment:${orderId}:${m.sku}:${m.warehouse_id}:v${version.get(`${m.sku}|${m.warehouse_id}`) ?? 0}`,
    }));
    await insertMovements(tx, movements);
    // Fully shipped when every unit of every stocked line has shipped — not only the SKUs this order
    // happens to hold: shipping the one allocated line of a partly backordered order is a partial
    // fulfilment (counting only held SKUs called it fulfilled, and allocation then took the backordered
    // lines as shipped by the channel).
    const st = await tx.execute(sql`
      select coalesce((select sum(quantity) from order_lines where order_id = ${orderId} and sku is not null), 0)::int as want,
             coalesce((select sum(fulfilled_quantity) from reservations where order_id = ${orderId}), 0)::int as shipped`);
    const s = st.rows[0] as { want: number; shipped: number };
    const status = Number(s.shipped) >= Number(s.want) ? 'fulfilled' : 'partial';
    await tx.execute(sql`update orders set fulfillment_status = ${status}, updated_at = now() where id = ${orderId}`);
    await insertOrderEvents(tx, [{
      order_id: orderId, kind: 'fulfilment', raw_event_id: null, actor: ctx.actor ?? 'system',
      message: `Fulfilled ${moves.map((m) => `${m.q} × ${m.sku} from ${m.code}`).join(', ')}${parsed.data.trackingNumber ? ` (tracking ${parsed.data.trackingNumber})` : ''}`,
      data: { moves: moves.map(({ sku, warehouse_id, q }) => ({ sku, warehouseId: warehouse_id, quantity: q })), trackingNumber: parsed.data.trackingNumber ?? null, carrier: parsed.data.carrier ?? null },
    }]);
    return { orderId, fulfillmentStatus: status, shipped: moves.map((m) => ({ sku: m.sku, warehouse: m.code, quantity: m.q })) };
  });
  await afterStockChange(ctx, { changedSkus: result.shipped.map((s) => s.sku), value: { orderId } });
  return result;
}
