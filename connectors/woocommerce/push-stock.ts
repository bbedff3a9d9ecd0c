import { RemoteError } from '../../src/errors';
import type { ConnectorRuntime, StockPushItem, StockPushResult } from '../kit/connector';
import { WooClient } from './client';
import type { WooConfig } from './config';

/** `PUT /products/{id}` (or `/products/{id}/variations/{vid}`) with `stock_quantity` and `manage_stock: true`. */
export async function pushWooStock(rt: ConnectorRuntime<WooConfig>, items: StockPushItem[]): Promise<StockPushResult[]> {
  const client = new WooClient(rt.config, rt);
  const out: StockPushResult[] = [];
  for (const item of items) {
    const { productId, variationId } = item.externalIds;
    if (!productId || !/^\d+$/.test(productId) || (variationId !== undefined && !/^\d+$/.test(variationId))) {
      out.push({ listingId: item.listingId, ok: false, error: 'the listing needs a numeric externalIds.productId (and a numeric variationId for a variation)' });
      continue;
    }
    try {
      const saved = await client.setStock({ productId, variationId, quantity: item.quantity });
      // A plugin or a stale cache can answer 200 without taking the figure; that is not a success.
      if (saved.stock_quantity != null && Number(saved.stock_quantity) !== item.quantity) {
        out.push({ listingId: item.listingId, ok: false, error: `woocommerce kept stock_quantity ${saved.stock_quantity} instead of ${item.quantity}` });
      } else out.push({ listingId: item.listingId, ok: true });
    } catch (err) {
      if (err instanceof RemoteError && !err.retryable) out.push({ listingId: item.listingId, ok: false, error: err.message });
      else throw err;
    }
  }
  return out;
}
