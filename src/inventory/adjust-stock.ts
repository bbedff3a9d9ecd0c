import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTx, type Ctx } from '../context';
import { withTransaction, type Tx } from '../db/transaction';
import { ConflictError, NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { runOnce } from '../idempotency/run-once';
import { afterStockChange } from './after-stock-change';
import { resolveWarehouse } from './warehouses';
import { insertMovements, stockLockTimeout } from './stock-writes';

export const AdjustmentInput = z.object({
  sku: z.string().min(1).max(200),
  /** Warehouse code or id. */
  warehouse: z.string().min(1).max(200),
  delta: z.number().int().refine((n) => n !== 0, 'must not be 0').refine((n) => Math.abs(n) <= 1_000_000_000, 'too large'),
  reason: z.string().trim().min(1).max(500),
  /**
   * `adjustment` (stocktake, damage), `receipt` (goods in), `return` (customer return back to stock) or
   * `opening` (the stock a business starts with: valued against owner equity, not as a gain in the P&L).
   */
  kind: z.enum(['adjustment', 'receipt', 'return', 'opening']).default('adjustment'),
  orderId: z.string().uuid().optional(),
});
export type AdjustmentInput = z.input<typeof AdjustmentInput>;

export interface StockLevel {
  sku: string;
  warehouse: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
  available: number;
  incoming: number;
}

export async function ensureProduct(tx: Tx, sku: string): Promise<void> {
  const r = await tx.execute(sql`select 1 from products where sku = ${sku}`);
  if (r.rows.length === 0) throw new NotFoundError('product', sku);
}

/**
 * Changes on_hand by `delta` in one guarded statement. A decrease may not dig into reserved units
 * (the WHERE checks `on_hand + delta >= reserved`, the CHECK constraints back it); an increase
 * creates the row when needed. The ledger row is written in the same transaction.
 */
export async function applyOnHandDelta(ctx: Ctx, tx: Tx, a: z.output<typeof AdjustmentInput> & { idempotencyKey?: string | null }): Promise<StockLevel> {
  if (a.kind !== 'adjustment' && a.delta < 0) throw new ValidationError([{ path: 'delta', message: `a ${a.kind} must be positive` }]);
  await stockLockTimeout(tx);
  await ensureProduct(tx, a.sku);
  const wh = await resolveWarehouse(inTx(ctx, tx), a.warehouse);
  const res = a.delta > 0
    ? await tx.execute(sql`
        insert into stock_levels (sku, warehouse_id, on_hand) values (${a.sku}, ${wh.id}, ${a.delta})
        on conflict (sku, warehouse_id) do update set on_hand = stock_levels.on_hand + excluded.on_hand, updated_at = now()
        returning on_hand, reserved, incoming`)
    : await tx.execute(sql`
        update stock_levels set on_hand = on_hand + ${a.delta}, updated_at = now()
        where sku = ${a.sku} and warehouse_id = ${wh.id} and on_hand + ${a.delta} >= reserved
        returning on_hand, reserved, incoming`);
  const row = res.rows[0] as { on_hand: number; reserved: number; incoming: number } | undefined;
  if (!row) {
    const cur = await tx.execute(sql`select on_hand, reserved from stock_levels where sku = ${a.sku} and warehouse_id = ${wh.id}`);
    const c = cur.rows[0] as { on_hand: number; reserved: number } | undefined;
    throw new ConflictError('insufficient_stock', `Cannot remove ${-a.delta} of ${a.sku} at ${wh.code}: on hand ${Number(c?.on_hand ?? 0)}, reserved ${Number(c?.reserved ?? 0)}.`, {
      onHand: Number(c?.on_hand ?? 0), reserved: Number(c?.reserved ?? 0),
    });
  }
  await insertMovements(tx, [{
    sku: a.sku, warehouse_id: wh.id, kind: a.kind, quantity: Math.abs(a.delta), on_hand_delta: a.delta, reserved_delta: 0,
    incoming_delta: 0, order_id: a.orderId ?? null, reason: a.reason, actor: ctx.actor ?? 'system', idempotency_key: a.idempotencyKey ?? null,
  }]);
  const onHand = Number(row.on_hand);
  const reserved = Number(row.reserved);
  return { sku: a.sku, warehouse: wh.code, warehouseId: wh.id, onHand, reserved, available: onHand - reserved, incoming: Number(row.incoming) };
}

/** POST /stock/adjustments: an Idempotency-Key makes a retried adjustment count once. */
export async function adjustStock(ctx: Ctx, input: unknown, idempotencyKey?: string): Promise<{ status: number; body: StockLevel; replayed: boolean }> {
  const parsed = AdjustmentInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const result = await runOnce(ctx, 'POST /api/v1/stock/adjustments', idempotencyKey, input, async (c) =>
    withTransaction(c, async (tx) => ({
      status: 201,
      body: await applyOnHandDelta(c, tx, { ...parsed.data, idempotencyKey: idempotencyKey ? `api:${idempotencyKey}` : null }),
    })),
  );
  if (!result.replayed) {
    // Every kind is valued (a receipt against goods received, not billed): see post-stock-movements.ts.
    const value = { skus: [parsed.data.sku] };
    await afterStockChange(ctx, parsed.data.delta > 0 ? { freedSkus: [parsed.data.sku], value } : { changedSkus: [parsed.data.sku], value });
  }
  return result;
}

