import { sql } from 'drizzle-orm';
import type { Tx } from '../db/transaction';
import { AppError, ConflictError } from '../errors';

/** One ledger row; the deltas are what the matching stock_levels change was. */
export interface MovementRow {
  sku: string;
  warehouse_id: string;
  kind: string;
  quantity: number;
  on_hand_delta: number;
  reserved_delta: number;
  incoming_delta: number;
  order_id?: string | null;
  transfer_id?: string | null;
  reason?: string | null;
  actor?: string | null;
  idempotency_key?: string | null;
}

/** Bulk insert into the movement ledger (same transaction as the stock change it records). */
export async function insertMovements(tx: Tx, rows: MovementRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.execute(sql`
    insert into stock_movements (sku, warehouse_id, kind, quantity, on_hand_delta, reserved_delta, incoming_delta,
      order_id, transfer_id, reason, actor, idempotency_key)
    select sku, warehouse_id, kind, quantity, on_hand_delta, reserved_delta, incoming_delta, order_id, transfer_id,
      reason, actor, idempotency_key
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as m(sku text, warehouse_id uuid, kind text, quantity int,
      on_hand_delta int, reserved_delta int, incoming_delta int, order_id uuid, transfer_id uuid, reason text,
      actor text, idempotency_key text)`);
}

/** Every transaction that touches stock rows says how long it will wait for a lock, so a stuck lock fails fast and retries. */
export async function stockLockTimeout(tx: Tx, ms = 5000): Promise<void> {
  await tx.execute(sql.raw(`set local lock_timeout = '${Math.max(1, Math.floor(ms))}ms'`));
}

export interface StockRow {
  sku: string;
  warehouse_id: string;
  on_hand: number;
  reserved: number;
  incoming: number;
}

/**
 * Locks the stock rows of these SKUs (optionally only some warehouses) in one sorted order, so two
 * transactions touching overlapping rows queue instead of deadlocking.
 */
export async function lockStockRows(tx: Tx, skus: string[], warehouseIds?: string[]): Promise<StockRow[]> {
  if (skus.length === 0) return [];
  const res = await tx.execute(sql`
    select sku, warehouse_id, on_hand, reserved, incoming from stock_levels
    where sku in (select jsonb_array_elements_text(${JSON.stringify([...new Set(skus)])}::jsonb))
      ${warehouseIds ? sql`and warehouse_id in (select (jsonb_array_elements_text(${JSON.stringify(warehouseIds)}::jsonb))::uuid)` : sql``}
    order by sku, warehouse_id
    for update`);
  return (res.rows as unknown as StockRow[]).map((r) => ({
    sku: r.sku, warehouse_id: r.warehouse_id, on_hand: Number(r.on_hand), reserved: Number(r.reserved), incoming: Number(r.incoming),
  }));
}

/** The same rows without locking (the optimistic plan's snapshot; the guarded UPDATE re-checks). */
export async function readStockRows(tx: Tx, skus: string[]): Promise<StockRow[]> {
  if (skus.length === 0) return [];
  const res = await tx.execute(sql`
    select sku, warehouse_id, on_hand, reserved, incoming from stock_levels
    where sku in (select jsonb_array_elements_text(${JSON.stringify([...new Set(skus)])}::jsonb))`);
  return (res.rows as unknown as StockRow[]).map((r) => ({
    sku: r.sku, warehouse_id: r.warehouse_id, on_hand: Number(r.on_hand), reserved: Number(r.reserved), incoming: Number(r.incoming),
  }));
}

export interface Delta {
  sku: string;
  warehouse_id: string;
  q: number;
}

/** Sums deltas per (sku, warehouse): an UPDATE … FROM changes each target row once, so duplicates must be merged first. */
export function mergeDeltas(rows: Delta[]): Delta[] {
  const m = new Map<string, Delta>();
  for (const r of rows) {
    const k = `${r.sku}\u0000${r.warehouse_id}`;
    const cur = m.get(k);
    if (cur) cur.q += r.q;
    else m.set(k, { ...r });
  }
  return [...m.values()].filter((d) => d.q !== 0).sort((a, b) => (a.sku === b.sku ? (a.warehouse_id < b.warehouse_id ? -1 : 1) : a.sku < b.sku ? -1 : 1));
}

/**
 * Reserves units: ONE guarded UPDATE for all rows. The WHERE re-checks availability in the database
 * itself, so even if the caller's plan were stale (a read-check-write race) nothing is oversold: a row
 * that no longer has the units is not updated and the whole transaction is rolled back.
 */
export async function reserveGuarded(tx: Tx, deltas: Delta[]): Promise<void> {
  const d = mergeDeltas(deltas);
  if (d.length === 0) return;
  const res = await tx.execute(sql`
    update stock_levels s set reserved = s.reserved + d.q, updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(d)}::jsonb) as d(sku text, warehouse_id uuid, q int)
    where s.sku = d.sku and s.warehouse_id = d.warehouse_id and s.on_hand - s.reserved >= d.q
    returning s.sku`);
  if (res.rows.length !== d.length) throw new AppError('stock_changed', 'Stock changed while allocating; the allocation is retried.', { status: 409, retryable: true });
}

/** Gives reserved units back (cancellation, lowered quantity); guarded so `reserved` never goes below 0. */
export async function releaseGuarded(tx: Tx, deltas: Delta[]): Promise<void> {
  const d = mergeDeltas(deltas);
  if (d.length === 0) return;
  const res = await tx.execute(sql`
    update stock_levels s set reserved = s.reserved - d.q, updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(d)}::jsonb) as d(sku text, warehouse_id uuid, q int)
    where s.sku = d.sku and s.warehouse_id = d.warehouse_id and s.reserved >= d.q
    returning s.sku`);
  if (res.rows.length !== d.length) throw new ConflictError('reservation_mismatch', 'Stored reservations do not match stock levels; run the reconciler.');
}

/** Ships reserved units: on_hand and reserved drop together, guarded on what is reserved. */
export async function fulfilGuarded(tx: Tx, deltas: Delta[]): Promise<void> {
  const d = mergeDeltas(deltas);
  if (d.length === 0) return;
  const res = await tx.execute(sql`
    update stock_levels s set on_hand = s.on_hand - d.q, reserved = s.reserved - d.q, updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(d)}::jsonb) as d(sku text, warehouse_id uuid, q int)
    where s.sku = d.sku and s.warehouse_id = d.warehouse_id and s.reserved >= d.q
    returning s.sku`);
  if (res.rows.length !== d.length) throw new ConflictError('reservation_mismatch', 'Stored reservations do not match stock levels; run the reconciler.');
}
