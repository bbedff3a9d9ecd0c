import { HttpClient, type HttpResponse } from '../kit/http';
import type { RatePriority } from '../kit/rate-governor';
import type { WooConfig } from './config';

export interface WooRuntime {
  allowedPrivateHosts?: string[];
  redisUrl?: string;
  keyPrefix?: string;
}

export interface WooOrderRecord {
  id: number | string;
  date_modified_gmt: string;
  [k: string]: unknown;
}

/** One budget per site (host): WooCommerce publishes no limits, the host throttles. */
export const woocommerceRateKey = (siteUrl: string): string => `woocommerce:${new URL(siteUrl).host}`;

/** REST v3 client for one store: Basic auth with the consumer key/secret, polite default rate. */
export class WooClient {
  private readonly http: HttpClient;
  constructor(private readonly cfg: WooConfig, rt: WooRuntime = {}) {
    const base = (cfg.baseUrl ?? cfg.siteUrl).replace(/\/+$/, '');
    const basic = Buffer.from(`${cfg.consumerKey}:${cfg.consumerSecret}`).toString('base64');
    this.http = new HttpClient({
      baseUrl: base,
      baseUrlField: cfg.baseUrl ? 'config.baseUrl' : 'config.siteUrl',
      allowedPrivateHosts: rt.allowedPrivateHosts,
      redisUrl: rt.redisUrl,
      keyPrefix: rt.keyPrefix,
      label: 'woocommerce',
      // WooCommerce publishes no limit headers; hosts throttle, so stay polite and obey 429 Retry-After.
      rateKey: woocommerceRateKey(cfg.siteUrl),
      bucket: { capacity: 10, refillPerSecond: 5 },
      auth: () => ({ authorization: `Basic ${basic}` }),
    });
  }

  /** One page of GET /wp-json/wc/v3/orders with the given query (see paging.ts). */
  async orders(query: Record<string, string | number>, priority: RatePriority, signal?: AbortSignal): Promise<WooOrderRecord[]> {
    const res: HttpResponse = await this.http.request({ path: '/wp-json/wc/v3/orders', query, priority, signal });
    return res.json<WooOrderRecord[]>();
  }

  /** GET /wp-json/wc/v3/orders/{id}/refunds: the order's refunds with their line items (newest first). */
  async refunds(orderId: string, signal?: AbortSignal): Promise<unknown[]> {
    const res: HttpResponse = await this.http.request({
      path: `/wp-json/wc/v3/orders/${encodeURIComponent(orderId)}/refunds`, query: { per_page: 100 }, priority: 'incremental', signal,
    });
    return res.json<unknown[]>();
  }

  /**
   * Sets a product's (or a variation's) stock to an absolute figure, turning stock management on.
   * WooCommerce takes no idempotency key; an absolute PUT is safe to repeat.
   */
  async setStock(p: { productId: string; variationId?: string; quantity: number }): Promise<{ stock_quantity?: number | null; manage_stock?: boolean | string }> {
    const path = p.variationId
      ? `/wp-json/wc/v3/products/${encodeURIComponent(p.productId)}/variations/${encodeURIComponent(p.variationId)}`
      : `/wp-json/wc/v3/products/${encodeURIComponent(p.productId)}`;
    const res = await this.http.request({ method: 'PUT', path, body: { manage_stock: true, stock_quantity: p.quantity }, priority: 'incremental' });
    return res.json();
  }
}
