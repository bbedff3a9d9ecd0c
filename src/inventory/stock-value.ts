import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { q } from '../db/transaction';

export interface WarehouseStockValue {
  warehouse: string;
  name: string;
  /** On hand × unit cost, per currency of the products' costs (never added across currencies). */
  values: Array<{ currency: string; valueMinor: number }>;
  units: number;
  /** Units on hand of products without a unit cost (not valued). */
  unvaluedUnits: number;
}

/** Stock value by warehouse: on hand × the product's unit cost, grouped per warehouse and cost currency. */
export async function stockValueByWarehouse(ctx: Ctx): Promise<{ items: WarehouseStockValue[] }> {
  const res = await q(ctx).execute(sql`
    select w.code, w.name, w.priority, p.currency,
      sum(s.on_hand)::bigint as units,
      coalesce(sum(s.on_hand::numeric * p.unit_cost_minor), 0)::bigint as value
    from stock_levels s
      join warehouses w on w.id = s.warehouse_id
      join products p on p.sku = s.sku
    where s.on_hand > 0
    group by w.code, w.name, w.priority, p.currency
    order by w.priority, w.code, p.currency nulls last`);
  const byCode = new Map<string, WarehouseStockValue>();
  for (const r of res.rows as Array<{ code: string; name: string; currency: string | null; units: string | number; value: string | number }>) {
    const w = byCode.get(r.code) ?? { warehouse: r.code, name: r.name, values: [], units: 0, unvaluedUnits: 0 };
    w.units += Number(r.units);
    if (r.currency) w.values.push({ currency: r.currency, valueMinor: Number(r.value) });
    else w.unvaluedUnits += Number(r.units);
    byCode.set(r.code, w);
  }
  return { items: [...byCode.values()] };
}
