import { z } from 'zod';
import type { Connector } from '../kit/connector';
import { xeroRateKeys } from './client';

export const XeroConfig = z.object({
  tenantId: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  refreshToken: z.string().min(1),
  /** Override of https://api.xero.com; when set, the token refresh goes there too. */
  baseUrl: z.string().url().optional(),
});
export type XeroConfig = z.infer<typeof XeroConfig>;

/** Xero as an accounting target: journals go out (src/finance/sync-journal.ts); no orders come in. */
export const xeroConnector: Connector<XeroConfig> = {
  type: 'xero',
  channel: 'xero',
  label: 'Xero (accounting)',
  configSchema: XeroConfig,
  secretFields: ['clientSecret', 'refreshToken'],
  rateKeys: (c) => Object.values(xeroRateKeys(c)),
  extractOrders: () => ({ kind: 'ignored', reason: 'xero is an accounting target' }),
  normalize: () => {
    throw new Error('xero is an accounting target, not an order source');
  },
};
