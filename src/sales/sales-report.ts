import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { ValidationError, zodFieldErrors } from '../errors';

export const reportGroupings = ['channel', 'sku', 'customer', 'day', 'week', 'month'] as const;

const DateOrTime = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), 'a date (YYYY-MM-DD) or an ISO-8601 time');

export const SalesReportQuery = z.object({
  groupBy: z.enum(reportGroupings).default('day'),
  /** Inclusive start of the period (order placed at), UTC. Default: 30 days before `to`. */
  from: DateOrTime.optional(),
  /** Exclusive end; a bare date includes that whole day. Default: now. */
  to: DateOrTime.optional(),
  connectionId: z.string().uuid().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  /** How many top SKUs / customers to list. */
  top: z.coerce.number().int().min(1).max(100).default(10),
});
export type SalesReportQuery = z.input<typeof SalesReportQuery>;

export interface SalesReportRow {
  key: string | null;
  currency: string;
  orders: number;
  units: number;
  grossSalesMinor: number;
  discountsMinor: number;
  /** Gross sales − discounts (tax and shipping excluded). */
  revenueMinor: number;
  refundsMinor: number;
  /** Revenue − refunds. */
  netRevenueMinor: number;
  /** Payment fees of payout lines matched to these orders, in the order's currency (not attributable per SKU: 0). */
  feesMinor: number;
  /** Unit cost × units sold, less restocked returned units; lines without a cost in this currency count 0 (see costComplete). */
  cogsMinor: number;
  /** Net revenue − COGS. */
  grossMarginMinor: number;
  /** Gross margin ÷ net revenue (null when net revenue is 0). */
  marginRate: number | null;
  /** Revenue ÷ orders, rounded. */
  aovMinor: number;
  returnedUnits: number;
  /** Returned units ÷ units sold. */
  returnRate: number | null;
  /** False when some units had no unit cost in the order's currency. */
  costComplete: boolean;
}

export interface SalesReport {
  groupBy: (typeof reportGroupings)[number];
  from: string;
  to: string;
  rows: SalesReportRow[];
  totals: SalesReportRow[];
  /** By net revenue (after refunds), per currency. */
  topSkus: Array<{ sku: string; currency: string; units: number; netRevenueMinor: number }>;
  topCustomers: Array<{ customer: string; currency: string; orders: number; netRevenueMinor: number }>;
}

const KEY: Record<string, string> = {
  channel: 'f.channel',
  customer: 'f.customer_email',
  day: `to_char(f.placed_at at time zone 'UTC', 'YYYY-MM-DD')`,
  week: `to_char(date_trunc('week', f.placed_at at time zone 'UTC'), 'YYYY-MM-DD')`,
  month: `to_char(f.placed_at at time zone 'UTC', 'YYYY-MM')`,
  sku: 'f.sku',
};

/**
 * Sales per channel, SKU, customer (normalised email) or period, one row per (group, currency):
 * amounts in different currencies are never added. Orders are taken by `placed_at` in [from, to);
 * cancelled orders are left out; returns and refunds count in the period of their order (a cohort
 * view, so the return rate compares like with like).
 */
export async function salesReport(ctx: Ctx, input: unknown): Promise<SalesReport> {
  const p = SalesReportQuery.safeParse(input ?? {});
  if (!p.success) throw new ValidationError(zodFieldErrors(p.error.issues));
  const r = p.data;
  const to = r.to ? endOf(r.to) : ctx.now();
  const from = r.from ? new Date(r.from) : new Date(to.getTime() - 30 * 86_400_000);
  if (from >= to) throw new ValidationError([{ path: 'from', message: 'must be before to' }]);

  // One fact row per (order, sku): what was sold, returned, refunded and what it cost.
  const facts = sql`
    o as (
      select id, channel, currency, customer_email, placed_at, subtotal_minor, discount_minor, item_count
      from orders
      where placed_at >= ${from.toISOString()}::timestamptz and placed_at < ${to.toISOString()}::timestamptz
        and status <> 'cancelled'
        ${r.connectionId ? sql`and connection_id = ${r.connectionId}` : sql``}
        ${r.currency ? sql`and currency = ${r.currency}` : sql``}
    ),
    l as (
      select l.order_id, coalesce(l.sku, '') as sku, sum(l.quantity)::bigint as qty,
        sum(l.unit_price_minor * l.quantity)::bigint as gross, sum(l.discount_minor)::bigint as disc
      from order_lines l join o on o.id = l.order_id group by 1, 2
    ),
    rt as (
      select r.order_id, rl.sku, sum(rl.quantity)::bigint as qty, sum(rl.restocked_quantity)::bigint as restocked,
        sum(rl.refund_minor)::bigint as refund
      from order_return_lines rl join order_returns r on r.id = rl.return_id join o on o.id = r.order_id
      where r.status <> 'cancelled' group by 1, 2
    ),
    f as (
      select o.id as order_id, o.channel, o.currency, o.customer_email, o.placed_at, l.sku, l.qty, l.gross, l.disc,
        coalesce(rt.qty, 0) as ret_qty, coalesce(rt.refund, 0) as refund,
        (l.qty - coalesce(rt.restocked, 0)) * coalesce(pr.unit_cost_minor, 0) as cogs,
        (pr.unit_cost_minor is not null) as has_cost
      from l join o on o.id = l.order_id
      left join rt on rt.order_id = l.order_id and rt.sku = l.sku
      left join products pr on pr.sku = l.sku and pr.currency = o.currency
    )`;

  const grouped = async (keyExpr: string | null) => {
    if (keyExpr === KEY.sku) {
      const res = await q(ctx).execute(sql`
        with ${facts}
        select ${sql.raw(keyExpr)} as key, f.currency, count(distinct f.order_id)::bigint as orders, sum(f.qty)::bigint as units,
          sum(f.gross)::bigint as gross, sum(f.disc)::bigint as disc, sum(f.refund)::bigint as refunds, 0::bigint as fees,
          sum(f.cogs)::bigint as cogs, sum(f.ret_qty)::bigint as returned, bool_and(f.has_cost) as cost_complete
        from f group by 1, 2 order by 2, 1`);
      return res.rows as unknown as RawRow[];
    }
    // Per order first (order-level subtotal, discount and payout fees), then per group.
    const res = await q(ctx).execute(sql`
      with ${facts},
      fo as (
        select f.order_id, f.channel, f.currency, f.customer_email, f.placed_at, sum(f.qty) as units, sum(f.refund) as refunds,
          sum(f.cogs) as cogs, sum(f.ret_qty) as returned, bool_and(f.has_cost or f.sku = '') as cost_complete
        from f group by 1, 2, 3, 4, 5
      ),
      fees as (
        select pl.matched_order_id as order_id, sum(pl.fee_minor)::bigint as fees
        from payout_lines pl join o on o.id = pl.matched_order_id and pl.currency = o.currency group by 1
      ),
      g as (
        select o.id as order_id, o.channel, o.currency, o.customer_email, o.placed_at, o.subtotal_minor as gross, o.discount_minor as disc,
          coalesce(fo.units, o.item_count) as units, coalesce(fo.refunds, 0) as refunds, coalesce(fo.cogs, 0) as cogs,
          coalesce(fo.returned, 0) as returned, coalesce(fo.cost_complete, true) as cost_complete, coalesce(fees.fees, 0) as fees
        from o left join fo on fo.order_id = o.id left join fees on fees.order_id = o.id
      )
      select ${sql.raw(keyExpr ? keyExpr.replace(/\bf\./g, 'g.') : `'total'`)} as key, g.currency, count(*)::bigint as orders,
        sum(g.units)::bigint as units, sum(g.gross)::bigint as gross, sum(g.disc)::bigint as disc, sum(g.refunds)::bigint as refunds,
        sum(g.fees)::bigint as fees, sum(g.cogs)::bigint as cogs, sum(g.returned)::bigint as returned, bool_and(g.cost_complete) as cost_complete
      from g group by 1, 2 order by 2, 1`);
    return res.rows as unknown as RawRow[];
  };

  const rows = (await grouped(KEY[r.groupBy]!)).map(toRow);
  const totals = (await grouped(null)).map((x) => ({ ...toRow(x), key: null }));
  const top = await q(ctx).execute(sql`
    with ${facts},
    s as (select sku, currency, sum(qty)::bigint as units, sum(gross - disc - refund)::bigint as revenue,
            row_number() over (partition by currency order by sum(gross - disc - refund) desc, sku) as n
          from f where sku <> '' group by 1, 2)
    select sku, currency, units, revenue from s where n <= ${r.top} order by currency, n`);
  const topC = await q(ctx).execute(sql`
    with ${facts},
    rf as (select order_id, sum(refund)::bigint as refund from f group by 1),
    c as (select o.customer_email, o.currency, count(*)::bigint as orders,
            sum(o.subtotal_minor - o.discount_minor - coalesce(rf.refund, 0))::bigint as revenue,
            row_number() over (partition by o.currency order by sum(o.subtotal_minor - o.discount_minor - coalesce(rf.refund, 0)) desc, o.customer_email) as n
          from o left join rf on rf.order_id = o.id where o.customer_email is not null group by 1, 2)
    select customer_email, currency, orders, revenue from c where n <= ${r.top} order by currency, n`);
  return {
    groupBy: r.groupBy, from: from.toISOString(), to: to.toISOString(), rows, totals,
    topSkus: (top.rows as Array<Record<string, unknown>>).map((x) => ({ sku: String(x.sku), currency: String(x.currency), units: Number(x.units), netRevenueMinor: Number(x.revenue) })),
    topCustomers: (topC.rows as Array<Record<string, unknown>>).map((x) => ({ customer: String(x.customer_email), currency: String(x.currency), orders: Number(x.orders), netRevenueMinor: Number(x.revenue) })),
  };
}

interface RawRow { key: string | null; currency: string; orders: unknown; units: unknown; gross: unknown; disc: unknown; refunds: unknown; fees: unknown; cogs: unknown; returned: unknown; cost_complete: unknown }

function toRow(x: RawRow): SalesReportRow {
  const n = (v: unknown) => Number(v ?? 0);
  const orders = n(x.orders);
  const units = n(x.units);
  const revenue = n(x.gross) - n(x.disc);
  const net = revenue - n(x.refunds);
  const margin = net - n(x.cogs);
  return {
    key: x.key === '' ? null : x.key, currency: x.currency, orders, units, grossSalesMinor: n(x.gross), discountsMinor: n(x.disc),
    revenueMinor: revenue, refundsMinor: n(x.refunds), netRevenueMinor: net, feesMinor: n(x.fees), cogsMinor: n(x.cogs),
    grossMarginMinor: margin, marginRate: net !== 0 ? round4(margin / net) : null, aovMinor: orders ? Math.round(revenue / orders) : 0,
    returnedUnits: n(x.returned), returnRate: units ? round4(n(x.returned) / units) : null,
    costComplete: x.cost_complete === true || x.cost_complete === 't',
  };
}

const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

/** A bare date as `to` means "up to the end of that day". */
/**
 * Every period of a time grouping from `from` (inclusive) to `to` (exclusive), keyed as the report keys
 * its rows (UTC days, Monday-based weeks, months), so a chart can show the periods that sold nothing.
 * Empty for the other groupings, and when there would be more than `max` periods.
 * @example periodKeys('day', '2026-11-01T00:00:00Z', '2026-11-04T00:00:00Z') // ['2026-11-01', '2026-11-02', '2026-11-03']
 */
export function periodKeys(groupBy: SalesReport['groupBy'], from: string, to: string, max = 400): string[] {
  if (groupBy !== 'day' && groupBy !== 'week' && groupBy !== 'month') return [];
  const start = new Date(from);
  const end = new Date(to).getTime();
  if (Number.isNaN(start.getTime()) || Number.isNaN(end)) return [];
  const keys: string[] = [];
  if (groupBy === 'month') {
    for (let y = start.getUTCFullYear(), m = start.getUTCMonth(); Date.UTC(y, m, 1) < end; m === 11 ? (y++, (m = 0)) : m++) {
      if (keys.length >= max) return [];
      keys.push(`${y}-${String(m + 1).padStart(2, '0')}`);
    }
    return keys;
  }
  const DAY = 86_400_000;
  let t = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  if (groupBy === 'week') t -= ((new Date(t).getUTCDay() + 6) % 7) * DAY;
  for (const step = groupBy === 'week' ? 7 * DAY : DAY; t < end; t += step) {
    if (keys.length >= max) return [];
    keys.push(new Date(t).toISOString().slice(0, 10));
  }
  return keys;
}

function endOf(s: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(Date.parse(`${s}T00:00:00Z`) + 86_400_000) : new Date(s);
}

/** Column order of the CSV export (the header row is localised by the caller). */
export const reportCsvColumns = [
  'key', 'currency', 'orders', 'units', 'grossSalesMinor', 'discountsMinor', 'revenueMinor', 'refundsMinor', 'netRevenueMinor',
  'feesMinor', 'cogsMinor', 'grossMarginMinor', 'marginRate', 'aovMinor', 'returnedUnits', 'returnRate',
] as const;
