import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { getConnectionRow } from '../connections/manage-connections';
import { connectorKit, openConfig } from '../connections/connection-config';
import { availableToSell, type WarehouseStock } from '../domain/stock-policy';
import { AppError, RemoteError } from '../errors';
import { parsePgArray } from './allocate-orders';

interface ListingRow {
  id: string;
  sku: string;
  connection_id: string;
  external_ids: Record<string, string>;
  buffer: number;
  cap: number | null;
  share_percent: number | null;
  count_incoming: boolean;
  last_pushed_quantity: number | null;
}

/** Available-to-sell of a listing now, through the one policy function. */
export async function listingAvailable(ctx: Ctx, listing: ListingRow): Promise<number> {
  const res = await ctx.db.execute(sql`
    select s.warehouse_id, s.on_hand, s.reserved, s.incoming, w.active, w.allowed_connection_ids
    from stock_levels s join warehouses w on w.id = s.warehouse_id where s.sku = ${listing.sku}`);
  const stock: WarehouseStock[] = (res.rows as Array<Record<string, unknown>>).map((r) => {
    const allowed = parsePgArray(r.allowed_connection_ids);
    return {
      warehouseId: String(r.warehouse_id), onHand: Number(r.on_hand), reserved: Number(r.reserved), incoming: Number(r.incoming),
      eligible: Boolean(r.active) && (!allowed || allowed.length === 0 || allowed.includes(listing.connection_id)),
    };
  });
  return availableToSell(stock, {
    buffer: Number(listing.buffer), cap: listing.cap === null ? null : Number(listing.cap),
    sharePercent: listing.share_percent === null ? null : Number(listing.share_percent), countIncoming: listing.count_incoming,
  });
}

/**
 * The `stock.push` job: computes the listing's available-to-sell and sends it to the channel when it
 * changed (or on a full push). No database lock is held during the call. The outcome is recorded on
 * the listing; a retryable failure also fails the job so the queue retries with back-off.
 */
export async function pushListingStock(ctx: Ctx, p: { listingId: string; full?: boolean }): Promise<{ pushed: boolean; quantity?: number; error?: string }> {
  const res = await ctx.db.execute(sql`
    select id, sku, connection_id, external_ids, buffer, cap, share_percent, count_incoming, last_pushed_quantity
    from channel_listings where id = ${p.listingId}`);
  const listing = res.rows[0] as ListingRow | undefined;
  if (!listing) return { pushed: false };
  const conn = await getConnectionRow(ctx, listing.connection_id);
  const connector = ctx.connectors(conn.type);
  if (!connector?.pushStock) return { pushed: false };
  const quantity = await listingAvailable(ctx, listing);
  if (!p.full && listing.last_pushed_quantity !== null && Number(listing.last_pushed_quantity) === quantity) return { pushed: false, quantity };
  const previous = listing.last_pushed_quantity === null ? null : Number(listing.last_pushed_quantity);
  const idempotencyKey = createHash('sha256').update(`${listing.id}:${previous}:${quantity}`).digest('hex').slice(0, 32);
  let error: string | undefined;
  let retryable = false;
  try {
    const config = openConfig(connector, conn.config, ctx.secrets);
    const [result] = await connector.pushStock(
      {
        connectionId: conn.id, config: connector.configSchema.parse(config), now: ctx.now, ...connectorKit(ctx),
      },
      [{ listingId: listing.id, sku: listing.sku, externalIds: listing.external_ids ?? {}, quantity, previousQuantity: previous, idempotencyKey }],
    );
    if (!result?.ok) error = result?.error ?? 'the channel did not confirm the push';
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
    retryable = err instanceof RemoteError ? err.retryable : !(err instanceof AppError) || err.retryable;
  }
  if (error) {
    await ctx.db.execute(sql`update channel_listings set push_error = ${error.slice(0, 2000)}, updated_at = now() where id = ${listing.id}`);
    if (retryable) throw new AppError('stock_push_failed', error, { status: 502, retryable: true });
    return { pushed: false, quantity, error };
  }
  await ctx.db.execute(sql`
    update channel_listings set last_pushed_quantity = ${quantity}, last_pushed_at = now(), push_error = null, updated_at = now()
    where id = ${listing.id}`);
  return { pushed: true, quantity };
}

/** Periodic full push (corrects drift on the channel side): queues every listing. */
export async function enqueueFullPush(ctx: Ctx): Promise<number> {
  const res = await ctx.db.execute(sql`select id from channel_listings order by id`);
  const bucket = Math.floor(Date.now() / 60_000);
  for (const r of res.rows as Array<{ id: string }>) {
    await ctx.queue.enqueue('stock.push', { listingId: r.id, full: true }, { jobId: `fullpush-${r.id}-${bucket}` });
  }
  return res.rows.length;
}
