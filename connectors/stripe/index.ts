import { z } from 'zod';
import type { Connector } from '../kit/connector';
import { stripeRateKey } from './client';

export const StripeConfig = z.object({
  secretKey: z.string().min(8),
  /** Override of https://api.stripe.com (sandboxes, proxies, tests). */
  baseUrl: z.string().url().default('https://api.stripe.com'),
  pollIntervalSeconds: z.number().int().min(0).default(0),
});
export type StripeConfig = z.infer<typeof StripeConfig>;

/**
 * Stripe as a payments source: it brings payouts and balance transactions (src/finance), not
 * orders, so the order side of the connector contract is empty.
 */
export const stripeConnector: Connector<StripeConfig> = {
  type: 'stripe',
  channel: 'stripe',
  label: 'Stripe (payouts)',
  configSchema: StripeConfig,
  secretFields: ['secretKey'],
  rateKeys: (_c, id) => [stripeRateKey(id)],
  extractOrders: () => ({ kind: 'ignored', reason: 'stripe connections carry payouts, not orders' }),
  normalize: () => {
    throw new Error('stripe connections carry payouts, not orders');
  },
};
