import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';

export const SalesPerDayInput = z.object({ days: z.number().int().min(1).max(366).default(14) });

export interface SalesPerDay {
  /** Calendar days (YYYY-MM-DD) in the business time zone, oldest first, without gaps. */
  days: string[];
  /** Orders placed per channel per day (cancelled ones included: they were placed). */
  orders: Array<{ channel: string; values: number[] }>;
  /** Revenue (order totals, cancelled orders left out) per currency, then per channel: currencies are never added together. */
  revenue: Array<{ currency: string; series: Array<{ channel: string; values: number[] }> }>;
}

/**
 * Orders and revenue per channel per day for the dashboard, in one grouped scan of the placed-at
 * index bounded to the window (a million-order inbox reads only the window's rows).
 */
export async function salesPerDay(ctx: Ctx, input: unknown = {}): Promise<SalesPerDay> {
  const { days } = SalesPerDayInput.parse(input ?? {});
  const tz = ctx.config.timezone;
  const res = await q(ctx).execute(sql`
    select to_char((placed_at at time zone ${tz})::date, 'YYYY-MM-DD') as day, channel, currency,
      count(*)::bigint as n, coalesce(sum(total_minor) filter (where status <> 'cancelled'), 0)::bigint as revenue
    from orders
    where placed_at >= (date_trunc('day', ${ctx.now().toISOString()}::timestamptz at time zone ${tz}) - make_interval(days => ${days - 1})) at time zone ${tz}
    group by 1, 2, 3`);
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
  const now = ctx.now().getTime();
  const dayList: string[] = [];
  for (let i = days - 1; i >= 0; i--) dayList.push(fmt.format(new Date(now - i * 86400_000)));
  const index = new Map(dayList.map((d, i) => [d, i]));
  const orders = new Map<string, number[]>();
  const revenue = new Map<string, Map<string, number[]>>();
  const row = () => new Array<number>(days).fill(0);
  for (const r of res.rows as Array<{ day: string; channel: string; currency: string; n: string | number; revenue: string | number }>) {
    const i = index.get(r.day);
    if (i === undefined) continue;
    const o = orders.get(r.channel) ?? row();
    o[i] = (o[i] ?? 0) + Number(r.n);
    orders.set(r.channel, o);
    const byChannel = revenue.get(r.currency) ?? new Map<string, number[]>();
    const v = byChannel.get(r.channel) ?? row();
    v[i] = (v[i] ?? 0) + Number(r.revenue);
    byChannel.set(r.channel, v);
    revenue.set(r.currency, byChannel);
  }
  const byName = <T extends { channel: string }>(a: T, b: T) => a.channel.localeCompare(b.channel);
  return {
    days: dayList,
    orders: [...orders].map(([channel, values]) => ({ channel, values })).sort(byName),
    revenue: [...revenue].sort(([a], [b]) => a.localeCompare(b)).map(([currency, m]) => ({
      currency, series: [...m].map(([channel, values]) => ({ channel, values })).sort(byName),
    })),
  };
}
