import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';

export interface CustomerReturns {
  /** Orders of this customer with a refund or a return recorded by the channel. */
  ordersWithRefundOrReturn: number;
  /** Returns (RMA) booked in the hub; null until the returns module provides them. */
  returns: number | null;
}

/**
 * The returns of a customer, for the profile. HOOK for the returns (RMA) module: once it has a table
 * linked to orders, count its rows here (join through `customer_orders`) and fill `returns`; the
 * profile, the API and the UI already show the field. Until then the channel's own statuses count.
 */
export async function customerReturns(ctx: Ctx, customerId: string): Promise<CustomerReturns> {
  const res = await q(ctx).execute(sql`
    select count(*)::int as n from customer_orders co join orders o on o.id = co.order_id
    where co.customer_id = ${customerId}
      and (o.financial_status in ('refunded', 'partially_refunded') or o.fulfillment_status = 'returned')`);
  return { ordersWithRefundOrReturn: (res.rows[0] as { n: number }).n, returns: null };
}
