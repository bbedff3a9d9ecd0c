import type { Connector, PulledRecord } from '../kit/connector';
import { parseJsonSafe } from '../kit/json-bigint';
import { pullWindow, type WindowCursor } from '../kit/pull-window';
import { hmacSha256, safeEqual } from '../kit/signatures';
import { WooClient, woocommerceRateKey, type WooOrderRecord } from './client';
import { firstWooToken, nextWooToken, wooPageQuery, type WooToken } from './paging';
import { WooConfig } from './config';
import { normalizeWooOrder, wooGmt } from './transform';
import { pushWooStock } from './push-stock';
import { toChannelRefunds, wooRefundsToFetch } from './refunds';

export { WooConfig } from './config';

const ORDER_TOPICS = new Set(['order.created', 'order.updated', 'order.restored']);
/** WooCommerce's test delivery when a webhook is saved: unsigned, form-encoded; it must get a 2xx or the store refuses the webhook. */
const PING = /^webhook_id=\d{1,12}$/;

export function signWooBody(secret: string, body: string | Buffer): string {
  return hmacSha256(secret, body, 'base64');
}

export const woocommerceConnector: Connector<WooConfig> = {
  type: 'woocommerce',
  channel: 'woocommerce',
  label: 'WooCommerce',
  configSchema: WooConfig,
  secretFields: ['consumerKey', 'consumerSecret', 'webhookSecret'],
  rateKeys: (c) => [woocommerceRateKey(c.siteUrl)],

  verifyWebhook(req, config) {
    const given = req.headers['x-wc-webhook-signature'];
    if (!given) return req.rawBody.length < 64 && PING.test(req.rawBody.toString('utf8'));
    if (!config.webhookSecret) return false;
    return safeEqual(given, signWooBody(config.webhookSecret, req.rawBody));
  },

  webhookEnvelope(req) {
    const isPing = !req.headers['x-wc-webhook-signature'];
    return {
      deliveryId: req.headers['x-wc-webhook-delivery-id'] ?? '',
      topic: isPing ? 'ping' : (req.headers['x-wc-webhook-topic'] ?? null),
    };
  },

  extractOrders({ topic, body, path }) {
    if (path === 'poll' || (topic && ORDER_TOPICS.has(topic))) return { kind: 'orders', records: [parseJsonSafe(body)] };
    if (topic === 'order.deleted') return { kind: 'ignored', reason: 'order deleted in WooCommerce; the hub keeps its copy' };
    return { kind: 'ignored', reason: `topic ${topic ?? '(none)'} carries no order` };
  },

  normalize: normalizeWooOrder,

  pushStock: pushWooStock,

  /** Orders list their refunds by id and amount only; the units come from `orders/{id}/refunds`. */
  refundsToFetch: wooRefundsToFetch,

  async fetchRefunds(rt, order) {
    const listed = await new WooClient(rt.config, rt).refunds(order.orderExternalId);
    return toChannelRefunds(order, listed);
  },

  /** Walks each window by modified time (see paging.ts: offset pages would skip orders modified meanwhile). */
  async *pullOrders(rt, cursor, opts) {
    const client = new WooClient(rt.config, rt);
    const perPage = rt.config.pageSize;
    const priority = opts.kind === 'backfill' ? 'backfill' : 'incremental';
    const pages = pullWindow<WooOrderRecord>(cursor as WindowCursor | null, { now: rt.now(), since: opts.since }, async (w, token) => {
      const t = (token as WooToken | null) ?? firstWooToken(w.start);
      const orders = await client.orders(wooPageQuery(t, w.end, perPage), priority, opts.signal);
      return { records: orders, next: nextWooToken(t, orders, perPage) };
    });
    for await (const p of pages) {
      const records: PulledRecord[] = p.records.map((o) => ({ externalId: String(o.id), updatedAt: wooGmt(o.date_modified_gmt), body: JSON.stringify(o) }));
      yield { records, cursor: p.cursor as Record<string, unknown> };
    }
  },
};
