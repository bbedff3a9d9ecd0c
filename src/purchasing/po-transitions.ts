import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { withTransaction, type Tx } from '../db/transaction';
import type { PurchaseOrderStatus } from '../db/schema/purchasing';
import { ConflictError, NotFoundError } from '../errors';
import { afterStockChange } from '../inventory/after-stock-change';
import { insertMovements, lockStockRows, stockLockTimeout } from '../inventory/stock-writes';
import { emitEvents } from '../outbound/emit-event';
import { evaluateApproval } from './approval-rules';
import { build850ForPurchaseOrder } from './edi';
import { addPoEvent, getPurchaseOrder, loadPurchaseOrders, type PurchaseOrder } from './purchase-orders';
import { parseInput } from './parse-input';

/**
 * Moves a PO from one of `from` to `to` in one guarded statement: a second click, or two people
 * approving/sending at once, finds the status already changed and gets a 409 instead of doing it twice.
 */
export async function transition(tx: Tx, id: string, from: PurchaseOrderStatus[], to: PurchaseOrderStatus, set = sql``): Promise<Record<string, unknown>> {
  const res = await tx.execute(sql`
    update purchase_orders set status = ${to}, updated_at = now() ${set}
    where id = ${id} and status in (select jsonb_array_elements_text(${JSON.stringify(from)}::jsonb))
    returning *`);
  const row = res.rows[0] as Record<string, unknown> | undefined;
  if (row) return row;
  const cur = await tx.execute(sql`select status, number from purchase_orders where id = ${id}`);
  const c = cur.rows[0] as { status: string; number: string } | undefined;
  if (!c) throw new NotFoundError('purchase order', id);
  throw new ConflictError('purchase_order_status', `${c.number} is ${c.status}; this needs ${from.join(' or ')}.`, { status: c.status });
}

async function poId(ctx: Ctx, idOrNumber: string): Promise<string> {
  return (await getPurchaseOrder(ctx, idOrNumber)).id;
}

/** draft → approved, by a person (or an auto-approve rule, with `by`). */
export async function approvePurchaseOrder(ctx: Ctx, idOrNumber: string, opts: { by?: string; reason?: string } = {}) {
  const id = await poId(ctx, idOrNumber);
  await withTransaction(ctx, async (tx) => {
    const by = opts.by ?? ctx.actor ?? 'system';
    const row = await transition(tx, id, ['draft'], 'approved', sql`, approved_at = now(), approved_by = ${by}`);
    await addPoEvent(ctx, tx, id, 'approved', `${String(row.number)} approved by ${by}${opts.reason ? `: ${opts.reason}` : ''}.`, { by });
  });
  return getPurchaseOrder(ctx, id);
}

/** Raises (or lowers) `incoming` for these lines at their warehouses, with one ledger row each. */
async function moveIncoming(ctx: Ctx, tx: Tx, po: { id: string; number: string }, lines: Array<{ id: string; sku: string; warehouseId: string; q: number }>, key: string): Promise<void> {
  const ls = lines.filter((l) => l.q !== 0);
  if (ls.length === 0) return;
  await stockLockTimeout(tx);
  for (const l of ls) {
    if (l.q > 0) await tx.execute(sql`insert into stock_levels (sku, warehouse_id) values (${l.sku}, ${l.warehouseId}) on conflict do nothing`);
  }
  await lockStockRows(tx, ls.map((l) => l.sku), [...new Set(ls.map((l) => l.warehouseId))]);
  for (const l of ls) {
    const res = await tx.execute(sql`
      update stock_levels set incoming = incoming + ${l.q}, updated_at = now()
      where sku = ${l.sku} and warehouse_id = ${l.warehouseId} and incoming + ${l.q} >= 0 returning sku`);
    if (res.rows.length === 0) throw new ConflictError('incoming_mismatch', `Incoming stock of ${l.sku} does not cover ${po.number}; run the reconciler.`);
  }
  await insertMovements(tx, ls.map((l) => ({
    sku: l.sku, warehouse_id: l.warehouseId, kind: 'incoming', quantity: Math.abs(l.q), on_hand_delta: 0, reserved_delta: 0, incoming_delta: l.q,
    reason: `${po.number} ${key}`, actor: ctx.actor ?? 'system', idempotency_key: `po-${key}:${l.id}`,
  })));
}

/**
 * Sends a PO: a draft is first checked by the approval rules (any rule requiring approval → 409
 * `approval_required`; otherwise it is approved by rule), then approved → sent, which raises
 * `incoming` at each line's warehouse. EDI partners get an X12 850 stored on the PO. After commit:
 * the `purchase_order.sent` webhook and a stock push (listings may count incoming stock).
 */
export async function sendPurchaseOrder(ctx: Ctx, idOrNumber: string) {
  const before = await getPurchaseOrder(ctx, idOrNumber);
  const id = before.id;
  if (before.status === 'draft') {
    const verdicts = await evaluateApproval(ctx, before);
    const needs = verdicts.filter((v) => v.required);
    if (needs.length > 0) {
      throw new ConflictError('approval_required', `${before.number} needs approval before it is sent: ${needs.map((v) => v.reason).join('; ')}.`, { rules: needs });
    }
    await withTransaction(ctx, async (tx) => {
      await transition(tx, id, ['draft'], 'approved', sql`, approved_at = now(), approved_by = ${'rule'}`);
      await addPoEvent(ctx, tx, id, 'approved', `${before.number} approved by rule: ${verdicts.map((v) => v.reason).join('; ') || 'no approval rule applies'}.`, { by: 'rule', verdicts });
    });
  }
  await withTransaction(ctx, async (tx) => {
    const row = await transition(tx, id, ['approved'], 'sent', sql`, sent_at = now()`);
    const [po] = await loadPurchaseOrders({ ...ctx, tx }, [id]);
    await tx.execute(sql`update purchase_order_lines set incoming_quantity = quantity - accepted_quantity - rejected_quantity where purchase_order_id = ${id}`);
    await moveIncoming(ctx, tx, { id, number: String(row.number) }, po!.lines.map((l) => ({ id: l.id, sku: l.sku, warehouseId: l.warehouseId, q: l.outstandingQuantity })), 'sent');
    const edi = await build850ForPurchaseOrder({ ...ctx, tx }, po!);
    if (edi) await tx.execute(sql`update purchase_orders set edi_850 = ${edi} where id = ${id}`);
    await addPoEvent(ctx, tx, id, 'sent', `${String(row.number)} sent to ${po!.supplierCode}${edi ? ' (X12 850 written)' : ''}; incoming raised by ${po!.lines.reduce((s, l) => s + l.outstandingQuantity, 0)}.`, { edi850: !!edi });
  });
  const po = await getPurchaseOrder(ctx, id);
  await emitEvents(ctx, [{ type: 'purchase_order.sent', data: poEventData(po) }]);
  await afterStockChange(ctx, { changedSkus: [...new Set(po.lines.map((l) => l.sku))] });
  return po;
}

export function poEventData(po: PurchaseOrder): Record<string, unknown> {
  return {
    id: po.id, number: po.number, status: po.status, supplier: { id: po.supplierId, code: po.supplierCode, name: po.supplierName },
    currency: po.currency, totalMinor: po.totalMinor,
    lines: po.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, supplierSku: l.supplierSku, quantity: l.quantity, unitCostMinor: l.unitCostMinor, expectedDate: l.expectedDate, warehouse: l.warehouse })),
  };
}

/** Outstanding incoming goes back to 0 (cancel, close): the units will not come on this PO. */
async function dropOutstanding(ctx: Ctx, tx: Tx, id: string, number: string, key: string): Promise<number> {
  const res = await tx.execute(sql`
    update purchase_order_lines n set incoming_quantity = 0 from purchase_order_lines o
    where n.id = o.id and n.purchase_order_id = ${id} and o.incoming_quantity > 0
    returning n.id, n.sku, n.warehouse_id, o.incoming_quantity`);
  const ls = (res.rows as Array<{ id: string; sku: string; warehouse_id: string; incoming_quantity: number }>)
    .map((r) => ({ id: r.id, sku: r.sku, warehouseId: r.warehouse_id, q: -Number(r.incoming_quantity) }));
  await moveIncoming(ctx, tx, { id, number }, ls, key);
  return -ls.reduce((s, l) => s + l.q, 0);
}

export const ReasonInput = z.object({ reason: z.string().trim().max(1000).optional() });

/** draft/approved/sent → cancelled (nothing received yet); a sent PO's incoming is lowered again. */
export async function cancelPurchaseOrder(ctx: Ctx, idOrNumber: string, input: unknown = {}) {
  const { reason } = parseInput(ReasonInput, input);
  const id = await poId(ctx, idOrNumber);
  const skus = await withTransaction(ctx, async (tx) => {
    const row = await transition(tx, id, ['draft', 'approved', 'sent'], 'cancelled', sql`, cancelled_at = now()`);
    const dropped = await dropOutstanding(ctx, tx, id, String(row.number), 'cancelled');
    await addPoEvent(ctx, tx, id, 'cancelled', `${String(row.number)} cancelled${reason ? `: ${reason}` : ''}${dropped ? `; incoming lowered by ${dropped}` : ''}.`, { reason: reason ?? null, incomingLowered: dropped });
    const s = await tx.execute(sql`select distinct sku from purchase_order_lines where purchase_order_id = ${id}`);
    return dropped ? (s.rows as Array<{ sku: string }>).map((r) => r.sku) : [];
  });
  if (skus.length) await afterStockChange(ctx, { changedSkus: skus });
  const po = await getPurchaseOrder(ctx, id);
  await emitEvents(ctx, [{ type: 'purchase_order.cancelled', data: poEventData(po) }]);
  return po;
}

/** sent/partially_received/received → closed: what has not arrived will not; its incoming is lowered. */
export async function closePurchaseOrder(ctx: Ctx, idOrNumber: string, input: unknown = {}) {
  const { reason } = parseInput(ReasonInput, input);
  const id = await poId(ctx, idOrNumber);
  const skus = await withTransaction(ctx, async (tx) => {
    const row = await transition(tx, id, ['sent', 'partially_received', 'received'], 'closed', sql`, closed_at = now()`);
    const dropped = await dropOutstanding(ctx, tx, id, String(row.number), 'closed');
    await addPoEvent(ctx, tx, id, 'closed', `${String(row.number)} closed${reason ? `: ${reason}` : ''}${dropped ? `; ${dropped} unit(s) will not arrive, incoming lowered` : ''}.`, { reason: reason ?? null, incomingLowered: dropped });
    const s = await tx.execute(sql`select distinct sku from purchase_order_lines where purchase_order_id = ${id}`);
    return dropped ? (s.rows as Array<{ sku: string }>).map((r) => r.sku) : [];
  });
  if (skus.length) await afterStockChange(ctx, { changedSkus: skus });
  return getPurchaseOrder(ctx, id);
}
