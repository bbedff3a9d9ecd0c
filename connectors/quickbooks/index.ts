import { z } from 'zod';
import type { Connector } from '../kit/connector';
import { quickbooksRateKeys } from './client';

export const QuickBooksConfig = z.object({
  realmId: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  refreshToken: z.string().min(1),
  /** Override of https://quickbooks.api.intuit.com (sandbox: https://sandbox-quickbooks.api.intuit.com); token refresh goes there too. */
  baseUrl: z.string().url().optional(),
});
export type QuickBooksConfig = z.infer<typeof QuickBooksConfig>;

export const quickbooksConnector: Connector<QuickBooksConfig> = {
  type: 'quickbooks',
  channel: 'quickbooks',
  label: 'QuickBooks Online (accounting)',
  configSchema: QuickBooksConfig,
  secretFields: ['clientSecret', 'refreshToken'],
  rateKeys: (c) => Object.values(quickbooksRateKeys(c)),
  extractOrders: () => ({ kind: 'ignored', reason: 'quickbooks is an accounting target' }),
  normalize: () => {
    throw new Error('quickbooks is an accounting target, not an order source');
  },
};
