import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';

export const AllocationBacklogInput = z.object({ days: z.number().int().min(1).max(366).default(14) });

/** The allocation states that still wait for stock. */
export const backlogStates = ['pending', 'partial', 'backordered'] as const;

/**
 * Orders still waiting for stock (open or on hold, not fully allocated), by the day they were placed
 * and by allocation state, plus how many such orders are older than the window. The window is read
 * through the placed-at index; the older tail is one bounded count.
 */
export async function allocationBacklog(ctx: Ctx, input: unknown = {}) {
  const { days } = AllocationBacklogInput.parse(input ?? {});
  const tz = ctx.config.timezone;
  const since = sql`(date_trunc('day', ${ctx.now().toISOString()}::timestamptz at time zone ${tz}) - make_interval(days => ${days - 1})) at time zone ${tz}`;
  const waiting = sql`status in ('open', 'on_hold') and allocation_status in ('pending', 'partial', 'backordered')`;
  const res = await q(ctx).execute(sql`
    select to_char((placed_at at time zone ${tz})::date, 'YYYY-MM-DD') as day, allocation_status as state, count(*)::bigint as n
    from orders where placed_at >= ${since} and ${waiting}
    group by 1, 2`);
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
  const now = ctx.now().getTime();
  const dayList: string[] = [];
  for (let i = days - 1; i >= 0; i--) dayList.push(fmt.format(new Date(now - i * 86400_000)));
  const index = new Map(dayList.map((d, i) => [d, i]));
  const series = backlogStates.map((state) => ({ state, values: new Array<number>(days).fill(0) }));
  for (const r of res.rows as Array<{ day: string; state: string; n: string | number }>) {
    const i = index.get(r.day);
    const s = series.find((x) => x.state === r.state);
    if (i !== undefined && s) s.values[i] = Number(r.n);
  }
  return { days: dayList, series };
}
