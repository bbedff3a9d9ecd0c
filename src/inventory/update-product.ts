import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { CurrencyCode } from '../domain/order';
import { NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { toProduct, type Product } from './products';

/** What may change on a product; the SKU is its identity (stock, listings and order lines refer to it) and does not. */
export const ProductUpdate = z.object({
  title: z.string().trim().min(1).max(1000).optional(),
  barcode: z.string().trim().max(64).nullish(),
  unitCostMinor: z.number().int().nonnegative().safe().nullish(),
  currency: CurrencyCode.nullish(),
  weightGrams: z.number().int().nonnegative().nullish(),
  leadTimeDays: z.number().int().min(0).max(365).nullish(),
  active: z.boolean().optional(),
}).refine((p) => (p.unitCostMinor === undefined) === (p.currency === undefined) && (p.unitCostMinor === null) === (p.currency === null), {
  path: ['currency'], message: 'unitCostMinor and currency go together',
});

/** One product by SKU; unknown → 404. */
export async function getProduct(ctx: Ctx, sku: string): Promise<Product> {
  const row = (await q(ctx).execute(sql`select * from products where sku = ${sku}`)).rows[0];
  if (!row) throw new NotFoundError('product', sku);
  return toProduct(row as Record<string, unknown>);
}

/**
 * Changes a product's title, barcode, unit cost (with its currency), weight, lead time or active flag.
 * A field left out keeps its value; null clears it.
 */
export async function updateProduct(ctx: Ctx, sku: string, input: unknown): Promise<Product> {
  const parsed = ProductUpdate.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  const u = parsed.data;
  const keep = (v: unknown) => v === undefined;
  const res = await q(ctx).execute(sql`
    update products set
      title = coalesce(${u.title ?? null}, title),
      barcode = case when ${keep(u.barcode)} then barcode else ${u.barcode ?? null} end,
      unit_cost_minor = case when ${keep(u.unitCostMinor)} then unit_cost_minor else ${u.unitCostMinor ?? null}::bigint end,
      currency = case when ${keep(u.currency)} then currency else ${u.currency ?? null} end,
      weight_grams = case when ${keep(u.weightGrams)} then weight_grams else ${u.weightGrams ?? null}::integer end,
      lead_time_days = case when ${keep(u.leadTimeDays)} then lead_time_days else ${u.leadTimeDays ?? null}::integer end,
      active = coalesce(${u.active ?? null}::boolean, active),
      updated_at = now()
    where sku = ${sku} returning *`);
  const row = res.rows[0];
  if (!row) throw new NotFoundError('product', sku);
  return toProduct(row as Record<string, unknown>);
}
