import type { Connector, PulledRecord } from '../kit/connector';
import { parseJsonSafe } from '../kit/json-bigint';
import { pullWindow, type WindowCursor } from '../kit/pull-window';
import { hmacSha256, safeEqual } from '../kit/signatures';
import { WooClient, type WooOrderRecord } from './client';
import { WooConfig } from './config';
import { normalizeWooOrder, wooGmt } from './transform';

export { WooConfig } from './config';

const ORDER_TOPICS = new Set(['order.created', 'order.updated', 'order.restored']);
/** WooCommerce's test delivery when a webhook is saved: unsigned, form-encoded; it must get a 2xx or the store refuses the webhook. */
const PING = /^webhook_id=\d{1,12}$/;

export function signWooBody(secret: string, body: string | Buffer): string {
  return hmacSha256(secret, body, 'base64');
}

interface WooToken {
  /** modified_after (exclusive) of the next request. */
  after: string;
  page: number;
}

export const woocommerceConnector: Connector<WooConfig> = {
  type: 'woocommerce',
  channel: 'woocommerce',
  label: 'WooCommerce',
  configSchema: WooConfig,
  secretFields: ['consumerKey', 'consumerSecret', 'webhookSecret'],

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

  /**
   * Keyset paging over modified time instead of page numbers: an order modified while we page moves to
   * the end of WooCommerce's result, and page N+1 would then skip one order. Asking again "after the
   * last modified time we saw" cannot skip; page numbers are used only inside one second that holds a
   * whole page of orders.
   */
  async *pullOrders(rt, cursor, opts) {
    const client = new WooClient(rt.config, rt);
    const perPage = rt.config.pageSize;
    const priority = opts.kind === 'backfill' ? 'backfill' : 'incremental';
    const pages = pullWindow<WooOrderRecord>(cursor as WindowCursor | null, { now: rt.now(), since: opts.since }, async (w, token) => {
      // modified_after is exclusive and has second precision: one second before the start makes it inclusive.
      const t: WooToken = (token as WooToken | null) ?? { after: new Date(Date.parse(w.start) - 1000).toISOString(), page: 1 };
      const { orders, totalPages } = await client.ordersPage({ after: t.after, before: w.end, page: t.page, perPage, priority, signal: opts.signal });
      const last = orders[orders.length - 1];
      if (!last || orders.length < perPage || (totalPages > 0 && t.page >= totalPages)) return { records: orders, next: null };
      const lastSecond = Math.floor(Date.parse(wooGmt(last.date_modified_gmt)) / 1000) * 1000;
      const nextAfter = new Date(lastSecond - 1000).toISOString();
      const next: WooToken = Date.parse(nextAfter) > Date.parse(t.after) ? { after: nextAfter, page: 1 } : { after: t.after, page: t.page + 1 };
      return { records: orders, next };
    });
    for await (const p of pages) {
      const records: PulledRecord[] = p.records.map((o) => ({ externalId: String(o.id), updatedAt: wooGmt(o.date_modified_gmt), body: JSON.stringify(o) }));
      yield { records, cursor: p.cursor as Record<string, unknown> };
    }
  },
};
