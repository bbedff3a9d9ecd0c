import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { NotFoundError, ValidationError } from '../errors';
import { iso, parseInput } from './parse-input';
import { resolveSupplier } from './suppliers';

const PriceBreak = z.object({ minQuantity: z.number().int().min(1).max(1_000_000_000), unitCostMinor: z.number().int().min(0).max(1e13) });

export const SupplierItemInput = z.object({
  /** Supplier id or code. */
  supplier: z.string().min(1).max(200),
  sku: z.string().min(1).max(200),
  supplierSku: z.string().trim().max(200).nullish(),
  priceBreaks: z.array(PriceBreak).min(1).max(50),
  moq: z.number().int().min(1).max(1_000_000_000).default(1),
  packSize: z.number().int().min(1).max(1_000_000).default(1),
  leadTimeDays: z.number().int().min(0).max(365).nullish(),
  preferred: z.boolean().default(false),
  active: z.boolean().default(true),
});

export interface SupplierItem {
  id: string;
  supplierId: string;
  supplierCode: string;
  currency: string;
  sku: string;
  supplierSku: string | null;
  priceBreaks: Array<z.output<typeof PriceBreak>>;
  moq: number;
  packSize: number;
  leadTimeDays: number | null;
  /** Item lead time, else the supplier's. */
  effectiveLeadTimeDays: number;
  observedLeadTimeDays: number | null;
  observedLeadTimeSigma: number | null;
  preferred: boolean;
  active: boolean;
  createdAt: string;
}

export const toSupplierItem = (r: Record<string, unknown>): SupplierItem => ({
  id: String(r.id), supplierId: String(r.supplier_id), supplierCode: String(r.supplier_code), currency: String(r.currency),
  sku: String(r.sku), supplierSku: (r.supplier_sku as string | null) ?? null,
  priceBreaks: [...(r.price_breaks as SupplierItem['priceBreaks'])].sort((a, b) => a.minQuantity - b.minQuantity),
  moq: Number(r.moq), packSize: Number(r.pack_size),
  leadTimeDays: r.lead_time_days === null ? null : Number(r.lead_time_days),
  effectiveLeadTimeDays: Number(r.lead_time_days ?? r.supplier_lead_time_days),
  observedLeadTimeDays: r.observed_lead_time_days === null ? null : Number(r.observed_lead_time_days),
  observedLeadTimeSigma: r.observed_lead_time_sigma === null ? null : Number(r.observed_lead_time_sigma),
  preferred: Boolean(r.preferred), active: Boolean(r.active), createdAt: iso(r.created_at)!,
});

export const itemSelect = sql`
  select i.*, s.code as supplier_code, s.currency, s.lead_time_days as supplier_lead_time_days
  from supplier_items i join suppliers s on s.id = i.supplier_id`;

/** Creates or replaces the supplier's terms for a SKU (one row per supplier and SKU). */
export async function upsertSupplierItem(ctx: Ctx, input: unknown): Promise<SupplierItem> {
  const p = parseInput(SupplierItemInput, input);
  const breaks = [...p.priceBreaks].sort((a, b) => a.minQuantity - b.minQuantity);
  if (new Set(breaks.map((b) => b.minQuantity)).size !== breaks.length) {
    throw new ValidationError([{ path: 'priceBreaks', message: 'each minQuantity once' }]);
  }
  const sup = await resolveSupplier(ctx, p.supplier);
  const prod = await q(ctx).execute(sql`select 1 from products where sku = ${p.sku}`);
  if (prod.rows.length === 0) throw new NotFoundError('product', p.sku);
  const res = await q(ctx).execute(sql`
    insert into supplier_items (supplier_id, sku, supplier_sku, price_breaks, moq, pack_size, lead_time_days, preferred, active)
    values (${sup.id}, ${p.sku}, ${p.supplierSku ?? null}, ${JSON.stringify(breaks)}::jsonb, ${p.moq}, ${p.packSize},
      ${p.leadTimeDays ?? null}, ${p.preferred}, ${p.active})
    on conflict (supplier_id, sku) do update set supplier_sku = excluded.supplier_sku, price_breaks = excluded.price_breaks,
      moq = excluded.moq, pack_size = excluded.pack_size, lead_time_days = excluded.lead_time_days,
      preferred = excluded.preferred, active = excluded.active, updated_at = now()
    returning id`);
  const id = (res.rows[0] as { id: string }).id;
  if (p.preferred) {
    // One preferred supplier per SKU: the inventory engine reads its lead time.
    await q(ctx).execute(sql`update supplier_items set preferred = false, updated_at = now() where sku = ${p.sku} and id <> ${id} and preferred`);
  }
  return getSupplierItem(ctx, id);
}

export async function getSupplierItem(ctx: Ctx, id: string): Promise<SupplierItem> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('supplier item', id);
  const res = await q(ctx).execute(sql`${itemSelect} where i.id = ${id}`);
  const row = res.rows[0];
  if (!row) throw new NotFoundError('supplier item', id);
  return toSupplierItem(row as Record<string, unknown>);
}

export const ListSupplierItemsQuery = z.object({ supplier: z.string().max(200).optional(), sku: z.string().max(200).optional() });

export async function listSupplierItems(ctx: Ctx, input: unknown = {}): Promise<{ items: SupplierItem[] }> {
  const p = parseInput(ListSupplierItemsQuery, input);
  const sup = p.supplier ? await resolveSupplier(ctx, p.supplier) : null;
  const res = await q(ctx).execute(sql`${itemSelect} where true
    ${sup ? sql`and i.supplier_id = ${sup.id}` : sql``} ${p.sku ? sql`and i.sku = ${p.sku}` : sql``}
    order by i.sku, s.code`);
  return { items: (res.rows as Array<Record<string, unknown>>).map(toSupplierItem) };
}
