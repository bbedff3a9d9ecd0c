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
 * Inbox sidebar counts by status, allocation, exception and channel. The sidebar loads them in a
 * separate request so the table never waits; they are cached for a few seconds per database, as
 * a count that lags a moment behind is fine and a million-row scan per page view is not.
 */
export async function countOrders(ctx: Ctx, opts: { maxAgeMs?: number } = {}): Promise<OrderCounts> {
  const maxAge = opts.maxAgeMs ?? 5000;
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
  const db = q(ctx);
  const [grouped, exceptions] = await Promise.all([
    db.execute(sql`
      select status, allocation_status, channel, count(*)::bigint as n
      from orders group by status, allocation_status, channel`),
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
