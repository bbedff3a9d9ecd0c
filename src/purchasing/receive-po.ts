import { fromMinor } from '../domain/money';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import type { Ctx } from '../context';
import { withTransaction, type Tx } from '../db/transaction';
import { meanStd, movingAverageCost, spreadAmount } from '../domain/purchasing';
import { ConflictError, ValidationError } from '../errors';
import { runOnce } from '../idempotency/run-once';
import { PO_RECEIPT_KEY } from '../finance/post-stock-movements';
import { afterStockChange } from '../inventory/after-stock-change';
import { insertMovements, lockStockRows, stockLockTimeout } from '../inventory/stock-writes';
import { emitEvents } from '../outbound/emit-event';
import { parseInput } from './parse-input';
import { transition, poEventData } from './po-transitions';
import { addPoEvent, getPurchaseOrder, loadPurchaseOrders } from './purchase-orders';

export const ReceiveInput = z.object({
  lines: z.array(z.object({
    /** The PO line id, or its line number. */
    lineId: z.string().uuid().optional(),
    lineNo: z.number().int().positive().optional(),
    accepted: z.number().int().min(0).max(1_000_000_000).default(0),
    /** Units that arrived but failed inspection: they count as received (fill rate) but never reach stock. */
    rejected: z.number().int().min(0).max(1_000_000_000).default(0),
  }).refine((l) => l.lineId || l.lineNo, 'lineId or lineNo is required').refine((l) => l.accepted + l.rejected > 0, 'accepted + rejected must be above 0'))
    .min(1).max(1000),
  /** When the goods arrived; default now. */
  receivedAt: z.string().datetime({ offset: true }).optional(),
  /** Freight, duty… for this delivery, in the PO's currency (minor units), spread over the accepted lines. */
  landedCosts: z.array(z.object({ kind: z.string().trim().min(1).max(50), amountMinor: z.number().int().min(0).max(1e13) })).max(20).default([]),
  /** `value`: in proportion to accepted × unit cost; `quantity`: to accepted units. */
  landedCostBasis: z.enum(['value', 'quantity']).default('value'),
  note: z.string().max(1000).optional(),
});

/**
 * Books goods in against a sent PO. Per line: accepted units go on hand through a `receipt` movement,
 * and `incoming` drops by accepted + rejected (rejected units arrived, failed inspection and leave
 * again: an `incoming` movement records them). A line can never receive more than ordered (guarded
 * UPDATE + CHECK). Landed costs are spread over the accepted lines and the product's unit cost
 * becomes the moving average (see `movingAverageCost`). Backordered orders for the SKUs are then
 * allocated (after commit, like a stock adjustment).
 */
export async function receivePurchaseOrder(ctx: Ctx, idOrNumber: string, input: unknown, idempotencyKey?: string) {
  const p = parseInput(ReceiveInput, input);
  const { id } = await getPurchaseOrder(ctx, idOrNumber);
  const out = await runOnce(ctx, `POST /api/v1/purchase-orders/${id}/receive`, idempotencyKey, input, (c) => withTransaction(c, async (tx) => {
    const cx = { ...c, tx };
    // Lock the PO first: two receipts of one PO queue here, so line totals and the status agree.
    const lock = await tx.execute(sql`select status, number, sent_at, supplier_id, currency from purchase_orders where id = ${id} for update`);
    const head = lock.rows[0] as { status: string; number: string; sent_at: string | Date; supplier_id: string; currency: string };
    if (!['sent', 'partially_received'].includes(head.status)) {
      throw new ConflictError('purchase_order_status', `${head.number} is ${head.status}; goods can be received on a sent or partially received PO.`, { status: head.status });
    }
    const [po] = await loadPurchaseOrders(cx, [id]);
    const receivedAt = p.receivedAt ? new Date(p.receivedAt) : c.now();
    const receiptId = randomUUID();
    const rows = p.lines.map((l, i) => {
      const line = po!.lines.find((x) => (l.lineId ? x.id === l.lineId : x.lineNo === l.lineNo));
      if (!line) throw new ValidationError([{ path: `lines.${i}`, message: `no such line on ${head.number}` }]);
      if (l.accepted + l.rejected > line.outstandingQuantity) {
        throw new ConflictError('over_receipt', `Line ${line.lineNo} (${line.sku}) has ${line.outstandingQuantity} outstanding; ${l.accepted + l.rejected} cannot be received.`, { lineNo: line.lineNo, outstanding: line.outstandingQuantity });
      }
      return { line, accepted: l.accepted, rejected: l.rejected };
    });
    if (new Set(rows.map((r) => r.line.id)).size !== rows.length) throw new ValidationError([{ path: 'lines', message: 'each line once per receipt' }]);

    // Landed cost per line: spread over accepted lines by value or quantity, in exact minor units.
    const landedTotal = p.landedCosts.reduce((s, x) => s + x.amountMinor, 0);
    const takers = rows.filter((r) => r.accepted > 0);
    if (landedTotal > 0 && takers.length === 0) throw new ValidationError([{ path: 'landedCosts', message: 'needs at least one accepted line to carry it' }]);
    const shares = spreadAmount(landedTotal, takers.map((r) => (p.landedCostBasis === 'value' ? r.accepted * r.line.unitCostMinor : r.accepted)));
    const landed = new Map(takers.map((r, i) => [r.line.id, shares[i]!]));

    await stockLockTimeout(tx);
    // Moving average per product: lock the product rows (sorted) before the stock rows, so concurrent receipts of one SKU queue.
    const skus = [...new Set(rows.map((r) => r.line.sku))].sort();
    const prods = await tx.execute(sql`
      select sku, unit_cost_minor, currency from products
      where sku in (select jsonb_array_elements_text(${JSON.stringify(skus)}::jsonb)) order by sku for update`);
    const prodBy = new Map((prods.rows as Array<{ sku: string; unit_cost_minor: number | null; currency: string | null }>).map((r) => [r.sku, r]));
    for (const r of rows) await tx.execute(sql`insert into stock_levels (sku, warehouse_id) values (${r.line.sku}, ${r.line.warehouseId}) on conflict do nothing`);
    const locked = await lockStockRows(tx, skus);
    const onHandBefore = new Map<string, number>();
    for (const s of locked) onHandBefore.set(s.sku, (onHandBefore.get(s.sku) ?? 0) + s.on_hand);

    for (const r of rows) {
      const q = r.accepted + r.rejected;
      // Guarded: never more than outstanding (also a CHECK), and `incoming` of the line shrinks by what arrived.
      const upd = await tx.execute(sql`
        update purchase_order_lines set accepted_quantity = accepted_quantity + ${r.accepted}, rejected_quantity = rejected_quantity + ${r.rejected},
          incoming_quantity = greatest(0, incoming_quantity - ${q}),
          completed_at = case when accepted_quantity + rejected_quantity + ${q} = quantity then ${receivedAt.toISOString()}::timestamptz else completed_at end
        where id = ${r.line.id} and accepted_quantity + rejected_quantity + ${q} <= quantity
        returning incoming_quantity`);
      if (upd.rows.length === 0) throw new ConflictError('over_receipt', `Line ${r.line.lineNo} changed while receiving; retry.`);
      const incomingDrop = Math.min(q, r.line.incomingQuantity);
      const st = await tx.execute(sql`
        update stock_levels set on_hand = on_hand + ${r.accepted}, incoming = incoming - ${incomingDrop}, updated_at = now()
        where sku = ${r.line.sku} and warehouse_id = ${r.line.warehouseId} and incoming >= ${incomingDrop} returning sku`);
      if (st.rows.length === 0) throw new ConflictError('incoming_mismatch', `Incoming stock of ${r.line.sku} does not cover ${head.number}; run the reconciler.`);
      const actor = c.actor ?? 'system';
      const accIncoming = Math.min(r.accepted, incomingDrop);
      await insertMovements(tx, [
        ...(r.accepted > 0 ? [{
          sku: r.line.sku, warehouse_id: r.line.warehouseId, kind: 'receipt', quantity: r.accepted, on_hand_delta: r.accepted, reserved_delta: 0,
          incoming_delta: -accIncoming, reason: `${head.number} line ${r.line.lineNo} received`, actor, idempotency_key: `${PO_RECEIPT_KEY}${receiptId}:${r.line.id}`,
        }] : []),
        ...(incomingDrop - accIncoming > 0 ? [{
          sku: r.line.sku, warehouse_id: r.line.warehouseId, kind: 'incoming', quantity: incomingDrop - accIncoming, on_hand_delta: 0, reserved_delta: 0,
          incoming_delta: -(incomingDrop - accIncoming), reason: `${head.number} line ${r.line.lineNo} rejected on receipt`, actor, idempotency_key: `po-rejected:${receiptId}:${r.line.id}`,
        }] : []),
      ]);
    }

    // Moving average per SKU over this receipt's accepted units (landed cost included).
    const costAfter = new Map<string, number | null>();
    const costNotes: string[] = [];
    for (const sku of skus) {
      const mine = rows.filter((r) => r.line.sku === sku && r.accepted > 0);
      const qty = mine.reduce((s, r) => s + r.accepted, 0);
      if (qty === 0) continue;
      const total = mine.reduce((s, r) => s + r.accepted * r.line.unitCostMinor + (landed.get(r.line.id) ?? 0), 0);
      const prod = prodBy.get(sku);
      if (prod?.currency && prod.currency !== head.currency) {
        costAfter.set(sku, null);
        costNotes.push(`${sku}: unit cost kept (product in ${prod.currency}, PO in ${head.currency})`);
        continue;
      }
      const old = prod?.unit_cost_minor === null || prod?.unit_cost_minor === undefined ? null : Number(prod.unit_cost_minor);
      const next = movingAverageCost(onHandBefore.get(sku) ?? 0, old, qty, total);
      await tx.execute(sql`update products set unit_cost_minor = ${next}, currency = ${head.currency}, updated_at = now() where sku = ${sku}`);
      costAfter.set(sku, next);
      costNotes.push(`${sku}: unit cost ${old === null ? '—' : fromMinor(old, head.currency)} → ${fromMinor(next, head.currency)} ${head.currency}`);
    }

    const sentAt = new Date(head.sent_at);
    const leadDays = (receivedAt.getTime() - sentAt.getTime()) / 86_400_000;
    await tx.execute(sql`
      insert into purchase_receipt_lines (receipt_id, purchase_order_id, line_id, supplier_id, sku, warehouse_id, accepted, rejected, landed_minor,
        unit_cost_after_minor, received_at, lead_time_days, idempotency_key)
      select ${receiptId}, ${id}, line_id, ${head.supplier_id}, sku, warehouse_id, accepted, rejected, landed_minor, unit_cost_after_minor,
        ${receivedAt.toISOString()}::timestamptz, ${leadDays}, ${idempotencyKey ?? null}
      from jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({
        line_id: r.line.id, sku: r.line.sku, warehouse_id: r.line.warehouseId, accepted: r.accepted, rejected: r.rejected,
        landed_minor: landed.get(r.line.id) ?? 0, unit_cost_after_minor: costAfter.get(r.line.sku) ?? null,
      })))}::jsonb) as x(line_id uuid, sku text, warehouse_id uuid, accepted int, rejected int, landed_minor bigint, unit_cost_after_minor bigint)`);

    await refreshObservedLeadTimes(tx, head.supplier_id, skus);

    const left = await tx.execute(sql`select coalesce(sum(quantity - accepted_quantity - rejected_quantity), 0)::int as n from purchase_order_lines where purchase_order_id = ${id}`);
    const outstanding = Number((left.rows[0] as { n: number }).n);
    const next = outstanding === 0 ? 'received' : 'partially_received';
    await transition(tx, id, ['sent', 'partially_received'], next, outstanding === 0 ? sql`, received_at = ${receivedAt.toISOString()}::timestamptz` : sql``);
    const acc = rows.reduce((s, r) => s + r.accepted, 0);
    const rej = rows.reduce((s, r) => s + r.rejected, 0);
    await addPoEvent(c, tx, id, 'received',
      `Received ${acc} accepted, ${rej} rejected${landedTotal ? `; landed cost ${fromMinor(landedTotal, head.currency)} ${head.currency} spread by ${p.landedCostBasis}` : ''}${costNotes.length ? `; ${costNotes.join('; ')}` : ''}${outstanding ? `; ${outstanding} outstanding` : '; complete'}.${p.note ? ` ${p.note}` : ''}`,
      { receiptId, lines: rows.map((r) => ({ lineNo: r.line.lineNo, sku: r.line.sku, accepted: r.accepted, rejected: r.rejected, landedMinor: landed.get(r.line.id) ?? 0 })), landedCosts: p.landedCosts, outstanding });
    return { status: 200, body: { receiptId, freed: rows.filter((r) => r.accepted > 0).map((r) => r.line.sku) } };
  }));
  if (!out.replayed) {
    const freed = [...new Set(out.body.freed)];
    await afterStockChange(ctx, { freedSkus: freed, changedSkus: [...new Set((await getPurchaseOrder(ctx, id)).lines.map((l) => l.sku))] });
  }
  const po = await getPurchaseOrder(ctx, id);
  if (!out.replayed) await emitEvents(ctx, [{ type: 'purchase_order.received', data: { ...poEventData(po), receiptId: out.body.receiptId } }]);
  return { ...po, receiptId: out.body.receiptId, replayed: out.replayed };
}

/** Observed lead time (days from sent to received) per supplier and SKU, from every receipt: what safety stock reads. */
export async function refreshObservedLeadTimes(tx: Tx, supplierId: string, skus: string[]): Promise<void> {
  const res = await tx.execute(sql`
    select sku, lead_time_days from purchase_receipt_lines
    where supplier_id = ${supplierId} and lead_time_days is not null and sku in (select jsonb_array_elements_text(${JSON.stringify(skus)}::jsonb))`);
  const by = new Map<string, number[]>();
  for (const r of res.rows as Array<{ sku: string; lead_time_days: number }>) by.set(r.sku, [...(by.get(r.sku) ?? []), Number(r.lead_time_days)]);
  for (const [sku, xs] of by) {
    const st = meanStd(xs)!;
    await tx.execute(sql`
      update supplier_items set observed_lead_time_days = ${st.mean}, observed_lead_time_sigma = ${st.sigma}, updated_at = now()
      where supplier_id = ${supplierId} and sku = ${sku}`);
  }
}
