import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { emitEvents } from '../outbound/emit-event';
import { refreshCustomerStats } from './customer-stats';
import { resolveAllUnlinked } from './resolve-customers';

/** The named RFM segments, in the order their rules are tried. */
export const rfmSegments = ['champions', 'new', 'loyal', 'at_risk', 'lost', 'other'] as const;
export type RfmSegment = (typeof rfmSegments)[number];

/**
 * The segment rules (mirrors the SQL CASE in `computeRfm`; scores are quintiles 1–5, 5 best):
 * champions R≥4 F≥4 M≥4 · new: one order, R≥4 · loyal R≥3 F≥3 · at risk R≤2 F≥3 · lost R≤2 · other.
 */
export function rfmSegment(r: number, f: number, m: number, orderCount: number): RfmSegment {
  if (r >= 4 && f >= 4 && m >= 4) return 'champions';
  if (orderCount === 1 && r >= 4) return 'new';
  if (r >= 3 && f >= 3) return 'loyal';
  if (r <= 2 && f >= 3) return 'at_risk';
  if (r <= 2) return 'lost';
  return 'other';
}

export interface RfmResult {
  scored: number;
  changed: Array<{ customerId: string; segment: string; previous: string | null }>;
  ms: { stats: number; scores: number };
}

/**
 * Scores every active customer with orders: R (last order), F (order count), M (monetary) each in
 * quintiles with `ntile(5)`, then ties harmonised (equal values get the same score, the lowest bucket
 * their group reached) so two customers who behave the same never score differently. One UPDATE.
 */
export async function computeRfm(ctx: Ctx, opts: { refreshStats?: boolean } = {}): Promise<RfmResult> {
  const t0 = performance.now();
  if (opts.refreshStats !== false) await refreshCustomerStats(ctx);
  const t1 = performance.now();
  const now = ctx.now().toISOString();
  const res = await q(ctx).execute(sql`
    with base as (
      select id, last_order_at, order_count, monetary, segment as prev
      from customers where status = 'active' and order_count > 0
    ), nt as (
      select id, last_order_at, order_count, monetary, prev,
        ntile(5) over (order by last_order_at, id) as r0,
        ntile(5) over (order by order_count, id) as f0,
        ntile(5) over (order by monetary, id) as m0
      from base
    ), tie as (
      select id, order_count, prev,
        min(r0) over (partition by last_order_at) as r,
        min(f0) over (partition by order_count) as f,
        min(m0) over (partition by monetary) as m
      from nt
    ), scored as (
      select id, prev, r, f, m,
        case
          when r >= 4 and f >= 4 and m >= 4 then 'champions'
          when order_count = 1 and r >= 4 then 'new'
          when r >= 3 and f >= 3 then 'loyal'
          when r <= 2 and f >= 3 then 'at_risk'
          when r <= 2 then 'lost'
          else 'other'
        end as seg
      from tie
    ), u as (
      update customers c set r_score = s.r, f_score = s.f, m_score = s.m, segment = s.seg, rfm_at = ${now}::timestamptz
      from scored s where c.id = s.id
      returning c.id, s.seg, s.prev
    ), cleared as (
      -- Customers left without counted orders (all cancelled, merged away) lose their scores.
      update customers c set r_score = null, f_score = null, m_score = null, segment = null, rfm_at = ${now}::timestamptz
      where (c.order_count = 0 or c.status <> 'active') and c.segment is not null
      returning c.id
    )
    select (select count(*)::int from u) as scored,
      coalesce((select jsonb_agg(jsonb_build_object('customerId', id, 'segment', seg, 'previous', prev)) from u
        where seg is distinct from prev), '[]'::jsonb) as changed,
      (select count(*)::int from cleared) as cleared`);
  const row = res.rows[0] as { scored: number; changed: RfmResult['changed'] | string };
  const changed = typeof row.changed === 'string' ? JSON.parse(row.changed) : row.changed;
  return { scored: row.scored, changed, ms: { stats: t1 - t0, scores: performance.now() - t1 } };
}

/**
 * The nightly job: link orders a lost enqueue left unlinked, refresh stats, rescore, and publish
 * `customer.segment_entered` for every customer whose segment changed (in chunks).
 */
export async function runNightlyRfm(ctx: Ctx): Promise<RfmResult> {
  await resolveAllUnlinked(ctx);
  const r = await computeRfm(ctx);
  for (let i = 0; i < r.changed.length; i += 1000) {
    await emitEvents(ctx, r.changed.slice(i, i + 1000).map((c) => ({
      type: 'customer.segment_entered' as const,
      data: { customerId: c.customerId, segment: c.segment, previousSegment: c.previous },
    })));
  }
  ctx.log.info({ scored: r.scored, changed: r.changed.length, ms: r.ms }, 'customer RFM recomputed');
  return r;
}

/** How many active customers each RFM segment holds (for the segments screen). */
export async function segmentCounts(ctx: Ctx): Promise<Array<{ segment: string; customers: number }>> {
  const res = await q(ctx).execute(sql`select segment, count(*)::int as n from customers
    where status = 'active' and segment is not null group by segment`);
  const by = new Map((res.rows as Array<{ segment: string; n: number }>).map((r) => [r.segment, r.n]));
  return rfmSegments.map((s) => ({ segment: s, customers: by.get(s) ?? 0 }));
}
