import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';

export interface CustomerReturns {
  /** Orders of this customer with a refund or a return recorded by the channel. */
  ordersWithRefundOrReturn: number;
  /** Returns (RMA) booked in the hub for this customer's orders (cancelled ones left out). */
  returns: number | null;
}

/** The returns of a customer, for the profile: RMAs booked in the hub, and orders the channel marked refunded/returned. */
export async function customerReturns(ctx: Ctx, customerId: string): Promise<CustomerReturns> {
  const res = await q(ctx).execute(sql`
    select
      (select count(*)::int from customer_orders co join orders o on o.id = co.order_id
        where co.customer_id = ${customerId}
          and (o.financial_status in ('refunded', 'partially_refunded') or o.fulfillment_status = 'returned')) as n,
      (select count(*)::int from customer_orders co join order_returns r on r.order_id = co.order_id
        where co.customer_id = ${customerId} and r.status <> 'cancelled') as rmas`);
  const row = res.rows[0] as { n: number; rmas: number };
  return { ordersWithRefundOrReturn: Number(row.n), returns: Number(row.rmas) };
}
