import { z } from 'zod';
import type { ConnectorRuntime } from '../kit/connector';
import { HttpClient } from '../kit/http';
import type { RatePriority } from '../kit/rate-governor';

export const SquareConfig = z.object({
  accessToken: z.string().min(1),
  /** Locations whose orders are pulled (SearchOrders takes up to 10 per call; more are split). */
  locationIds: z.array(z.string().min(1).max(64)).min(1).max(100),
  /** The subscription's signature key (Developer Dashboard → Webhooks). Without it, webhooks are refused. */
  webhookSignatureKey: z.string().min(1).optional(),
  /** The notification URL exactly as registered with Square: it is part of what Square signs. */
  webhookNotificationUrl: z.string().url().optional(),
  baseUrl: z.string().url().optional(),
  /** Square-Version header. */
  apiVersion: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).default('2025-10-16'),
  pollIntervalSeconds: z.number().int().min(0).max(86_400).default(300),
});
export type SquareConfig = z.infer<typeof SquareConfig>;

/** Square publishes no rate headers; a conservative bucket, with 429s (RATE_LIMITED) backing off in the client. */
const SQUARE_BUCKET = { capacity: 20, refillPerSecond: 10 };
export const SQUARE_PAGE_SIZE = 500;

/** Retry tuning; tests shorten the back-off. */
export const squareHttpTuning = { minBackoffMs: 1000, maxBackoffMs: 60_000, retries: 5 };

export interface SearchPage {
  orders: Array<Record<string, unknown>>;
  cursor: string | null;
}

/** Square's limits are per application and seller; the connection stands for the seller. */
export const squareRateKey = (connectionId: string): string => `square:${connectionId}`;

/** Square's Orders and Catalog APIs for one seller account (bearer access token). */
export class SquareClient {
  private readonly http: HttpClient;
  constructor(private readonly rt: ConnectorRuntime<SquareConfig>) {
    const c = rt.config;
    this.http = new HttpClient({
      baseUrl: c.baseUrl ?? 'https://connect.squareup.com',
      baseUrlField: 'config.baseUrl',
      allowedPrivateHosts: rt.allowedPrivateHosts,
      redisUrl: rt.redisUrl,
      keyPrefix: rt.keyPrefix,
      // Rate limits are per application and seller; the connection id stands for the seller here.
      rateKey: squareRateKey(rt.connectionId),
      bucket: SQUARE_BUCKET,
      label: 'square',
      auth: () => ({ authorization: `Bearer ${c.accessToken}`, 'square-version': c.apiVersion }),
      ...squareHttpTuning,
    });
  }

  /**
   * One page of SearchOrders, updated_at ascending in [start, end). Every page repeats the same
   * query with the cursor, as Square requires.
   */
  async searchOrders(p: { locationIds: string[]; start: string; end: string; cursor?: string | null; priority?: RatePriority; signal?: AbortSignal }): Promise<SearchPage> {
    const res = await this.http.request({
      method: 'POST',
      path: '/v2/orders/search',
      body: {
        location_ids: p.locationIds,
        query: {
          filter: { date_time_filter: { updated_at: { start_at: p.start, end_at: p.end } } },
          sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' },
        },
        limit: SQUARE_PAGE_SIZE,
        return_entries: false,
        ...(p.cursor ? { cursor: p.cursor } : {}),
      },
      priority: p.priority,
      signal: p.signal,
    });
    const body = res.json<{ orders?: Array<Record<string, unknown>>; cursor?: string }>();
    return { orders: body.orders ?? [], cursor: body.cursor || null };
  }

  /** SKUs of catalog item variations by id (ids without a SKU are left out). */
  async variationSkus(ids: string[], priority?: RatePriority, signal?: AbortSignal): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (let i = 0; i < ids.length; i += 1000) {
      const res = await this.http.request({
        method: 'POST',
        path: '/v2/catalog/batch-retrieve',
        body: { object_ids: ids.slice(i, i + 1000), include_related_objects: false },
        priority,
        signal,
      });
      const body = res.json<{ objects?: Array<{ id?: string; type?: string; item_variation_data?: { sku?: string } }> }>();
      for (const o of body.objects ?? []) {
        const sku = o.item_variation_data?.sku;
        if (o.id && sku) out[o.id] = sku;
      }
    }
    return out;
  }

  /**
   * Sets the IN_STOCK count of one catalog variation at one location with a PHYSICAL_COUNT change.
   * Square drops a repeated `idempotency_key`; a count is absolute, so even a repeat would not add up.
   */
  async setPhysicalCount(p: { catalogObjectId: string; locationId: string; quantity: number; idempotencyKey: string; occurredAt: string }): Promise<{ errors?: Array<{ code?: string; detail?: string }> }> {
    const res = await this.http.request({
      method: 'POST',
      path: '/v2/inventory/changes/batch-create',
      body: {
        idempotency_key: p.idempotencyKey,
        changes: [{
          type: 'PHYSICAL_COUNT',
          physical_count: {
            catalog_object_id: p.catalogObjectId, location_id: p.locationId, state: 'IN_STOCK',
            // Square counts are decimal strings.
            quantity: String(p.quantity), occurred_at: p.occurredAt,
          },
        }],
        ignore_unchanged_counts: true,
      },
      priority: 'incremental',
    });
    return res.json();
  }
}
