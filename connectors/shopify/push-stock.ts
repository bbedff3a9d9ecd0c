import { RemoteError } from '../../src/errors';
import type { ConnectorRuntime, StockPushItem, StockPushResult } from '../kit/connector';
import { ShopifyClient, type ShopifyUserError } from './client';
import type { ShopifyConfig } from './config';

/** Listings may carry numeric ids (as the REST admin shows them) or GraphQL gids; the mutation takes gids. */
export function shopifyGid(kind: 'InventoryItem' | 'Location', id: string): string {
  return /^\d+$/.test(id) ? `gid://shopify/${kind}/${id}` : id;
}

const STALE = new Set(['COMPARE_QUANTITY_STALE', 'CHANGE_FROM_QUANTITY_STALE']);
/** Another call with this key is still running at Shopify: trying again later can succeed. */
const TRANSIENT = new Set(['IDEMPOTENCY_CONCURRENT_REQUEST']);

const describe = (errors: ShopifyUserError[]) => errors.map((e) => `${e.code ?? 'ERROR'}: ${e.message}`).join('; ').slice(0, 500);

/**
 * `inventorySetQuantities` (name `available`) per listing, compare-and-set against the figure we last
 * pushed. When the shop's figure moved meanwhile (a sale on Shopify), the current figure is read and
 * the set is tried once more against it; that retry carries its own idempotency key, because Shopify
 * refuses a key reused with other parameters.
 */
export async function pushShopifyStock(rt: ConnectorRuntime<ShopifyConfig>, items: StockPushItem[]): Promise<StockPushResult[]> {
  const client = new ShopifyClient(rt.config, rt);
  const out: StockPushResult[] = [];
  for (const item of items) {
    const { inventoryItemId, locationId } = item.externalIds;
    if (!inventoryItemId || !locationId) {
      out.push({ listingId: item.listingId, ok: false, error: 'the listing needs externalIds.inventoryItemId and externalIds.locationId' });
      continue;
    }
    const ids = { inventoryItemId: shopifyGid('InventoryItem', inventoryItemId), locationId: shopifyGid('Location', locationId) };
    try {
      // Never pushed: the shop's own figure is the one to compare against.
      const compare = item.previousQuantity ?? (await client.readAvailable(ids.inventoryItemId, ids.locationId));
      let errors = await client.setAvailable({ ...ids, quantity: item.quantity, compareQuantity: compare, idempotencyKey: item.idempotencyKey, reason: 'correction' });
      if (errors.some((e) => STALE.has(e.code ?? ''))) {
        const current = await client.readAvailable(ids.inventoryItemId, ids.locationId);
        errors = await client.setAvailable({
          ...ids, quantity: item.quantity, compareQuantity: current, idempotencyKey: `${item.idempotencyKey}:${current ?? 'none'}`, reason: 'correction',
        });
      }
      if (errors.some((e) => TRANSIENT.has(e.code ?? ''))) throw new RemoteError(`shopify: ${describe(errors)}`, { retryable: true, remoteStatus: 200 });
      out.push(errors.length === 0 ? { listingId: item.listingId, ok: true } : { listingId: item.listingId, ok: false, error: `shopify: ${describe(errors)}` });
    } catch (err) {
      // A permanent refusal belongs to this listing; a transient one fails the push so the job retries.
      if (err instanceof RemoteError && !err.retryable) out.push({ listingId: item.listingId, ok: false, error: err.message });
      else throw err;
    }
  }
  return out;
}
