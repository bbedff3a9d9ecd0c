import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { grade, meanStd, unitCostAt, weightedScore, type PriceBreak, type ScoreWeights } from '../domain/purchasing';
import { DateOnly, parseInput, ymd } from './parse-input';
import { todayOf } from './purchase-orders';
import { getPurchasingSettings } from './settings';

export const ScorecardQuery = z.object({
  /** Period by the POs' sent date, YYYY-MM-DD inclusive; default the last 90 days. */
  from: DateOnly.optional(),
  to: DateOnly.optional(),
});

export interface Scorecard {
  supplierId: string;
  from: string;
  to: string;
  /** Lines counted: of POs sent in the period (not cancelled) that are due (complete, past their expected date, or the PO closed). */
  linesDue: number;
  /** Due lines fully received by the end of their expected date / due lines. */
  onTimeRate: number | null;
  /** Received (accepted + rejected) / ordered, over due lines. */
  fillRate: number | null;
  /** Accepted / received, over every received unit of the period's POs. */
  qualityRate: number | null;
  /** Σ their cost / Σ best cost among active suppliers (same currency, same SKU and quantity, price breaks and valid quotes); 1 = cheapest. */
  priceIndex: number | null;
  /** Days from sent to each receipt. */
  averageLeadTimeDays: number | null;
  leadTimeStdDevDays: number | null;
  receipts: number;
  weights: ScoreWeights;
  score: number | null;
  grade: 'A' | 'B' | 'C' | 'D' | null;
}

const round = (x: number | null, d = 4) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);

/**
 * A supplier's scorecard for a period. Every rate is computed from stored rows (no sampling), so a
 * receipt changes it exactly; the weighted score leaves out parts without data.
 */
export async function supplierScorecard(ctx: Ctx, supplierId: string, input: unknown = {}): Promise<Scorecard> {
  const p = parseInput(ScorecardQuery, input);
  const today = todayOf(ctx);
  const to = p.to ?? today;
  const from = p.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 89 * 86_400_000).toISOString().slice(0, 10);
  const db = q(ctx);
  const lines = await db.execute(sql`
    select l.sku, l.quantity, l.accepted_quantity, l.rejected_quantity, l.unit_cost_minor, l.expected_date, l.completed_at, o.status, o.currency
    from purchase_order_lines l join purchase_orders o on o.id = l.purchase_order_id
    where o.supplier_id = ${supplierId} and o.sent_at is not null and o.status <> 'cancelled'
      and o.sent_at >= ${from}::date and o.sent_at < (${to}::date + 1)`);
  const rows = lines.rows as Array<Record<string, unknown>>;
  let due = 0, onTime = 0, ordered = 0, received = 0, accepted = 0, receivedAll = 0;
  for (const r of rows) {
    const qty = Number(r.quantity);
    const got = Number(r.accepted_quantity) + Number(r.rejected_quantity);
    accepted += Number(r.accepted_quantity);
    receivedAll += got;
    const expected = ymd(r.expected_date);
    const completed = r.completed_at ? new Date(r.completed_at as string).toISOString().slice(0, 10) : null;
    const isDue = completed !== null || expected < today || r.status === 'closed';
    if (!isDue) continue;
    due++;
    ordered += qty;
    received += got;
    if (completed !== null && completed <= expected) onTime++;
  }
  const price = await priceIndex(ctx, rows.map((r) => ({ sku: String(r.sku), quantity: Number(r.quantity), unitCostMinor: Number(r.unit_cost_minor), currency: String(r.currency) })), today);
  const leads = await db.execute(sql`
    select r.lead_time_days from purchase_receipt_lines r join purchase_orders o on o.id = r.purchase_order_id
    where r.supplier_id = ${supplierId} and r.lead_time_days is not null and o.sent_at >= ${from}::date and o.sent_at < (${to}::date + 1)`);
  const lt = meanStd((leads.rows as Array<{ lead_time_days: number }>).map((r) => Number(r.lead_time_days)));
  const { scoreWeights } = await getPurchasingSettings(ctx);
  const parts = {
    onTimeRate: due ? onTime / due : null,
    fillRate: ordered ? received / ordered : null,
    qualityRate: receivedAll ? accepted / receivedAll : null,
    priceIndex: price,
  };
  const score = weightedScore(parts, scoreWeights);
  return {
    supplierId, from, to, linesDue: due,
    onTimeRate: round(parts.onTimeRate), fillRate: round(parts.fillRate), qualityRate: round(parts.qualityRate), priceIndex: round(parts.priceIndex),
    averageLeadTimeDays: round(lt?.mean ?? null, 2), leadTimeStdDevDays: round(lt?.sigma ?? null, 2), receipts: leads.rows.length,
    weights: scoreWeights, score: round(score), grade: grade(score),
  };
}

/** The best unit cost per (sku, currency) at a quantity, among active suppliers' price breaks and quotes valid on `day`. */
export async function bestPrices(ctx: Ctx, skus: string[], day: string): Promise<(sku: string, currency: string, quantity: number) => number | null> {
  if (skus.length === 0) return () => null;
  const json = JSON.stringify([...new Set(skus)]);
  const items = await q(ctx).execute(sql`
    select i.sku, s.currency, i.price_breaks from supplier_items i join suppliers s on s.id = i.supplier_id
    where i.active and s.active and i.sku in (select jsonb_array_elements_text(${json}::jsonb))`);
  const quotes = await q(ctx).execute(sql`
    select qt.sku, qt.currency, qt.quantity, qt.unit_cost_minor from supplier_quotes qt join suppliers s on s.id = qt.supplier_id
    where s.active and qt.valid_from <= ${day}::date and qt.valid_until >= ${day}::date and qt.sku in (select jsonb_array_elements_text(${json}::jsonb))`);
  const its = items.rows as Array<{ sku: string; currency: string; price_breaks: PriceBreak[] }>;
  const qs = quotes.rows as Array<{ sku: string; currency: string; quantity: number; unit_cost_minor: number }>;
  return (sku, currency, quantity) => {
    const c = [
      ...its.filter((i) => i.sku === sku && i.currency === currency).map((i) => unitCostAt(i.price_breaks, quantity)),
      ...qs.filter((x) => x.sku === sku && x.currency === currency && Number(x.quantity) <= quantity).map((x) => Number(x.unit_cost_minor)),
    ].filter((x): x is number => x !== null);
    return c.length ? Math.min(...c) : null;
  };
}

async function priceIndex(ctx: Ctx, lines: Array<{ sku: string; quantity: number; unitCostMinor: number; currency: string }>, day: string): Promise<number | null> {
  const best = await bestPrices(ctx, lines.map((l) => l.sku), day);
  let theirs = 0, bestTotal = 0;
  for (const l of lines) {
    const b = best(l.sku, l.currency, l.quantity);
    if (b === null || b <= 0) continue;
    theirs += l.unitCostMinor * l.quantity;
    bestTotal += Math.min(b, l.unitCostMinor) * l.quantity;
  }
  return bestTotal > 0 ? theirs / bestTotal : null;
}

/** Scorecards of many suppliers (same period). */
export async function scorecards(ctx: Ctx, supplierIds: string[], input: unknown = {}): Promise<Map<string, Scorecard>> {
  const out = new Map<string, Scorecard>();
  for (const id of supplierIds) out.set(id, await supplierScorecard(ctx, id, input));
  return out;
}
