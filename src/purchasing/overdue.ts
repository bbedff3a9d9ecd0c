import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import { addPoEvent, listPurchaseOrders, overdueIdsSql, todayOf, type PurchaseOrder } from './purchase-orders';

/** Open POs with a line whose expected date passed and that is not fully received. */
export async function listOverduePurchaseOrders(ctx: Ctx): Promise<{ items: PurchaseOrder[] }> {
  return listPurchaseOrders(ctx, { overdue: 'true', limit: 500 });
}

/**
 * The daily check: flags each overdue PO once (`overdue_at`, guarded on it being null, so two runs
 * never flag twice) and writes the late lines to its timeline. A PO that is received or closed
 * later keeps its flag as history; `overdue` on the PO is computed live.
 */
export async function flagOverduePurchaseOrders(ctx: Ctx): Promise<{ flagged: string[] }> {
  const today = todayOf(ctx);
  return withTransaction(ctx, async (tx) => {
    const res = await tx.execute(sql`
      update purchase_orders set overdue_at = now(), updated_at = now()
      where overdue_at is null and id in (${overdueIdsSql(today)}) returning id, number`);
    const flagged = res.rows as Array<{ id: string; number: string }>;
    for (const po of flagged) {
      const late = await tx.execute(sql`
        select line_no, sku, expected_date::text as expected, quantity - accepted_quantity - rejected_quantity as outstanding
        from purchase_order_lines where purchase_order_id = ${po.id} and expected_date < ${today}::date and accepted_quantity + rejected_quantity < quantity
        order by line_no`);
      const ls = late.rows as Array<{ line_no: number; sku: string; expected: string; outstanding: number }>;
      await addPoEvent(ctx, tx, po.id, 'overdue', `${po.number} is overdue: ${ls.map((l) => `line ${l.line_no} ${l.sku} (${l.outstanding} outstanding, expected ${l.expected})`).join(', ')}.`, { lines: ls });
    }
    return { flagged: flagged.map((p) => p.number) };
  });
}
