import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { decodeKeyset, encodeKeyset, keysetInt } from '../db/keyset';
import { q, withTransaction } from '../db/transaction';
import { chooseForecast, MIN_HISTORY_DAYS } from '../domain/forecast';
import { ValidationError, zodFieldErrors } from '../errors';

export const ComputeForecastsInput = z.object({
  /** Days of order history to learn from (ending yesterday, UTC). */
  historyDays: z.number().int().min(MIN_HISTORY_DAYS).max(730).default(182),
  /** Days to forecast. */
  horizonDays: z.number().int().min(1).max(182).default(28),
  /** Only this SKU (default: every active product). */
  sku: z.string().min(1).max(200).optional(),
});

const DAY = 86_400_000;

/**
 * Computes and stores the demand forecast of every active SKU, over all warehouses (scope `all`, from
 * order lines by day placed) and per warehouse (from the units allocated there, by day placed).
 * Days before a series' first demand are dropped (a new SKU is not "zero for months"); series with
 * less than three weeks of history get no forecast, and their old one is removed.
 */
export async function computeForecasts(ctx: Ctx, input: unknown = {}): Promise<{ computed: number; skipped: number; startDate: string }> {
  const parsed = ComputeForecastsInput.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const p = parsed.data;
  const today = Math.floor(ctx.now().getTime() / DAY) * DAY;
  const since = new Date(today - p.historyDays * DAY).toISOString();
  const until = new Date(today).toISOString();
  const db = q(ctx);
  const skuFilter = p.sku ? sql`and l.sku = ${p.sku}` : sql``;
  const total = await db.execute(sql`
    select l.sku, 'all' as scope, (floor(extract(epoch from (o.placed_at - ${since}::timestamptz)) / 86400))::int as day, sum(l.quantity)::int as units
    from order_lines l join orders o on o.id = l.order_id join products pr on pr.sku = l.sku and pr.active
    where o.placed_at >= ${since}::timestamptz and o.placed_at < ${until}::timestamptz and o.status <> 'cancelled' ${skuFilter}
    group by 1, 2, 3`);
  const perWh = await db.execute(sql`
    select l.sku, l.warehouse_id::text as scope, (floor(extract(epoch from (o.placed_at - ${since}::timestamptz)) / 86400))::int as day,
      sum(l.quantity + l.fulfilled_quantity)::int as units
    from reservations l join orders o on o.id = l.order_id join products pr on pr.sku = l.sku and pr.active
    where o.placed_at >= ${since}::timestamptz and o.placed_at < ${until}::timestamptz and o.status <> 'cancelled' ${skuFilter}
    group by 1, 2, 3`);
  const series = new Map<string, { sku: string; scope: string; y: number[] }>();
  for (const r of [...total.rows, ...perWh.rows] as Array<{ sku: string; scope: string; day: number; units: number }>) {
    const k = `${r.sku}\u0000${r.scope}`;
    let s = series.get(k);
    if (!s) series.set(k, (s = { sku: r.sku, scope: r.scope, y: new Array<number>(p.historyDays).fill(0) }));
    const d = Number(r.day);
    if (d >= 0 && d < p.historyDays) s.y[d] = (s.y[d] ?? 0) + Number(r.units);
  }
  const startDate = new Date(today).toISOString().slice(0, 10);
  const rows: unknown[] = [];
  let skipped = 0;
  for (const s of series.values()) {
    const first = s.y.findIndex((x) => x > 0);
    const f = first < 0 ? null : chooseForecast(s.y.slice(first), p.horizonDays);
    if (!f) {
      skipped++;
      continue;
    }
    const r4 = (v: number) => Math.round(v * 10_000) / 10_000;
    rows.push({
      sku: s.sku, scope: s.scope, method: f.method, rmse: r4(f.rmse), mae: r4(f.mae), mase: f.mase === null ? null : r4(f.mase),
      naive_rmse: r4(f.naiveRmse), candidates: Object.fromEntries(Object.entries(f.candidates).map(([m, v]) => [m, r4(v!)])),
      history_days: s.y.length - first, horizon_days: p.horizonDays, daily_mean: r4(f.dailyMean), start_date: startDate, daily: f.daily.map(r4),
    });
  }
  await withTransaction(ctx, async (tx) => {
    await tx.execute(p.sku ? sql`delete from demand_forecasts where sku = ${p.sku}` : sql`delete from demand_forecasts`);
    for (let i = 0; i < rows.length; i += 1000) {
      await tx.execute(sql`
        insert into demand_forecasts (sku, scope, method, rmse, mae, mase, naive_rmse, candidates, history_days, horizon_days, daily_mean, start_date, daily)
        select sku, scope, method, rmse, mae, mase, naive_rmse, candidates, history_days, horizon_days, daily_mean, start_date, daily
        from jsonb_to_recordset(${JSON.stringify(rows.slice(i, i + 1000))}::jsonb) as x(sku text, scope text, method text, rmse float8,
          mae float8, mase float8, naive_rmse float8, candidates jsonb, history_days int, horizon_days int, daily_mean float8,
          start_date text, daily jsonb)`);
    }
  });
  return { computed: rows.length, skipped, startDate };
}

export const ForecastsQuery = z.object({
  sku: z.string().min(1).max(200).optional(),
  cursor: z.string().max(600).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export interface StoredForecast {
  sku: string; scope: string; warehouse: string | null; method: string; rmse: number; mae: number; mase: number | null; naiveRmse: number;
  candidates: Record<string, number>; historyDays: number; horizonDays: number; dailyMean: number; startDate: string; daily: number[]; computedAt: string;
}

/** Stored forecasts by SKU (scope `all` first, then per warehouse by code), keyset-paginated (`cursor` → `nextCursor`). */
export async function listForecasts(ctx: Ctx, input: unknown): Promise<{ items: StoredForecast[]; nextCursor: string | null }> {
  const p = ForecastsQuery.safeParse(input ?? {});
  if (!p.success) throw new ValidationError(zodFieldErrors(p.error.issues));
  const where: SQL[] = [sql`true`];
  if (p.data.sku) where.push(sql`f.sku = ${p.data.sku}`);
  if (p.data.cursor) {
    const [sku, rank, code] = decodeKeyset(p.data.cursor, 3) as [string, string, string];
    where.push(sql`(f.sku, (f.scope <> 'all')::int, coalesce(w.code, '')) > (${sku}, ${keysetInt(rank)}, ${code})`);
  }
  const res = await q(ctx).execute(sql`
    select f.*, w.code from demand_forecasts f left join warehouses w on f.scope <> 'all' and w.id::text = f.scope
    where ${sql.join(where, sql` and `)}
    order by f.sku, (f.scope <> 'all')::int, coalesce(w.code, '') limit ${p.data.limit + 1}`);
  const rows = res.rows as Array<Record<string, unknown>>;
  const items = rows.slice(0, p.data.limit).map(toForecast);
  const last = rows.length > p.data.limit ? items[items.length - 1] : undefined;
  return { items, nextCursor: last ? encodeKeyset([last.sku, last.scope === 'all' ? 0 : 1, last.warehouse ?? '']) : null };
}

function toForecast(r: Record<string, unknown>): StoredForecast {
  const j = <T>(v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as T;
  return {
    sku: String(r.sku), scope: String(r.scope), warehouse: (r.code as string | null) ?? null, method: String(r.method),
    rmse: Number(r.rmse), mae: Number(r.mae), mase: r.mase == null ? null : Number(r.mase), naiveRmse: Number(r.naive_rmse),
    candidates: j<Record<string, number>>(r.candidates), historyDays: Number(r.history_days), horizonDays: Number(r.horizon_days),
    dailyMean: Number(r.daily_mean), startDate: String(r.start_date), daily: j<number[]>(r.daily), computedAt: new Date(r.computed_at as string).toISOString(),
  };
}

/** Forecasts of these SKUs keyed `sku|scope` (for the replenishment signals). */
export async function forecastsFor(ctx: Ctx, skus: string[] | null): Promise<Map<string, StoredForecast>> {
  const res = await q(ctx).execute(sql`
    select f.*, null as code from demand_forecasts f
    ${skus ? sql`where f.sku in (select jsonb_array_elements_text(${JSON.stringify(skus)}::jsonb))` : sql``}`);
  return new Map((res.rows as Array<Record<string, unknown>>).map((r) => [`${r.sku}|${r.scope}`, toForecast(r)]));
}
