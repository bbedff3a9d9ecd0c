import { RemoteError } from '../../src/errors';
import type { ConnectorRuntime, StockPushItem, StockPushResult } from '../kit/connector';
import { SquareClient, type SquareConfig } from './client';

/**
 * `POST /v2/inventory/changes/batch-create` with one PHYSICAL_COUNT per listing. The listing names the
 * catalog variation (`catalogObjectId`) and may name the location; otherwise the connection's first one.
 */
export async function pushSquareStock(rt: ConnectorRuntime<SquareConfig>, items: StockPushItem[]): Promise<StockPushResult[]> {
  const client = new SquareClient(rt);
  const out: StockPushResult[] = [];
  for (const item of items) {
    const catalogObjectId = item.externalIds.catalogObjectId ?? item.externalIds.variationId;
    const locationId = item.externalIds.locationId ?? rt.config.locationIds[0];
    if (!catalogObjectId || !locationId) {
      out.push({ listingId: item.listingId, ok: false, error: 'the listing needs externalIds.catalogObjectId' });
      continue;
    }
    // Square replays a key only for the very same body, and occurred_at is part of it: a retry must send the
    // same time. So the time is floored to the minute and the minute joins the key. A retry within the minute
    // is dropped by Square; a later one is a new count of the same absolute figure, which changes nothing.
    const minute = Math.floor(rt.now().getTime() / 60_000);
    try {
      const res = await client.setPhysicalCount({
        catalogObjectId, locationId, quantity: item.quantity, occurredAt: new Date(minute * 60_000).toISOString(),
        // Square accepts keys up to 128 characters.
        idempotencyKey: `${item.idempotencyKey.slice(0, 100)}:${minute}`,
      });
      if (res.errors?.length) {
        out.push({ listingId: item.listingId, ok: false, error: `square: ${res.errors.map((e) => `${e.code ?? 'ERROR'}: ${e.detail ?? ''}`).join('; ').slice(0, 500)}` });
      } else out.push({ listingId: item.listingId, ok: true });
    } catch (err) {
      if (err instanceof RemoteError && !err.retryable) out.push({ listingId: item.listingId, ok: false, error: err.message });
      else throw err;
    }
  }
  return out;
}
