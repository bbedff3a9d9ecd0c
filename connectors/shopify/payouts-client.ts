import { shopifyRateKeys } from './client';
import { HttpClient, type HttpResponse } from '../kit/http';
import { parseJsonSafe } from '../kit/json-bigint';
import { shopifyCallLimitSignal } from '../kit/rate-governor';
import type { ShopifyBalanceTransaction, ShopifyPayout } from './payouts-transform';

/** The fields of the shop's Shopify connection this client needs (the Shopify connector owns the schema). */
export interface ShopifyPayoutsConfig {
  shopDomain: string;
  accessToken: string;
  apiVersion?: string;
  baseUrl?: string;
}

function nextPageInfo(res: HttpResponse): string | null {
  const link = res.headers.get('link');
  const m = link && /<([^>]+)>;\s*rel="next"/.exec(link);
  return m?.[1] ? new URL(m[1]).searchParams.get('page_info') : null;
}

/**
 * Shopify Payments payouts and balance transactions (REST Admin API, cursor pages via the Link
 * header), through the shop's existing connection: same token, same base URL, same rate budget.
 */
export class ShopifyPayoutsClient {
  private readonly http: HttpClient;
  private readonly version: string;
  constructor(config: ShopifyPayoutsConfig, o: { allowedPrivateHosts?: string[]; redisUrl?: string; keyPrefix?: string }) {
    this.version = config.apiVersion ?? '2026-01';
    this.http = new HttpClient({
      baseUrl: config.baseUrl ?? `https://${config.shopDomain}`, baseUrlField: config.baseUrl ? 'config.baseUrl' : 'config.shopDomain',
      allowedPrivateHosts: o.allowedPrivateHosts, rateKey: shopifyRateKeys(config.shopDomain).rest,
      bucket: { capacity: 40, refillPerSecond: 2 }, redisUrl: o.redisUrl, keyPrefix: o.keyPrefix,
      auth: () => ({ 'x-shopify-access-token': config.accessToken }),
      readSignal: (res) => shopifyCallLimitSignal(res.headers.get('x-shopify-shop-api-call-limit')),
      label: 'shopify',
    });
  }

  private async *pages<T>(path: string, key: string, query: Record<string, string | undefined>): AsyncGenerator<T[]> {
    let pageInfo: string | null = null;
    for (;;) {
      // With page_info Shopify refuses other filters: the cursor carries them.
      const q: Record<string, string | undefined> = pageInfo ? { limit: '250', page_info: pageInfo } : { limit: '250', ...query };
      const res = await this.http.request({ path: `/admin/api/${this.version}${path}`, query: q });
      const body = parseJsonSafe(res.text) as Record<string, T[]>;
      yield body[key] ?? [];
      pageInfo = nextPageInfo(res);
      if (!pageInfo) return;
    }
  }

  payouts(dateMin?: string): AsyncGenerator<ShopifyPayout[]> {
    return this.pages<ShopifyPayout>('/shopify_payments/payouts.json', 'payouts', { date_min: dateMin });
  }

  transactions(payoutId: string): AsyncGenerator<ShopifyBalanceTransaction[]> {
    return this.pages<ShopifyBalanceTransaction>('/shopify_payments/balance/transactions.json', 'transactions', { payout_id: payoutId });
  }
}
