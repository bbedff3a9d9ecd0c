import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { roundOrderQuantity, unitCostAt } from '../domain/purchasing';
import { NotFoundError, ValidationError } from '../errors';
import { DateOnly, iso, parseInput, ymd } from './parse-input';
import { todayOf } from './purchase-orders';
import { scorecards } from './scorecards';
import { listSupplierItems } from './supplier-items';
import { resolveSupplier } from './suppliers';


export const QuoteInput = z.object({
  supplier: z.string().min(1).max(200),
  sku: z.string().min(1).max(200),
  quantity: z.number().int().positive().max(1_000_000_000),
  /** In the supplier's currency, minor units. */
  unitCostMinor: z.number().int().min(0).max(1e13),
  validFrom: DateOnly.optional(),
  validUntil: DateOnly,
  reference: z.string().max(200).nullish(),
});

export interface Quote { id: string; supplierId: string; supplierCode: string; sku: string; quantity: number; unitCostMinor: number; currency: string; validFrom: string; validUntil: string; reference: string | null; createdAt: string }

const toQuote = (r: Record<string, unknown>): Quote => ({
  id: String(r.id), supplierId: String(r.supplier_id), supplierCode: String(r.supplier_code), sku: String(r.sku), quantity: Number(r.quantity),
  unitCostMinor: Number(r.unit_cost_minor), currency: String(r.currency), validFrom: ymd(r.valid_from), validUntil: ymd(r.valid_until),
  reference: (r.reference as string | null) ?? null, createdAt: iso(r.created_at)!,
});

/** Records an RFQ answer (in the supplier's currency) with its validity window. */
export async function createQuote(ctx: Ctx, input: unknown): Promise<Quote> {
  const p = parseInput(QuoteInput, input);
  const sup = await resolveSupplier(ctx, p.supplier);
  const from = p.validFrom ?? todayOf(ctx);
  if (p.validUntil < from) throw new ValidationError([{ path: 'validUntil', message: 'must not be before validFrom' }]);
  const prod = await q(ctx).execute(sql`select 1 from products where sku = ${p.sku}`);
  if (prod.rows.length === 0) throw new NotFoundError('product', p.sku);
  const res = await q(ctx).execute(sql`
    insert into supplier_quotes (supplier_id, sku, quantity, unit_cost_minor, currency, valid_from, valid_until, reference)
    values (${sup.id}, ${p.sku}, ${p.quantity}, ${p.unitCostMinor}, ${sup.currency}, ${from}, ${p.validUntil}, ${p.reference ?? null})
    returning *`);
  return toQuote({ ...(res.rows[0] as Record<string, unknown>), supplier_code: sup.code });
}

export const ListQuotesQuery = z.object({ sku: z.string().max(200).optional(), supplier: z.string().max(200).optional(), valid: z.enum(['true', 'false']).optional() });

export async function listQuotes(ctx: Ctx, input: unknown = {}): Promise<{ items: Quote[] }> {
  const p = parseInput(ListQuotesQuery, input);
  const sup = p.supplier ? await resolveSupplier(ctx, p.supplier) : null;
  const today = todayOf(ctx);
  const res = await q(ctx).execute(sql`
    select qt.*, s.code as supplier_code from supplier_quotes qt join suppliers s on s.id = qt.supplier_id where true
    ${p.sku ? sql`and qt.sku = ${p.sku}` : sql``} ${sup ? sql`and qt.supplier_id = ${sup.id}` : sql``}
    ${p.valid === 'true' ? sql`and qt.valid_from <= ${today}::date and qt.valid_until >= ${today}::date` : sql``}
    order by qt.sku, qt.valid_until desc, qt.created_at desc`);
  return { items: (res.rows as Array<Record<string, unknown>>).map(toQuote) };
}

export const CompareQuery = z.object({ sku: z.string().min(1).max(200), quantity: z.coerce.number().int().positive().max(1_000_000_000) });

export interface PriceOption {
  supplierId: string;
  supplierCode: string;
  supplierName: string;
  currency: string;
  /** `price_break` from the supplier item, or `quote` (a valid RFQ answer). */
  source: 'price_break' | 'quote';
  quoteId: string | null;
  validUntil: string | null;
  unitCostMinor: number;
  /** The quantity actually ordered from this supplier: the asked quantity rounded to MOQ and pack size. */
  orderQuantity: number;
  totalMinor: number;
  moq: number;
  packSize: number;
  leadTimeDays: number;
  score: number | null;
  grade: string | null;
  /** The lowest unit cost among options in the same currency. */
  cheapest: boolean;
}

/**
 * Every supplier's current price for a SKU at a quantity, side by side with their scores: price
 * breaks of active supplier items and quotes valid today (a quote counts when the quantity reaches
 * its quantity). Sorted by currency, then unit cost, then score. Currencies are not converted.
 */
export async function comparePrices(ctx: Ctx, input: unknown): Promise<{ sku: string; quantity: number; options: PriceOption[] }> {
  const p = parseInput(CompareQuery, input);
  const items = (await listSupplierItems(ctx, { sku: p.sku })).items.filter((i) => i.active);
  const quotes = (await listQuotes(ctx, { sku: p.sku, valid: 'true' })).items.filter((x) => x.quantity <= p.quantity);
  const sups = await q(ctx).execute(sql`select id, code, name, active, lead_time_days from suppliers where active and id in (
    select (jsonb_array_elements_text(${JSON.stringify([...new Set([...items.map((i) => i.supplierId), ...quotes.map((x) => x.supplierId)])])}::jsonb))::uuid)`);
  const supBy = new Map((sups.rows as Array<{ id: string; code: string; name: string; lead_time_days: number }>).map((s) => [s.id, s]));
  const cards = await scorecards(ctx, [...supBy.keys()]);
  const options: PriceOption[] = [];
  for (const i of items) {
    const s = supBy.get(i.supplierId);
    const cost = unitCostAt(i.priceBreaks, p.quantity);
    if (!s || cost === null) continue;
    const qty = roundOrderQuantity(p.quantity, i.moq, i.packSize);
    const card = cards.get(s.id);
    options.push({ supplierId: s.id, supplierCode: s.code, supplierName: s.name, currency: i.currency, source: 'price_break', quoteId: null, validUntil: null,
      unitCostMinor: cost, orderQuantity: qty, totalMinor: cost * qty, moq: i.moq, packSize: i.packSize, leadTimeDays: i.effectiveLeadTimeDays,
      score: card?.score ?? null, grade: card?.grade ?? null, cheapest: false });
  }
  for (const x of quotes) {
    const s = supBy.get(x.supplierId);
    if (!s) continue;
    const item = items.find((i) => i.supplierId === x.supplierId);
    const qty = item ? roundOrderQuantity(p.quantity, item.moq, item.packSize) : p.quantity;
    const card = cards.get(s.id);
    options.push({ supplierId: s.id, supplierCode: s.code, supplierName: s.name, currency: x.currency, source: 'quote', quoteId: x.id, validUntil: x.validUntil,
      unitCostMinor: x.unitCostMinor, orderQuantity: qty, totalMinor: x.unitCostMinor * qty, moq: item?.moq ?? 1, packSize: item?.packSize ?? 1,
      leadTimeDays: item?.effectiveLeadTimeDays ?? Number(s.lead_time_days), score: card?.score ?? null, grade: card?.grade ?? null, cheapest: false });
  }
  for (const o of options) o.cheapest = o.unitCostMinor === Math.min(...options.filter((x) => x.currency === o.currency).map((x) => x.unitCostMinor));
  options.sort((a, b) => a.currency.localeCompare(b.currency) || a.unitCostMinor - b.unitCostMinor || (b.score ?? -1) - (a.score ?? -1));
  return { sku: p.sku, quantity: p.quantity, options };
}
