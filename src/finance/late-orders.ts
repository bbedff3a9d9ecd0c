import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { pgArray } from '../db/sql-array';
import { q } from '../db/transaction';

/**
 * New orders may be what some payout lines were waiting for (the payout arrived before the order):
 * queue a reconciliation of every payout with an unmatched line that references one of them.
 */
export async function reconcileForLateOrders(ctx: Ctx, externalIds: string[]): Promise<string[]> {
  if (externalIds.length === 0) return [];
  const res = await q(ctx).execute(sql`
    select distinct l.payout_id from payout_lines l
    where l.matched_order_id is null and l.category in ('charge', 'refund', 'dispute')
      and (l.source_order_id = any(${pgArray(externalIds, 'text')}) or l.charge_id = any(${pgArray(externalIds, 'text')}))
    order by l.payout_id`);
  const ids = (res.rows as Array<{ payout_id: string }>).map((r) => String(r.payout_id));
  for (const id of ids) await ctx.queue.enqueue('payout.reconcile', { payoutId: id, reason: 'late_orders' });
  return ids;
}
