import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';

export const OrdersPerDayInput = z.object({ days: z.number().int().min(1).max(366).default(14) });

/**
 * Orders placed per channel per calendar day in the business time zone, for the dashboard chart.
 * Days without orders are filled in, so the chart's axis is continuous.
 */
export async function ordersPerDay(ctx: Ctx, input: unknown = {}) {
  const { days } = OrdersPerDayInput.parse(input ?? {});
  const tz = ctx.config.timezone;
  const res = await q(ctx).execute(sql`
    select to_char((placed_at at time zone ${tz})::date, 'YYYY-MM-DD') as day, channel, count(*)::bigint as n,
      sum(total_minor)::bigint as total, min(currency) as currency
    from orders
    where placed_at >= (date_trunc('day', now() at time zone ${tz}) - make_interval(days => ${days - 1})) at time zone ${tz}
    group by 1, 2 order by 1, 2`);
  const today = new Date(ctx.now());
  const dayList: string[] = [];
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
  for (let i = days - 1; i >= 0; i--) dayList.push(fmt.format(new Date(today.getTime() - i * 86400_000)));
  const channels = new Map<string, number[]>();
  for (const r of res.rows as Array<{ day: string; channel: string; n: string | number }>) {
    const idx = dayList.indexOf(r.day);
    if (idx < 0) continue;
    const series = channels.get(r.channel) ?? new Array<number>(days).fill(0);
    series[idx] = Number(r.n);
    channels.set(r.channel, series);
  }
  return { days: dayList, series: [...channels].map(([channel, counts]) => ({ channel, counts })) };
}
