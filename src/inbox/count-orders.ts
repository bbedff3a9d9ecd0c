import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';

export interface OrderCounts {
  total: number;
  status: Record<string, number>;
  allocationStatus: Record<string, number>;
  exception: Record<string, number>;
  channel: Record<string, number>;
}

const cache = new WeakMap<object, { at: number; value: Promise<OrderCounts> }>();

/**
 * Inbox sidebar counts by status, allocation, exception and channel, read from the maintained count
 * tables (milliseconds at a million orders). The sidebar still loads them in a separate request so
 * the table never waits, and a one-second cache spares the database a burst of page views.
 */
export async function countOrders(ctx: Ctx, opts: { maxAgeMs?: number } = {}): Promise<OrderCounts> {
  const maxAge = opts.maxAgeMs ?? 1000;
  const hit = cache.get(ctx.db);
  if (hit && Date.now() - hit.at < maxAge) return hit.value;
  const value = compute(ctx);
  cache.set(ctx.db, { at: Date.now(), value });
  value.catch(() => cache.delete(ctx.db));
  return value;
}

/** Forgets the cached counts, after an action that changed orders (the person who acted expects to see it). */
export function invalidateOrderCounts(ctx: Ctx): void {
  cache.delete(ctx.db);
}

async function compute(ctx: Ctx): Promise<OrderCounts> {
  // Base + the deltas not folded yet, in one statement (one snapshot): exact, and a few hundred rows
  // at most, whatever the number of orders (the triggers of migration 0007 keep both tables).
  const res = await q(ctx).execute(sql`
    select dim, value, sum(n)::bigint as n from (
      select dim, value, n from order_counts
      union all
      select dim, value, n from order_count_deltas
    ) c group by dim, value having sum(n) <> 0`);
  const out: OrderCounts = { total: 0, status: {}, allocationStatus: {}, exception: {}, channel: {} };
  const into: Record<string, Record<string, number>> = { status: out.status, allocation: out.allocationStatus, exception: out.exception, channel: out.channel };
  for (const r of res.rows as Array<{ dim: string; value: string; n: string | number }>) {
    if (r.dim === 'total') out.total = Number(r.n);
    else if (into[r.dim]) into[r.dim]![r.value] = Number(r.n);
  }
  return out;
}

/**
 * Folds the appended count deltas into the base counts (the `inbox.fold-counts` job). One statement:
 * the deltas it deletes are the ones it adds, and deltas of transactions still running stay for the
 * next fold. Two folds at once cannot count a delta twice (the second finds it deleted).
 */
export async function foldOrderCounts(ctx: Ctx): Promise<number> {
  const res = await q(ctx).execute(sql`
    with moved as (delete from order_count_deltas returning dim, value, n),
    folded as (
      insert into order_counts (dim, value, n)
      select dim, value, sum(n) from moved group by dim, value
      on conflict (dim, value) do update set n = order_counts.n + excluded.n
      returning 1)
    select (select count(*) from moved)::int as moved`);
  return Number((res.rows[0] as { moved: number } | undefined)?.moved ?? 0);
}

/** The counts recomputed from the orders themselves (tests and `stock.reconcile`-style checks compare the two). */
export async function recountOrders(ctx: Ctx): Promise<OrderCounts> {
  const db = q(ctx);
  const [grouped, exceptions] = await Promise.all([
    db.execute(sql`select status, allocation_status, channel, count(*)::bigint as n from orders group by status, allocation_status, channel`),
    db.execute(sql`select e, count(*)::bigint as n from orders, unnest(exceptions) e where status <> 'cancelled' group by e`),
  ]);
  const out: OrderCounts = { total: 0, status: {}, allocationStatus: {}, exception: {}, channel: {} };
  for (const r of grouped.rows as Array<{ status: string; allocation_status: string; channel: string; n: string | number }>) {
    const n = Number(r.n);
    out.total += n;
    out.status[r.status] = (out.status[r.status] ?? 0) + n;
    out.allocationStatus[r.allocation_status] = (out.allocationStatus[r.allocation_status] ?? 0) + n;
    out.channel[r.channel] = (out.channel[r.channel] ?? 0) + n;
  }
  for (const r of exceptions.rows as Array<{ e: string; n: string | number }>) out.exception[r.e] = Number(r.n);
  return out;
}
