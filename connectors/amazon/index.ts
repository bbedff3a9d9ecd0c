import type { Connector } from '../kit/connector';
import { pullWindow, type WindowCursor } from '../kit/pull-window';
import { AmazonClient, AmazonConfig, amazonRateKeys } from './client';
import { normalizeAmazonOrder } from './transform';

/** searchOrders refuses a lastUpdatedBefore less than two minutes before the request; a minute of margin. */
export const AMAZON_LAG_MS = 3 * 60_000;

/**
 * Amazon Seller Central through SP-API Orders 2026-01-01 (v0 is deprecated). Amazon has no order
 * webhooks for this API here, so polling is the only path: windows of lastUpdated time, pages of up
 * to 100 orders with `paginationToken`, the checkpoint stored after each page.
 */
export const amazonConnector: Connector<AmazonConfig> = {
  type: 'amazon',
  channel: 'amazon',
  label: 'Amazon (SP-API)',
  configSchema: AmazonConfig,
  secretFields: ['lwaClientSecret', 'refreshToken'],
  rateKeys: (c) => Object.values(amazonRateKeys(c)),
  extractOrders: ({ body }) => ({ kind: 'orders', records: [JSON.parse(body)] }),
  normalize: normalizeAmazonOrder,

  async *pullOrders(rt, cursor, opts) {
    const client = new AmazonClient(rt);
    const priority = opts.kind === 'backfill' ? 'backfill' : 'incremental';
    const pages = pullWindow(cursor as WindowCursor | null, { now: rt.now(), lagMs: AMAZON_LAG_MS, since: opts.since }, async (w, token) => {
      const page = await client.searchOrders({ lastUpdatedAfter: w.start, lastUpdatedBefore: w.end, paginationToken: token as string | null, priority, signal: opts.signal });
      return { records: page.orders, next: page.nextToken };
    });
    for await (const page of pages) {
      yield {
        records: page.records.map((o) => ({ externalId: String(o.orderId), updatedAt: String(o.lastUpdatedTime), body: JSON.stringify(o) })),
        cursor: page.cursor as Record<string, unknown>,
      };
    }
  },
};
