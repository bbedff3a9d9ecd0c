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

/** `2026-03-01T12:00:00.000Z` → `2026-03-01T12:00:00`: WooCommerce wants GMT without zone when dates_are_gmt=true. */
export function wooDateParam(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19);
}

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
      rateKey: `woocommerce:${new URL(cfg.siteUrl).host}`,
      bucket: { capacity: 10, refillPerSecond: 5 },
      auth: () => ({ authorization: `Basic ${basic}` }),
    });
  }

  /** One page of orders modified in (after, before], oldest first. */
  async ordersPage(p: { after: string; before: string; page: number; perPage: number; priority: RatePriority; signal?: AbortSignal }) {
    const res: HttpResponse = await this.http.request({
      path: '/wp-json/wc/v3/orders',
      query: {
        modified_after: wooDateParam(p.after),
        modified_before: wooDateParam(p.before),
        dates_are_gmt: true,
        orderby: 'modified',
        order: 'asc',
        status: 'any',
        page: p.page,
        per_page: p.perPage,
      },
      priority: p.priority,
      signal: p.signal,
    });
    const totalPages = Number(res.headers.get('x-wp-totalpages') ?? '0');
    return { orders: res.json<WooOrderRecord[]>(), totalPages: Number.isFinite(totalPages) ? totalPages : 0 };
  }
}
