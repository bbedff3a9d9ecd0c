import { sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';

/** Minor-unit exponents that differ from 2, as SQL sees them (same table as src/domain/money.ts). */
const EXPONENTS_JSON = JSON.stringify({
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0, BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3, CLF: 4, UYW: 4,
});

/**
 * An order counts towards a customer's stats unless it was cancelled, voided or fully refunded.
 * (Partial refunds still count at their order total until returns carry refund amounts.)
 */
export const COUNTED_ORDER = sql`o.status <> 'cancelled' and o.financial_status not in ('refunded', 'voided')`;

/**
 * CTEs ending in `s(id, n, ltv, m, ch, f, l)`: the derived stats of the given customers (or of every
 * active one) from their counted orders. A few ids join the id list (index lookups); all is one hash
 * aggregation over every link.
 */
export function statsCtes(customerIds?: string[]): SQL {
  const ids = customerIds ? sql`ids as materialized (select distinct x::uuid as id from jsonb_array_elements_text(${JSON.stringify(customerIds)}::jsonb) as x),` : sql``;
  const fromLinks = customerIds ? sql`ids join customer_orders co on co.customer_id = ids.id` : sql`customer_orders co`;
  const onlyC = customerIds ? sql`join ids on ids.id = c.id` : sql`where c.status = 'active'`;
  return sql`${ids} per as (
      select co.customer_id, o.currency, o.channel, count(*)::int as n, sum(o.total_minor)::bigint as v,
        min(o.placed_at) as f, max(o.placed_at) as l
      from ${fromLinks} join orders o on o.id = co.order_id
      where ${COUNTED_ORDER}
      group by co.customer_id, o.currency, o.channel
    ), agg as (
      select customer_id, sum(n)::int as n, array_agg(distinct channel order by channel) as ch, min(f) as f, max(l) as l,
        sum(v / power(10::numeric, coalesce((${EXPONENTS_JSON}::jsonb ->> currency)::int, 2)))::numeric(20, 4) as m
      from per group by customer_id
    ), ltv as (
      select customer_id, jsonb_object_agg(currency, v) as ltv
      from (select customer_id, currency, sum(v)::bigint as v from per group by customer_id, currency) x
      group by customer_id
    ), s as (
      select c.id, coalesce(agg.n, 0) as n, coalesce(ltv.ltv, '{}'::jsonb) as ltv, coalesce(agg.m, 0) as m,
        coalesce(agg.ch, '{}'::text[]) as ch, agg.f, agg.l
      from customers c left join agg on agg.customer_id = c.id left join ltv on ltv.customer_id = c.id
      ${onlyC}
    )`;
}

/**
 * Recomputes the derived columns (order count, LTV per currency, monetary, channels, first/last order)
 * of the given customers, or of every customer: one UPDATE from one aggregation; unchanged rows are
 * not written.
 */
export async function refreshCustomerStats(ctx: Ctx, opts: { customerIds?: string[] } = {}): Promise<number> {
  if (opts.customerIds && opts.customerIds.length === 0) return 0;
  const res = await q(ctx).execute(sql`
    with ${statsCtes(opts.customerIds)}, u as (
    update customers c set order_count = s.n, ltv_by_currency = s.ltv, monetary = s.m, channels = s.ch,
      first_order_at = s.f, last_order_at = s.l, updated_at = now()
    from s where c.id = s.id
      and (c.order_count, c.ltv_by_currency, c.monetary, c.channels, c.first_order_at, c.last_order_at)
        is distinct from (s.n, s.ltv, s.m, s.ch, s.f, s.l)
    returning 1)
    select count(*)::int as n from u`);
  return (res.rows[0] as { n: number }).n;
}
