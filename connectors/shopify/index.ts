import type { Connector, PulledRecord } from '../kit/connector';
import { parseJsonSafe } from '../kit/json-bigint';
import { pullWindow, type WindowCursor } from '../kit/pull-window';
import { hmacSha256, safeEqual } from '../kit/signatures';
import { ShopifyClient, ShopifyQueryTooCostly, shopifyRateKeys, type OrderNode } from './client';
import { ShopifyConfig } from './config';
import { pushShopifyStock } from './push-stock';
import { normalizeShopifyOrder, summarizeShopifyRefund } from './transform';

export { ShopifyConfig } from './config';

/** Topics whose body is a whole REST-shaped order. */
export const SHOPIFY_ORDER_TOPICS = new Set([
  'orders/create', 'orders/updated', 'orders/cancelled', 'orders/paid', 'orders/fulfilled', 'orders/partially_fulfilled',
]);

/** Signs a body as Shopify does: base64 HMAC-SHA256 of the raw bytes (tests and the benchmark use it). */
export function signShopifyBody(secret: string, body: string | Buffer): string {
  return hmacSha256(secret, body, 'base64');
}

export const shopifyConnector: Connector<ShopifyConfig> = {
  type: 'shopify',
  channel: 'shopify',
  label: 'Shopify',
  configSchema: ShopifyConfig,
  secretFields: ['accessToken', 'clientSecret', 'webhookSecret'],
  rateKeys: (c) => Object.values(shopifyRateKeys(c.shopDomain)),

  verifyWebhook(req, config) {
    const secret = config.webhookSecret ?? config.clientSecret;
    const given = req.headers['x-shopify-hmac-sha256'];
    if (!secret || !given) return false;
    return safeEqual(given, signShopifyBody(secret, req.rawBody));
  },

  webhookEnvelope(req) {
    return {
      deliveryId: req.headers['x-shopify-webhook-id'] ?? req.headers['x-shopify-event-id'] ?? '',
      topic: req.headers['x-shopify-topic'] ?? null,
    };
  },

  extractOrders({ topic, body, path }) {
    // Polled records are GraphQL nodes, stored as we serialised them (ids are already strings).
    if (path === 'poll') return { kind: 'orders', records: [JSON.parse(body)] };
    if (topic && SHOPIFY_ORDER_TOPICS.has(topic)) return { kind: 'orders', records: [parseJsonSafe(body)] };
    if (topic === 'refunds/create') {
      // The order's money and status follow by orders/updated; the refunded units become a return (RMA)
      // in the hub, made once per refund id (sales.channel-refunds after the drain).
      const r = summarizeShopifyRefund(parseJsonSafe(body));
      return { kind: 'refund', refund: { orderExternalId: r.orderExternalId, refundId: r.refundId, createdAt: r.createdAt, currency: r.currency, amountMinor: r.amountMinor, lines: r.lines.map((l) => ({ sku: l.sku ?? null, quantity: l.quantity })) } };
    }
    return { kind: 'ignored', reason: `topic ${topic ?? '(none)'} carries no order` };
  },

  normalize: normalizeShopifyOrder,

  pushStock: pushShopifyStock,

  async *pullOrders(rt, cursor, opts) {
    const client = new ShopifyClient(rt.config, rt);
    const priority = opts.kind === 'backfill' ? 'backfill' : 'incremental';
    const pages = pullWindow<OrderNode>(cursor as WindowCursor | null, { now: rt.now(), since: opts.since }, async (w, token, extra) => {
      let first = typeof extra.pageSize === 'number' ? extra.pageSize : rt.config.pageSize;
      for (;;) {
        try {
          const page = await client.ordersPage({ start: w.start, end: w.end, after: (token as string | null) ?? null, first, priority, signal: opts.signal });
          return {
            records: page.nodes,
            next: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null,
            extra: first !== rt.config.pageSize ? { pageSize: first } : undefined,
          };
        } catch (err) {
          // Too costly for one call: halve the page and remember the size that works for this shop.
          if (err instanceof ShopifyQueryTooCostly && first > 1) {
            first = Math.max(1, Math.floor(first / 2));
            continue;
          }
          throw err;
        }
      }
    });
    for await (const p of pages) {
      const records: PulledRecord[] = p.records.map((n) => ({ externalId: n.legacyResourceId, updatedAt: n.updatedAt, body: JSON.stringify(n) }));
      yield { records, cursor: p.cursor as Record<string, unknown> };
    }
  },
};
