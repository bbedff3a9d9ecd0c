import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { inTx, type Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import { ConflictError, NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { runOnce } from '../idempotency/run-once';
import { afterStockChange } from './after-stock-change';
import { ensureProduct } from './adjust-stock';
import { insertMovements, lockStockRows, stockLockTimeout } from './stock-writes';
import { resolveWarehouse } from './warehouses';

export const TransferInput = z.object({
  sku: z.string().min(1).max(200),
  from: z.string().min(1).max(200),
  to: z.string().min(1).max(200),
  quantity: z.number().int().positive().max(1_000_000_000),
});

export interface Transfer {
  id: string;
  sku: string;
  from: string;
  to: string;
  quantity: number;
  status: 'in_transit' | 'received';
}

/**
 * Dispatches units to another warehouse: they leave the source's on_hand now (only unreserved units
 * may go: the UPDATE's WHERE checks it) and count as incoming at the destination until received.
 */
export async function createTransfer(ctx: Ctx, input: unknown, idempotencyKey?: string): Promise<{ status: number; body: Transfer; replayed: boolean }> {
  const parsed = TransferInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const t = parsed.data;
  const out = await runOnce(ctx, 'POST /api/v1/stock/transfers', idempotencyKey, input, (c) => withTransaction(c, async (tx) => {
    await stockLockTimeout(tx);
    const cx = inTx(c, tx);
    await ensureProduct(tx, t.sku);
    const from = await resolveWarehouse(cx, t.from);
    const to = await resolveWarehouse(cx, t.to);
    if (from.id === to.id) throw new ValidationError([{ path: 'to', message: 'must differ from `from`' }]);
    await tx.execute(sql`insert into stock_levels (sku, warehouse_id) values (${t.sku}, ${to.id}) on conflict do nothing`);
    await lockStockRows(tx, [t.sku], [from.id, to.id]);
    const src = await tx.execute(sql`
      update stock_levels set on_hand = on_hand - ${t.quantity}, updated_at = now()
      where sku = ${t.sku} and warehouse_id = ${from.id} and on_hand - reserved >= ${t.quantity}
      returning on_hand`);
    if (src.rows.length === 0) throw new ConflictError('insufficient_stock', `${from.code} does not have ${t.quantity} unreserved units of ${t.sku}.`);
    await tx.execute(sql`update stock_levels set incoming = incoming + ${t.quantity}, updated_at = now() where sku = ${t.sku} and warehouse_id = ${to.id}`);
    const tr = await tx.execute(sql`
      insert into stock_transfers (sku, from_warehouse_id, to_warehouse_id, quantity) values (${t.sku}, ${from.id}, ${to.id}, ${t.quantity})
      returning id`);
    const id = (tr.rows[0] as { id: string }).id;
    const actor = c.actor ?? 'system';
    await insertMovements(tx, [
      { sku: t.sku, warehouse_id: from.id, kind: 'transfer_out', quantity: t.quantity, on_hand_delta: -t.quantity, reserved_delta: 0, incoming_delta: 0, transfer_id: id, actor, idempotency_key: `transfer_out:${id}` },
      { sku: t.sku, warehouse_id: to.id, kind: 'incoming', quantity: t.quantity, on_hand_delta: 0, reserved_delta: 0, incoming_delta: t.quantity, transfer_id: id, actor, idempotency_key: `incoming:${id}` },
    ]);
    return { status: 201, body: { id, sku: t.sku, from: from.code, to: to.code, quantity: t.quantity, status: 'in_transit' as const } };
  }));
  if (!out.replayed) await afterStockChange(ctx, { changedSkus: [t.sku] });
  return out;
}

/** Books a transfer in at its destination: incoming → on_hand, once (the status guard makes a second receive a 409). */
export async function receiveTransfer(ctx: Ctx, id: string): Promise<Transfer> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('transfer', id);
  const result = await withTransaction(ctx, async (tx) => {
    await stockLockTimeout(tx);
    const tr = await tx.execute(sql`
      update stock_transfers set status = 'received', received_at = now()
      where id = ${id} and status = 'in_transit'
      returning id, sku, from_warehouse_id, to_warehouse_id, quantity`);
    const row = tr.rows[0] as { id: string; sku: string; from_warehouse_id: string; to_warehouse_id: string; quantity: number } | undefined;
    if (!row) {
      const cur = await tx.execute(sql`select status from stock_transfers where id = ${id}`);
      if (cur.rows.length === 0) throw new NotFoundError('transfer', id);
      throw new ConflictError('transfer_received', 'This transfer was already received.');
    }
    const qty = Number(row.quantity);
    const up = await tx.execute(sql`
      update stock_levels set on_hand = on_hand + ${qty}, incoming = incoming - ${qty}, updated_at = now()
      where sku = ${row.sku} and warehouse_id = ${row.to_warehouse_id} and incoming >= ${qty} returning sku`);
    if (up.rows.length === 0) throw new ConflictError('incoming_mismatch', 'Incoming stock does not cover this transfer; run the reconciler.');
    await insertMovements(tx, [{
      sku: row.sku, warehouse_id: row.to_warehouse_id, kind: 'transfer_in', quantity: qty, on_hand_delta: qty, reserved_delta: 0,
      incoming_delta: -qty, transfer_id: row.id, actor: ctx.actor ?? 'system', idempotency_key: `transfer_in:${row.id}`,
    }]);
    const codes = await tx.execute(sql`select id, code from warehouses where id in (${row.from_warehouse_id}, ${row.to_warehouse_id})`);
    const code = new Map((codes.rows as Array<{ id: string; code: string }>).map((r) => [r.id, r.code]));
    return { id: row.id, sku: row.sku, from: code.get(row.from_warehouse_id) ?? '', to: code.get(row.to_warehouse_id) ?? '', quantity: qty, status: 'received' as const };
  });
  await afterStockChange(ctx, { freedSkus: [result.sku] });
  return result;
}
