import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { decodeKeyset, encodeKeyset, keysetInt } from '../db/keyset';
import { pgArray } from '../db/sql-array';
import { NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import type { StockLevel } from './adjust-stock';

export const StockQuery = z.object({
  sku: z.string().max(200).optional(),
  warehouse: z.string().max(200).optional(),
  /** `nextCursor` of the previous page. */
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/**
 * Stock rows `{sku, warehouse, onHand, reserved, available, incoming}` by SKU, then warehouse priority;
 * keyset-paginated (`nextCursor`). Available is computed, never stored.
 */
export async function listStock(ctx: Ctx, input: unknown): Promise<{ items: StockLevel[]; nextCursor: string | null }> {
  const parsed = StockQuery.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const p = parsed.data;
  let after = sql``;
  if (p.cursor) {
    const [sku, priority, code] = decodeKeyset(p.cursor, 3) as [string, string, string];
    after = sql`and (s.sku, w.priority, w.code) > (${sku}, ${keysetInt(priority)}::int, ${code})`;
  }
  const res = await q(ctx).execute(sql`
    select s.sku, w.code, w.priority, w.id as warehouse_id, s.on_hand, s.reserved, s.incoming
    from stock_levels s join warehouses w on w.id = s.warehouse_id
    where true ${p.sku ? sql`and s.sku = ${p.sku}` : sql``} ${p.warehouse ? sql`and (w.code = ${p.warehouse} or w.id::text = ${p.warehouse})` : sql``}
      ${after}
    order by s.sku, w.priority, w.code limit ${p.limit + 1}`);
  const rows = res.rows as Array<Record<string, unknown>>;
  const page = rows.slice(0, p.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      sku: String(r.sku), warehouse: String(r.code), warehouseId: String(r.warehouse_id), onHand: Number(r.on_hand),
      reserved: Number(r.reserved), available: Number(r.on_hand) - Number(r.reserved), incoming: Number(r.incoming),
    })),
    nextCursor: rows.length > p.limit && last ? encodeKeyset([String(last.sku), Number(last.priority), String(last.code)]) : null,
  };
}

export const MovementsQuery = z.object({
  sku: z.string().max(200).optional(),
  warehouse: z.string().max(200).optional(),
  orderId: z.string().uuid().optional(),
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The ledger, newest first, keyset-paginated by id. */
export async function listMovements(ctx: Ctx, input: unknown) {
  const parsed = MovementsQuery.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const p = parsed.data;
  const res = await q(ctx).execute(sql`
    select m.*, w.code from stock_movements m join warehouses w on w.id = m.warehouse_id
    where true ${p.sku ? sql`and m.sku = ${p.sku}` : sql``} ${p.warehouse ? sql`and w.code = ${p.warehouse}` : sql``}
      ${p.orderId ? sql`and m.order_id = ${p.orderId}` : sql``} ${p.cursor ? sql`and m.id < ${p.cursor}` : sql``}
    order by m.id desc limit ${p.limit + 1}`);
  const rows = res.rows as Array<Record<string, unknown>>;
  const items = rows.slice(0, p.limit).map((r) => ({
    id: Number(r.id), sku: String(r.sku), warehouse: String(r.code), kind: String(r.kind), quantity: Number(r.quantity),
    onHandDelta: Number(r.on_hand_delta), reservedDelta: Number(r.reserved_delta), incomingDelta: Number(r.incoming_delta),
    orderId: (r.order_id as string | null) ?? null, transferId: (r.transfer_id as string | null) ?? null,
    reason: (r.reason as string | null) ?? null, actor: (r.actor as string | null) ?? null, createdAt: new Date(r.created_at as string).toISOString(),
  }));
  return { items, nextCursor: rows.length > p.limit ? String(items[items.length - 1]!.id) : null };
}

/** Per-line allocations of an order: its reservations spread over its lines in line order. */
export async function getOrderAllocation(ctx: Ctx, orderId: string) {
  if (!z.string().uuid().safeParse(orderId).success) throw new NotFoundError('order', orderId);
  const db = q(ctx);
  const o = await db.execute(sql`select id, allocation_status from orders where id = ${orderId}`);
  const order = o.rows[0] as { id: string; allocation_status: string } | undefined;
  if (!order) throw new NotFoundError('order', orderId);
  const lines = (await db.execute(sql`select id, position, sku, quantity from order_lines where order_id = ${orderId} order by position`)).rows as Array<{ id: string; position: number; sku: string | null; quantity: number }>;
  const res = (await db.execute(sql`
    select r.sku, w.code, r.quantity, r.fulfilled_quantity from reservations r join warehouses w on w.id = r.warehouse_id
    where r.order_id = ${orderId} order by w.priority, w.code`)).rows as Array<{ sku: string; code: string; quantity: number; fulfilled_quantity: number }>;
  const pool = res.map((r) => ({ sku: r.sku, warehouse: r.code, reserved: Number(r.quantity), fulfilled: Number(r.fulfilled_quantity) }));
  const out = lines.map((l) => {
    let need = Number(l.quantity);
    const allocations: Array<{ warehouse: string; quantity: number; fulfilled: number }> = [];
    for (const p of pool.filter((x) => x.sku === l.sku)) {
      const f = Math.min(need, p.fulfilled);
      p.fulfilled -= f;
      need -= f;
      const r = Math.min(need, p.reserved);
      p.reserved -= r;
      need -= r;
      if (f + r > 0) allocations.push({ warehouse: p.warehouse, quantity: r + f, fulfilled: f });
      if (need === 0) break;
    }
    return { lineId: l.id, position: Number(l.position), sku: l.sku, quantity: Number(l.quantity), allocations, backordered: need };
  });
  return { orderId, allocationStatus: order.allocation_status, lines: out };
}

/** Stock of each SKU over all warehouses (on hand, available = on hand − reserved); SKUs without stock are absent. */
export async function stockTotals(ctx: Ctx, skus: string[]): Promise<Map<string, { onHand: number; available: number }>> {
  const out = new Map<string, { onHand: number; available: number }>();
  if (skus.length === 0) return out;
  const res = await q(ctx).execute(sql`
    select sku, sum(on_hand)::bigint as on_hand, sum(on_hand - reserved)::bigint as available
    from stock_levels where sku = any(${pgArray(skus, 'text')}) group by sku`);
  for (const r of res.rows as Array<Record<string, unknown>>) {
    out.set(String(r.sku), { onHand: Number(r.on_hand), available: Number(r.available) });
  }
  return out;
}
