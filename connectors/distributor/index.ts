import type { Connector } from '../kit/connector';
import { DistributorConfig } from './config';
import { pullInboxFolder } from './inbox-folder';
import { normalizeDistributorOrder } from './transform';

/**
 * Wholesale distributors: EDI X12 850 purchase orders and CSV order files, uploaded through
 * `POST /api/v1/connections/{id}/files` or dropped into an inbox folder that each pull drains.
 * Raw events hold one purchase order each, already read out of its file.
 */
export const distributorConnector: Connector<DistributorConfig> = {
  type: 'distributor',
  channel: 'distributor',
  label: 'Distributor (EDI X12 850 / CSV files)',
  configSchema: DistributorConfig,
  secretFields: [],
  extractOrders: ({ body }) => ({ kind: 'orders', records: [JSON.parse(body)] }),
  normalize: normalizeDistributorOrder,
  pullOrders: (rt) => pullInboxFolder(rt.config, rt.now),
};
