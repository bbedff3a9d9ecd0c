import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { withTransaction } from '../db/transaction';
import { stockLockTimeout } from './stock-writes';

export interface Drift {
  sku: string;
  warehouseId: string;
  stored: { onHand: number; reserved: number; incoming: number };
  ledger: { onHand: number; reserved: number; incoming: number };
  /** Σ open reservations for the row. */
  reservations: number;
}

/**
 * Compares every stored total with the sum of its ledger (and `reserved` with the open reservations).
 * It should never find anything; with `repair`, rows are set to the ledger's sums (when that keeps
 * the CHECK constraints) and the repair is logged.
 */
export async function reconcileStock(ctx: Ctx, opts: { repair?: boolean } = {}): Promise<{ checked: number; drift: Drift[]; repaired: number }> {
  return withTransaction(ctx, async (tx) => {
    if (opts.repair) await stockLockTimeout(tx, 30_000);
    const res = await tx.execute(sql`
      with l as (
        select sku, warehouse_id, sum(on_hand_delta)::int as oh, sum(reserved_delta)::int as rs, sum(incoming_delta)::int as inc
        from stock_movements group by sku, warehouse_id),
      r as (select sku, warehouse_id, sum(quantity)::int as q from reservations group by sku, warehouse_id)
      select coalesce(s.sku, l.sku) as sku, coalesce(s.warehouse_id, l.warehouse_id) as warehouse_id,
        coalesce(s.on_hand, 0) as s_oh, coalesce(s.reserved, 0) as s_rs, coalesce(s.incoming, 0) as s_inc,
        coalesce(l.oh, 0) as l_oh, coalesce(l.rs, 0) as l_rs, coalesce(l.inc, 0) as l_inc, coalesce(r.q, 0) as r_q,
        (s.sku is not null) as has_row
      from stock_levels s
      full outer join l on l.sku = s.sku and l.warehouse_id = s.warehouse_id
      left join r on r.sku = coalesce(s.sku, l.sku) and r.warehouse_id = coalesce(s.warehouse_id, l.warehouse_id)
      ${opts.repair ? sql`` : sql``}`);
    const rows = res.rows as Array<Record<string, unknown>>;
    const drift: Drift[] = [];
    for (const r of rows) {
      const d: Drift = {
        sku: String(r.sku), warehouseId: String(r.warehouse_id),
        stored: { onHand: Number(r.s_oh), reserved: Number(r.s_rs), incoming: Number(r.s_inc) },
        ledger: { onHand: Number(r.l_oh), reserved: Number(r.l_rs), incoming: Number(r.l_inc) },
        reservations: Number(r.r_q),
      };
      if (d.stored.onHand !== d.ledger.onHand || d.stored.reserved !== d.ledger.reserved || d.stored.incoming !== d.ledger.incoming || d.stored.reserved !== d.reservations) {
        drift.push(d);
      }
    }
    let repaired = 0;
    if (opts.repair) {
      for (const d of drift) {
        const ok = d.ledger.onHand >= 0 && d.ledger.reserved >= 0 && d.ledger.reserved <= d.ledger.onHand && d.ledger.incoming >= 0;
        if (!ok) continue;
        const u = await tx.execute(sql`
          insert into stock_levels (sku, warehouse_id, on_hand, reserved, incoming)
          values (${d.sku}, ${d.warehouseId}, ${d.ledger.onHand}, ${d.ledger.reserved}, ${d.ledger.incoming})
          on conflict (sku, warehouse_id) do update set on_hand = excluded.on_hand, reserved = excluded.reserved,
            incoming = excluded.incoming, updated_at = now()
          returning sku`);
        repaired += u.rows.length;
      }
    }
    if (drift.length) ctx.log.error({ drift: drift.slice(0, 20), count: drift.length, repaired }, 'stock drift found');
    return { checked: rows.length, drift, repaired };
  });
}
