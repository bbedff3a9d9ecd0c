import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { reorderSignal, reorderSignalFromForecast } from '../domain/replenishment';
import { ValidationError, zodFieldErrors } from '../errors';

export const AlertsQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(28),
  serviceLevel: z.coerce.number().gt(0).lt(1).default(0.95),
  sku: z.string().max(200).optional(),
  /** `all` lists every (sku, warehouse) with its signal, not only those below the reorder point. */
  show: z.enum(['below', 'all']).default('below'),
  /** Use the stored demand forecast (src/sales/compute-forecasts.ts) where there is one; `false` = history only. */
  forecast: z.enum(['true', 'false']).default('true'),
});

/**
 * Replenishment signals per (sku, warehouse). Demand comes from the order lines of the last N days
 * (cancelled orders excluded), one figure per day with empty days as 0; a SKU's demand is split over
 * warehouses by their share of its allocations in the window (evenly when it had none). Lead time:
 * the product's override, else the SKU's supplier lead time (observed, with its variability, else
 * stated), else the warehouse default.
 */
export async function stockAlerts(ctx: Ctx, input: unknown) {
  const parsed = AlertsQuery.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const p = parsed.data;
  const db = q(ctx);
  const since = new Date(ctx.now().getTime() - p.days * 86_400_000).toISOString();
  const demand = await db.execute(sql`
    select l.sku, (floor(extract(epoch from (o.placed_at - ${since}::timestamptz)) / 86400))::int as day, sum(l.quantity)::int as units
    from order_lines l join orders o on o.id = l.order_id
    where o.placed_at >= ${since}::timestamptz and o.status <> 'cancelled' and l.sku is not null
      ${p.sku ? sql`and l.sku = ${p.sku}` : sql``}
    group by 1, 2`);
  const daily = new Map<string, number[]>();
  for (const r of demand.rows as Array<{ sku: string; day: number; units: number }>) {
    const arr = daily.get(r.sku) ?? new Array<number>(p.days).fill(0);
    const d = Math.min(p.days - 1, Math.max(0, Number(r.day)));
    arr[d] = (arr[d] ?? 0) + Number(r.units);
    daily.set(r.sku, arr);
  }
  const rows = await db.execute(sql`
    select s.sku, s.warehouse_id, w.code, s.on_hand, s.reserved, s.incoming,
      coalesce(pr.lead_time_days, ceil(sl.lead), w.lead_time_days) as lead, case when pr.lead_time_days is null then sl.sigma end as lead_sigma,
      coalesce((select sum(m.quantity) from stock_movements m where m.sku = s.sku and m.warehouse_id = s.warehouse_id
                and m.kind = 'reservation' and m.created_at >= ${since}::timestamptz), 0)::int as allocated
    from stock_levels s join warehouses w on w.id = s.warehouse_id join products pr on pr.sku = s.sku
    -- The SKU's supplier lead time (the preferred supplier, else the one received from most recently):
    -- observed from receipts when there are any, else the item's or the supplier's stated one.
    left join lateral (
      select coalesce(si.observed_lead_time_days, si.lead_time_days, su.lead_time_days)::float8 as lead, si.observed_lead_time_sigma as sigma
      from supplier_items si join suppliers su on su.id = si.supplier_id
      where si.sku = s.sku and si.active and su.active
      order by si.preferred desc, si.observed_lead_time_days is null, si.updated_at desc limit 1) sl on true
    where w.active and pr.active ${p.sku ? sql`and s.sku = ${p.sku}` : sql``}
    order by s.sku, w.priority, w.code`);
  const list = rows.rows as Array<Record<string, unknown>>;
  const perSku = new Map<string, { total: number; count: number }>();
  for (const r of list) {
    const k = String(r.sku);
    const cur = perSku.get(k) ?? { total: 0, count: 0 };
    cur.total += Number(r.allocated);
    cur.count += 1;
    perSku.set(k, cur);
  }
  // Demand forecasts (per warehouse, else the SKU's total split by the same share) replace the history's mean and σ.
  const forecasts = new Map<string, { daily: number[]; rmse: number; method: string }>();
  if (p.forecast === 'true') {
    const fr = await db.execute(sql`select sku, scope, daily, rmse, method from demand_forecasts ${p.sku ? sql`where sku = ${p.sku}` : sql``}`);
    for (const f of fr.rows as Array<{ sku: string; scope: string; daily: number[] | string; rmse: number; method: string }>) {
      forecasts.set(`${f.sku}|${f.scope}`, { daily: typeof f.daily === 'string' ? JSON.parse(f.daily) : f.daily, rmse: Number(f.rmse), method: f.method });
    }
  }
  const items = list.map((r) => {
    const sku = String(r.sku);
    const agg = perSku.get(sku)!;
    const share = agg.total > 0 ? Number(r.allocated) / agg.total : 1 / agg.count;
    const d = (daily.get(sku) ?? new Array<number>(p.days).fill(0)).map((x) => x * share);
    const own = forecasts.get(`${sku}|${String(r.warehouse_id)}`);
    const all = forecasts.get(`${sku}|all`);
    const fc = own ?? (all ? { daily: all.daily.map((x) => x * share), rmse: all.rmse * share, method: all.method } : undefined);
    const leadSigma = r.lead_sigma === null || r.lead_sigma === undefined ? 0 : Number(r.lead_sigma);
    const signal = fc
      ? reorderSignalFromForecast(fc.daily, fc.rmse, Number(r.lead), p.serviceLevel, leadSigma)
      : reorderSignal(d, Number(r.lead), p.serviceLevel, leadSigma);
    const available = Number(r.on_hand) - Number(r.reserved);
    const position = available + Number(r.incoming);
    return {
      sku, warehouse: String(r.code), available, incoming: Number(r.incoming), position,
      averageDailyDemand: Math.round(signal.meanDaily * 1000) / 1000, demandStdDev: Math.round(signal.sigmaDaily * 1000) / 1000,
      leadTimeDays: signal.leadTimeDays, safetyStock: signal.safetyStock, reorderPoint: signal.reorderPoint,
      /** `forecast` (with its method) when a stored demand forecast drove the figures, else `history`. */
      demandSource: fc ? 'forecast' as const : 'history' as const, forecastMethod: fc?.method ?? null,
      belowReorderPoint: position < signal.reorderPoint,
      suggestedOrderQuantity: Math.max(0, signal.reorderPoint - position),
    };
  });
  return { days: p.days, serviceLevel: p.serviceLevel, items: p.show === 'all' ? items : items.filter((i) => i.belowReorderPoint) };
}
