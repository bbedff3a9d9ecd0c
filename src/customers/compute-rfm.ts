import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q, withTransaction } from '../db/transaction';
import { inTx } from '../context';
import { emitEvents } from '../outbound/emit-event';
import { statsCtes } from './customer-stats';
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
  ms: number;
}

/**
 * Scores every active customer with orders: R (last order), F (order count), M (monetary) each in
 * quintiles with `ntile(5)`, then ties harmonised (equal values get the same score, the lowest bucket
 * their group reached) so two customers who behave the same never score differently. One UPDATE.
 */
export async function computeRfm(ctx: Ctx, opts: { refreshStats?: boolean } = {}): Promise<RfmResult> {
  return withTransaction(ctx, async (tx) => {
    // Sorting and hashing 200,000 customers / 1,000,000 orders in memory instead of spilling to disk.
    await tx.execute(sql`set local work_mem = '128MB'`);
    return scoreAll(inTx(ctx, tx), opts);
  });
}

async function scoreAll(ctx: Ctx, opts: { refreshStats?: boolean }): Promise<RfmResult> {
  const t0 = performance.now();
  const now = ctx.now().toISOString();
  // Stats and scores in one statement and one write per changed row: the stats are aggregated, scored
  // from the fresh values, and a row is written only when a stat or a score moved.
  const base = opts.refreshStats === false
    ? sql`base as (select id, order_count as n, ltv_by_currency as ltv, monetary as m, channels as ch, first_order_at as f, last_order_at as l,
        order_count, ltv_by_currency, monetary, channels, first_order_at, last_order_at, segment as prev, r_score, f_score, m_score
        from customers where status = 'active')`
    : sql`${statsCtes()}, base as (select s.*, c.order_count, c.ltv_by_currency, c.monetary, c.channels, c.first_order_at, c.last_order_at,
        c.segment as prev, c.r_score, c.f_score, c.m_score from s join customers c on c.id = s.id)`;
  const res = await q(ctx).execute(sql`
    with ${base}, nt as (
      select id, l, n, m,
        ntile(5) over (order by l, id) as r0,
        ntile(5) over (order by n, id) as f0,
        ntile(5) over (order by m, id) as m0
      from base where n > 0
    ), tie as (
      select id,
        min(r0) over (partition by l) as rq,
        min(f0) over (partition by n) as fq,
        min(m0) over (partition by m) as mq
      from nt
    ), scored as (
      select b.*, t.rq, t.fq, t.mq,
        case
          when t.rq is null then null
          when t.rq >= 4 and t.fq >= 4 and t.mq >= 4 then 'champions'
          when b.n = 1 and t.rq >= 4 then 'new'
          when t.rq >= 3 and t.fq >= 3 then 'loyal'
          when t.rq <= 2 and t.fq >= 3 then 'at_risk'
          when t.rq <= 2 then 'lost'
          else 'other'
        end as seg
      from base b left join tie t on t.id = b.id
    ), u as (
      update customers c set order_count = s.n, ltv_by_currency = s.ltv, monetary = s.m, channels = s.ch,
        first_order_at = s.f, last_order_at = s.l, r_score = s.rq, f_score = s.fq, m_score = s.mq, segment = s.seg,
        rfm_at = ${now}::timestamptz, updated_at = now()
      from scored s where c.id = s.id
        -- Only rows whose stats or scores moved are written: a nightly rerun rewrites a fraction of the table.
        and (s.order_count, s.ltv_by_currency, s.monetary, s.channels, s.first_order_at, s.last_order_at, s.r_score, s.f_score, s.m_score, s.prev)
          is distinct from (s.n, s.ltv, s.m, s.ch, s.f, s.l, s.rq, s.fq, s.mq, s.seg)
      returning c.id, s.seg, s.prev
    ), cleared as (
      -- Customers merged away lose their scores (their orders moved to the survivor).
      update customers c set r_score = null, f_score = null, m_score = null, segment = null, rfm_at = ${now}::timestamptz
      where c.status <> 'active' and c.segment is not null
      returning c.id
    )
    select (select count(*)::int from scored where rq is not null) as scored,
      coalesce((select jsonb_agg(jsonb_build_object('customerId', id, 'segment', seg, 'previous', prev)) from u
        where seg is distinct from prev), '[]'::jsonb) as changed,
      (select count(*)::int from cleared) as cleared`);
  const row = res.rows[0] as { scored: number; changed: RfmResult['changed'] | string };
  const changed = typeof row.changed === 'string' ? JSON.parse(row.changed) : row.changed;
  return { scored: row.scored, changed, ms: performance.now() - t0 };
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
