import { sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../context';
import { inTx } from '../context';
import { pgArray } from '../db/sql-array';
import { q, withTransaction } from '../db/transaction';
import { postJournal, type JournalLineInput } from './post-journal';

type JournalKind = Parameters<typeof postJournal>[1]['kind'];

/**
 * Values stock movements in the ledger, after the stock transaction committed (a job, never inside
 * the stock hot path): a fulfilment posts cost of goods sold (Dr COGS, Cr inventory) at the
 * product's unit cost (the moving average purchasing keeps on `products.unit_cost_minor`), a
 * customer return puts it back, an adjustment posts to shrinkage, opening stock to owner equity (the
 * business brought it in; it is no gain of the period), and goods received without a purchase order to
 * "goods received, not billed" (a liability until the supplier's invoice is booked against it; a PO's
 * receipt is valued by its bill instead, see bills.ts). Each movement is posted once
 * (the stock_postings primary key); one without a unit cost is recorded as uncosted, not posted.
 */
/** The idempotency-key prefix of a purchase order's receipt movements (receive-po.ts). */
export const PO_RECEIPT_KEY = 'po-receipt:';
const JOURNAL_KIND: Record<string, JournalKind> = { adjustment: 'stock_adjustment', opening: 'opening_stock', receipt: 'stock_receipt' };
const JOURNAL_MEMO: Record<string, string> = {
  adjustment: 'Stock adjustment', opening: 'Opening stock', receipt: 'Goods received without a PO', return: 'Return to stock',
};

export async function postStockMovements(ctx: Ctx, input: { orderId?: string; skus?: string[]; limit?: number }): Promise<{ posted: number; uncosted: number; valueMinor: Record<string, number> }> {
  // A PO's receipt carries its `po-receipt:` key (receive-po.ts): the bill values it, not this job.
  const where: SQL[] = [sql`(m.kind in ('fulfilment', 'adjustment', 'return', 'opening')
    or (m.kind = 'receipt' and coalesce(m.idempotency_key, '') not like ${`${PO_RECEIPT_KEY}%`}))`];
  if (input.orderId) where.push(sql`m.order_id = ${input.orderId}`);
  if (input.skus?.length) where.push(sql`m.sku = any(${pgArray(input.skus, 'text')})`);
  const res = await q(ctx).execute(sql`
    select m.id, m.sku, m.kind, m.quantity, m.on_hand_delta, m.order_id, m.created_at, p.unit_cost_minor, p.currency, o.channel, w.code as warehouse
    from stock_movements m join products p on p.sku = m.sku join warehouses w on w.id = m.warehouse_id left join orders o on o.id = m.order_id
    where ${sql.join(where, sql` and `)} and not exists (select 1 from stock_postings s where s.movement_id = m.id)
    order by m.id limit ${input.limit ?? 1000}`);
  let posted = 0, uncosted = 0;
  const value: Record<string, number> = {};
  for (const m of res.rows as Array<Record<string, unknown>>) {
    await withTransaction(ctx, async (tx) => {
      const cost = m.unit_cost_minor === null ? null : Number(m.unit_cost_minor);
      const cur = (m.currency as string | null) ?? null;
      const qty = Number(m.quantity);
      const amount = cost === null ? null : cost * qty;
      // Claim the movement first: a concurrent run of this job finds it taken and skips it.
      const claim = await tx.execute(sql`
        insert into stock_postings (movement_id, value_minor, currency) values (${Number(m.id)}, ${amount}, ${cur})
        on conflict (movement_id) do nothing returning movement_id`);
      if (!claim.rows[0]) return;
      if (amount === null || cur === null || amount === 0) {
        uncosted += amount === null ? 1 : 0;
        return;
      }
      const kind = String(m.kind);
      const date = new Date(String(m.created_at)).toISOString().slice(0, 10);
      const memo = `${qty} × ${String(m.sku)} @ ${cost} (${String(m.warehouse)})`;
      let lines: JournalLineInput[];
      if (kind === 'fulfilment') lines = [{ role: 'cogs', debitMinor: amount, creditMinor: 0, currency: cur, memo }, { role: 'inventory', debitMinor: 0, creditMinor: amount, currency: cur, memo }];
      else if (kind === 'opening') lines = [{ role: 'inventory', debitMinor: amount, creditMinor: 0, currency: cur, memo }, { role: 'opening_equity', debitMinor: 0, creditMinor: amount, currency: cur, memo }];
      else if (kind === 'receipt') lines = [{ role: 'inventory', debitMinor: amount, creditMinor: 0, currency: cur, memo }, { role: 'received_not_billed', debitMinor: 0, creditMinor: amount, currency: cur, memo }];
      else if (kind === 'return') lines = [{ role: 'inventory', debitMinor: amount, creditMinor: 0, currency: cur, memo }, { role: 'cogs', debitMinor: 0, creditMinor: amount, currency: cur, memo }];
      else if (Number(m.on_hand_delta) < 0) lines = [{ role: 'shrinkage', debitMinor: amount, creditMinor: 0, currency: cur, memo }, { role: 'inventory', debitMinor: 0, creditMinor: amount, currency: cur, memo }];
      else lines = [{ role: 'inventory', debitMinor: amount, creditMinor: 0, currency: cur, memo }, { role: 'shrinkage', debitMinor: 0, creditMinor: amount, currency: cur, memo }];
      const j = await postJournal(inTx(ctx, tx), {
        kind: JOURNAL_KIND[kind] ?? 'cogs', entryDate: date, dedupeKey: `stock-movement:${Number(m.id)}`,
        memo: `${JOURNAL_MEMO[kind] ?? 'Cost of goods sold'}: ${memo}`,
        channel: (m.channel as string | null) ?? null, lines,
      });
      await tx.execute(sql`update stock_postings set journal_id = ${j.id} where movement_id = ${Number(m.id)}`);
      posted++;
      value[cur] = (value[cur] ?? 0) + (kind === 'fulfilment' ? amount : 0);
    });
  }
  if (posted > 0) await ctx.queue.enqueue('finance.budgets-check', {}).catch(() => undefined);
  return { posted, uncosted, valueMinor: value };
}

/** Stock on hand valued at the products' unit cost, per warehouse and currency (units without a cost are counted apart). */
export async function stockValuation(ctx: Ctx) {
  const res = await q(ctx).execute(sql`
    select w.id, w.code, w.name, p.currency, coalesce(sum(s.on_hand * p.unit_cost_minor), 0)::bigint as value_minor,
           coalesce(sum(s.on_hand) filter (where p.unit_cost_minor is not null), 0)::bigint as units,
           coalesce(sum(s.on_hand) filter (where p.unit_cost_minor is null), 0)::bigint as uncosted_units
    from stock_levels s join warehouses w on w.id = s.warehouse_id join products p on p.sku = s.sku
    where s.on_hand > 0 group by w.id, w.code, w.name, p.currency order by w.code, p.currency nulls last`);
  const by = new Map<string, { warehouseId: string; code: string; name: string; values: Record<string, number>; units: number; uncostedUnits: number }>();
  for (const r of res.rows as Array<Record<string, unknown>>) {
    const k = String(r.id);
    const w = by.get(k) ?? { warehouseId: k, code: String(r.code), name: String(r.name), values: {}, units: 0, uncostedUnits: 0 };
    if (r.currency) w.values[String(r.currency)] = (w.values[String(r.currency)] ?? 0) + Number(r.value_minor);
    w.units += Number(r.units);
    w.uncostedUnits += Number(r.uncosted_units);
    by.set(k, w);
  }
  const totals: Record<string, number> = {};
  for (const w of by.values()) for (const [c, v] of Object.entries(w.values)) totals[c] = (totals[c] ?? 0) + v;
  return { warehouses: [...by.values()], totals };
}
