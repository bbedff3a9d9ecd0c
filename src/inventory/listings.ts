import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../context';
import { q } from '../db/transaction';
import { ConflictError, NotFoundError, ValidationError, zodFieldErrors } from '../errors';
import { enqueueStockPush } from './after-stock-change';

const Policy = {
  externalIds: z.record(z.string(), z.string().max(500)).default({}),
  buffer: z.number().int().min(0).max(1_000_000).default(0),
  cap: z.number().int().min(0).max(1_000_000_000).nullish(),
  sharePercent: z.number().int().min(0).max(100).nullish(),
  countIncoming: z.boolean().default(false),
};
export const ListingInput = z.object({ sku: z.string().min(1).max(200), connectionId: z.string().uuid(), ...Policy });
export const ListingUpdate = z.object({
  externalIds: Policy.externalIds.optional(), buffer: Policy.buffer.optional(), cap: Policy.cap, sharePercent: Policy.sharePercent,
  countIncoming: z.boolean().optional(),
});
export const ListListingsQuery = z.object({ sku: z.string().max(200).optional(), connectionId: z.string().uuid().optional() });

const toListing = (r: Record<string, unknown>) => ({
  id: String(r.id), sku: String(r.sku), connectionId: String(r.connection_id), externalIds: (r.external_ids as Record<string, string>) ?? {},
  buffer: Number(r.buffer), cap: r.cap == null ? null : Number(r.cap), sharePercent: r.share_percent == null ? null : Number(r.share_percent),
  countIncoming: Boolean(r.count_incoming), lastPushedQuantity: r.last_pushed_quantity == null ? null : Number(r.last_pushed_quantity),
  lastPushedAt: r.last_pushed_at ? new Date(r.last_pushed_at as string).toISOString() : null, pushError: (r.push_error as string | null) ?? null,
});
export type Listing = ReturnType<typeof toListing>;

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw new ValidationError(zodFieldErrors(r.error.issues));
  return r.data;
}

export async function createListing(ctx: Ctx, input: unknown): Promise<Listing> {
  const l = parse(ListingInput, input);
  const db = q(ctx);
  if ((await db.execute(sql`select 1 from products where sku = ${l.sku}`)).rows.length === 0) throw new ValidationError([{ path: 'sku', message: `no product with SKU ${l.sku}` }]);
  if ((await db.execute(sql`select 1 from connections where id = ${l.connectionId}`)).rows.length === 0) throw new ValidationError([{ path: 'connectionId', message: 'no such connection' }]);
  const res = await db.execute(sql`
    insert into channel_listings (sku, connection_id, external_ids, buffer, cap, share_percent, count_incoming)
    values (${l.sku}, ${l.connectionId}, ${JSON.stringify(l.externalIds)}::jsonb, ${l.buffer}, ${l.cap ?? null}, ${l.sharePercent ?? null}, ${l.countIncoming})
    on conflict (sku, connection_id) do nothing returning *`);
  const row = res.rows[0];
  if (!row) throw new ConflictError('listing_exists', `SKU ${l.sku} is already listed on this connection.`);
  await enqueueStockPush(ctx, [l.sku]);
  return toListing(row as Record<string, unknown>);
}

export async function listListings(ctx: Ctx, input: unknown): Promise<{ items: Listing[] }> {
  const f = parse(ListListingsQuery, input);
  const res = await q(ctx).execute(sql`
    select * from channel_listings where true ${f.sku ? sql`and sku = ${f.sku}` : sql``} ${f.connectionId ? sql`and connection_id = ${f.connectionId}` : sql``}
    order by sku, connection_id limit 1000`);
  return { items: (res.rows as Array<Record<string, unknown>>).map(toListing) };
}

export async function getListing(ctx: Ctx, id: string): Promise<Listing> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('listing', id);
  const res = await q(ctx).execute(sql`select * from channel_listings where id = ${id}`);
  if (!res.rows[0]) throw new NotFoundError('listing', id);
  return toListing(res.rows[0] as Record<string, unknown>);
}

export async function updateListing(ctx: Ctx, id: string, input: unknown): Promise<Listing> {
  const u = parse(ListingUpdate, input);
  const cur = await getListing(ctx, id);
  const res = await q(ctx).execute(sql`
    update channel_listings set
      external_ids = ${JSON.stringify(u.externalIds ?? cur.externalIds)}::jsonb,
      buffer = ${u.buffer ?? cur.buffer},
      cap = ${u.cap === undefined ? cur.cap : u.cap},
      share_percent = ${u.sharePercent === undefined ? cur.sharePercent : u.sharePercent},
      count_incoming = ${u.countIncoming ?? cur.countIncoming}, updated_at = now()
    where id = ${id} returning *`);
  await enqueueStockPush(ctx, [cur.sku]);
  return toListing(res.rows[0] as Record<string, unknown>);
}

export async function deleteListing(ctx: Ctx, id: string): Promise<void> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError('listing', id);
  const res = await q(ctx).execute(sql`delete from channel_listings where id = ${id} returning id`);
  if (res.rows.length === 0) throw new NotFoundError('listing', id);
}
