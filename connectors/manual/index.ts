import { z } from 'zod';
import { UnifiedOrderInput } from '../../src/domain/order';
import type { Connector } from '../kit/connector';

/**
 * Orders typed in by people (phone, counter, a distributor's email). The raw event holds the
 * unified order as entered, so normalising is validation only.
 */
export const manualConnector: Connector<Record<string, never>> = {
  type: 'manual',
  channel: 'manual',
  label: 'Manual / offline orders',
  configSchema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  secretFields: [],
  extractOrders: ({ body }) => ({ kind: 'orders', records: [JSON.parse(body)] }),
  normalize: (record) => UnifiedOrderInput.parse(record),
};
