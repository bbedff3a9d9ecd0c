import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { CurrencyCode } from '../domain/order';
import { ConflictError, ValidationError, zodFieldErrors } from '../errors';

export const ProductInput = z.object({
  sku: z.string().trim().min(1).max(200),
  title: z.string().trim().min(1).max(1000),
  barcode: z.string().max(64).nullish(),
  unitCostMinor: z.number().int().nonnegative().safe().nullish(),
  currency: CurrencyCode.nullish(),
  weightGrams: z.number().int().nonnegative().nullish(),
  leadTimeDays: z.number().int().min(0).max(365).nullish(),
  active: z.boolean().default(true),
}).refine((p) => (p.unitCostMinor == null) === (p.currency == null), { path: ['currency'], message: 'unitCostMinor and currency go together' });

export const ListProductsQuery = z.object({
  q: z.string().max(200).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export interface Product {
  id: string;
  sku: string;
  title: string;
  barcode: string | null;
  unitCostMinor: number | null;
  currency: string | null;
  weightGrams: number | null;
  leadTimeDays: number | null;
  active: boolean;
  createdAt: string;
}

export const toProduct = (r: Record<string, unknown>): Product => ({
  id: String(r.id), sku: String(r.sku), title: String(r.title), barcode: (r.barcode as string | null) ?? null,
  unitCostMinor: r.unit_cost_minor == null ? null : Number(r.unit_cost_minor), currency: (r.currency as string | null) ?? null,
  weightGrams: r.weight_grams == null ? null : Number(r.weight_grams), leadTimeDays: r.lead_time_days == null ? null : Number(r.lead_time_days),
  active: Boolean(r.active), createdAt: new Date(r.created_at as string).toISOString(),
});

export async function createProduct(ctx: Ctx, input: unknown): Promise<Product> {
  const parsed = ProductInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const p = parsed.data;
  const res = await q(ctx).execute(sql`
    insert into products (sku, title, barcode, unit_cost_minor, currency, weight_grams, lead_time_days, active)
    values (${p.sku}, ${p.title}, ${p.barcode ?? null}, ${p.unitCostMinor ?? null}, ${p.currency ?? null}, ${p.weightGrams ?? null},
      ${p.leadTimeDays ?? null}, ${p.active})
    on conflict (sku) do nothing returning *`);
  const row = res.rows[0];
  if (!row) throw new ConflictError('product_exists', `A product with SKU ${p.sku} already exists.`);
  return toProduct(row as Record<string, unknown>);
}

/** Products by SKU, keyset-paginated (cursor = last SKU). */
export async function listProducts(ctx: Ctx, input: unknown): Promise<{ items: Product[]; nextCursor: string | null }> {
  const parsed = ListProductsQuery.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const { q: text, cursor, limit } = parsed.data;
  const res = await q(ctx).execute(sql`
    select * from products
    where true ${cursor ? sql`and sku > ${cursor}` : sql``}
      ${text ? sql`and (sku ilike ${`%${text}%`} or title ilike ${`%${text}%`} or barcode = ${text})` : sql``}
    order by sku limit ${limit + 1}`);
  const rows = (res.rows as Array<Record<string, unknown>>).map(toProduct);
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.sku : null };
}
