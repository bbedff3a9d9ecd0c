import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { pgArray } from '../db/sql-array';
import { q } from '../db/transaction';
import type { FinanceSettings } from './settings';

/**
 * `unsettled_order` breaks: paid orders of the connections this payments connection settles that no
 * payout has settled once the settlement window has passed. They belong to the payments connection
 * (no payout), keyed by order, and close by themselves when a payout settles the order.
 */
export async function checkUnsettledOrders(ctx: Ctx, connectionId: string, settings: FinanceSettings): Promise<{ opened: number; closed: number }> {
  if (settings.settlementWindowDays <= 0 || settings.orderConnectionIds.length === 0) return { opened: 0, closed: 0 };
  const cutoff = new Date(ctx.now().getTime() - settings.settlementWindowDays * 86_400_000).toISOString();
  const db = q(ctx);
  const opened = await db.execute(sql`
    insert into finance_breaks (id, payout_id, connection_id, class, key, order_id, expected_minor, actual_minor, delta_minor, currency, detail)
    select 'brk_' || left(encode(sha256(convert_to(${connectionId}::text || '|unsettled_order|order:' || o.id::text, 'UTF8')), 'hex'), 24),
           null, ${connectionId}::uuid, 'unsettled_order', 'order:' || o.id, o.id, o.total_minor, 0, -o.total_minor, o.currency,
           jsonb_build_object('orderNumber', o.number, 'placedAt', o.placed_at, 'windowDays', ${settings.settlementWindowDays}::int)
    from orders o
    where o.connection_id = any(${pgArray(settings.orderConnectionIds, 'uuid')}) and o.financial_status = 'paid' and o.status <> 'cancelled'
      and o.placed_at < ${cutoff}
      and not exists (select 1 from payout_lines l where l.matched_order_id = o.id)
    on conflict (id) do nothing
    returning id`);
  const closed = await db.execute(sql`
    update finance_breaks b set status = 'resolved', note = 'settled by a payout', resolved_by = 'system', resolved_at = now(), updated_at = now()
    where b.connection_id = ${connectionId} and b.class = 'unsettled_order' and b.status = 'open'
      and exists (select 1 from payout_lines l where l.matched_order_id = b.order_id)
    returning id`);
  return { opened: opened.rows.length, closed: closed.rows.length };
}
