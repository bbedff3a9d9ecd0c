import { HttpClient } from '../kit/http';
import type { StripeConfig } from './index';
import type { StripeBalanceTransaction, StripePayout } from './transform';

export interface StripeClientOptions {
  connectionId: string;
  allowedPrivateHosts?: string[];
  redisUrl?: string;
  keyPrefix?: string;
}

interface List<T> { data: T[]; has_more: boolean }

/** One budget per Stripe account (connection). */
export const stripeRateKey = (connectionId: string): string => `stripe:${connectionId}`;

/** Stripe's REST API through the kit's client: bearer secret key, cursor pages of 100. */
export class StripeClient {
  private readonly http: HttpClient;
  constructor(config: StripeConfig, o: StripeClientOptions) {
    this.http = new HttpClient({
      baseUrl: config.baseUrl, baseUrlField: 'config.baseUrl', allowedPrivateHosts: o.allowedPrivateHosts,
      rateKey: stripeRateKey(o.connectionId),
      // Stripe allows 100 read requests/s in live mode (25 in test mode): stay under the lower one.
      bucket: { capacity: 25, refillPerSecond: 20 },
      redisUrl: o.redisUrl, keyPrefix: o.keyPrefix,
      auth: () => ({ authorization: `Bearer ${config.secretKey}` }),
      label: 'stripe',
      retries: 4,
      minBackoffMs: 200,
    });
  }

  private async *pages<T extends { id: string }>(path: string, query: Record<string, string | number | undefined>): AsyncGenerator<T[]> {
    let after: string | undefined;
    for (;;) {
      const res = await this.http.request({ path, query: { limit: 100, ...query, starting_after: after } });
      const body = res.json<List<T>>();
      yield body.data;
      if (!body.has_more || body.data.length === 0) return;
      after = body.data[body.data.length - 1]!.id;
    }
  }

  /** Payouts created at or after `createdGte` (unix seconds), newest first as Stripe lists them. */
  payouts(createdGte?: number): AsyncGenerator<StripePayout[]> {
    return this.pages<StripePayout>('/v1/payouts', { 'created[gte]': createdGte });
  }

  /** The balance transactions a payout paid out, with their source expanded (charge metadata names the order). */
  balanceTransactions(payoutId: string): AsyncGenerator<StripeBalanceTransaction[]> {
    return this.pages<StripeBalanceTransaction>('/v1/balance_transactions', { payout: payoutId, 'expand[]': 'data.source' });
  }
}
