import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { pgArray } from '../db/sql-array';
import { AppError } from '../errors';
import { approvePurchaseOrder, sendPurchaseOrder } from './po-transitions';
import { getPurchaseOrder } from './purchase-orders';
import { receivePurchaseOrder } from './receive-po';
import { draftReplenishmentOrders } from './replenishment';

/** The demo's two mills (src/main.ts seeds them); nothing else is ever ordered or received here. */
export const DEMO_SUPPLIERS = ['MILL-A', 'MILL-B'] as const;

export interface DemoSupplierRun {
  /** POs drafted from low stock and sent to a mill. */
  sent: string[];
  /** POs a mill delivered (received in full, one unit failing inspection on every fourth). */
  delivered: string[];
}

/**
 * The demo's purchasing, played out in minutes instead of weeks: low stock is drafted into POs to the
 * mills and sent at once, and a PO sent `deliverAfterMs` ago arrives and is received, so backordered
 * orders take the new stock and the suppliers' scorecards fill. Every fourth delivery has one unit
 * rejected at inspection (the quality column). It acts only where the demo's mills exist. Drafting is
 * the daily replenishment job's (drafts for other suppliers stay drafts, and open drafts are never
 * drafted twice); only the mills' POs are sent and delivered.
 */
export async function runDemoSupplier(ctx: Ctx, opts: { deliverAfterMs?: number } = {}): Promise<DemoSupplierRun> {
  const c: Ctx = { ...ctx, actor: 'demo supplier' };
  const mills = await c.db.execute(sql`select id from suppliers where code in (${sql.join(DEMO_SUPPLIERS.map((m) => sql`${m}`), sql`, `)})`);
  if (mills.rows.length === 0) return { sent: [], delivered: [] };
  const millIds = new Set((mills.rows as Array<{ id: string }>).map((r) => r.id));

  const sent: string[] = [];
  const { created } = await draftReplenishmentOrders(c);
  for (const draft of created) {
    const po = await getPurchaseOrder(c, draft.id);
    if (!millIds.has(po.supplierId)) continue;
    try {
      await sendPurchaseOrder(c, po.id);
    } catch (err) {
      // A PO over an approval threshold the user set: approve it as the demo's buyer, then send.
      if (!(err instanceof AppError) || err.code !== 'approval_required') throw err;
      await approvePurchaseOrder(c, po.id, { by: 'demo supplier', reason: 'demo purchasing approves its own replenishment' });
      await sendPurchaseOrder(c, po.id);
    }
    sent.push(po.number);
  }

  const cutoff = new Date(c.now().getTime() - (opts.deliverAfterMs ?? 120_000)).toISOString();
  const due = await c.db.execute(sql`select id, number from purchase_orders
    where status in ('sent', 'partially_received') and sent_at <= ${cutoff}::timestamptz
      and supplier_id = any(${pgArray([...millIds], 'uuid')})
    order by sent_at, number`);
  const delivered: string[] = [];
  for (const row of due.rows as Array<{ id: string; number: string }>) {
    const po = await getPurchaseOrder(c, row.id);
    const open = po.lines.filter((l) => l.outstandingQuantity > 0);
    if (open.length === 0) continue;
    const inspectOne = Number(po.number.replace(/\D/g, '')) % 4 === 0;
    await receivePurchaseOrder(c, po.id, {
      lines: open.map((l, i) => {
        const rejected = inspectOne && i === 0 && l.outstandingQuantity > 1 ? 1 : 0;
        return { lineNo: l.lineNo, accepted: l.outstandingQuantity - rejected, rejected };
      }),
      note: 'Delivered by the demo mill.',
    }, `demo-delivery-${po.id}`);
    delivered.push(po.number);
  }
  return { sent, delivered };
}
