import type { Connector, WebhookRequest } from '../kit/connector';
import { DEFAULT_LAG_MS, pullWindow, type WindowCursor } from '../kit/pull-window';
import { hmacSha256, safeEqual } from '../kit/signatures';
import { SquareClient, SquareConfig, squareRateKey } from './client';
import { normalizeSquareOrder, SquareRecord } from './transform';
import { isExchangeOrder, isReturnOrder, squareReturnToRefund } from './returns';
import { pushSquareStock } from './push-stock';

/** Order events that name an order without carrying it: the order is fetched by a pull. */
export const ORDER_TOPICS = new Set(['order.created', 'order.updated', 'order.fulfillment.updated']);
/** Locations per SearchOrders call (Square's maximum). */
const LOCATIONS_PER_CALL = 10;
/** SKUs of catalog variations change rarely; looked up once per connection for this long. */
const SKU_TTL_MS = 10 * 60_000;
const skuCache = new Map<string, { sku: string | null; at: number }>();

/** Square's signature: base64 HMAC-SHA256, keyed with the signature key, over notification URL + raw body. */
export function signSquareWebhook(signatureKey: string, notificationUrl: string, rawBody: Buffer | string): string {
  return hmacSha256(signatureKey, Buffer.concat([Buffer.from(notificationUrl, 'utf8'), Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody, 'utf8')]), 'base64');
}

function parseEvent(raw: Buffer | string): { event_id?: unknown; type?: unknown; data?: { id?: unknown; object?: Record<string, { version?: unknown }> } } | null {
  try {
    const v = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : raw);
    return typeof v === 'object' && v !== null ? v : null;
  } catch {
    return null;
  }
}

type TokenState = { chunk: number; cursor: string | null } | null;

/**
 * Square Point of Sale. Pull: SearchOrders by updated_at ascending in lag windows, cursor pages
 * repeating the same query; each page's catalog variation ids are resolved to SKUs and stored with
 * the order. Webhooks (`order.created`, `order.updated`, `order.fulfillment.updated`) carry only
 * the order id and state, so they are stored, marked ignored ("fetch queued") and make the drain
 * queue a sync that pulls the order; the signature is checked over notification URL + raw body.
 */
export const squareConnector: Connector<SquareConfig> = {
  type: 'square',
  channel: 'square',
  label: 'Square (POS)',
  configSchema: SquareConfig,
  secretFields: ['accessToken', 'webhookSignatureKey'],
  rateKeys: (_c, id) => [squareRateKey(id)],

  verifyWebhook(req: WebhookRequest, config) {
    if (!config.webhookSignatureKey) return false;
    const given = req.headers['x-square-hmacsha256-signature'] ?? '';
    if (!given) return false;
    const expected = signSquareWebhook(config.webhookSignatureKey, config.webhookNotificationUrl ?? req.url, req.rawBody);
    return safeEqual(given, expected);
  },

  webhookEnvelope(req) {
    const ev = parseEvent(req.rawBody);
    return { deliveryId: typeof ev?.event_id === 'string' ? ev.event_id : '', topic: typeof ev?.type === 'string' ? ev.type : null };
  },

  extractOrders({ topic, body, path }) {
    if (path !== 'webhook') {
      const record = JSON.parse(body);
      const wrapped = record && typeof record === 'object' && 'order' in record ? SquareRecord.parse(record) : { order: record, skus: {} };
      // A refund is a return order of its own: it becomes a refund of the sale it names, not an empty order.
      if (isReturnOrder(wrapped.order)) {
        const refund = squareReturnToRefund(wrapped.order, wrapped.skus);
        return refund ? { kind: 'refund', refund } : { kind: 'ignored', reason: 'unlinked return (it names no original sale)' };
      }
      // An exchange sells items (an order) and takes goods of an earlier sale back (a return of that sale).
      const returned = isExchangeOrder(wrapped.order) ? squareReturnToRefund(wrapped.order, wrapped.skus, { skipFractional: true }) : null;
      return returned?.lines.length ? { kind: 'orders', records: [record], refunds: [returned] } : { kind: 'orders', records: [record] };
    }
    const ev = parseEvent(body);
    if (!ev) throw new Error('the webhook body is not a JSON object');
    if (!topic || !ORDER_TOPICS.has(topic)) return { kind: 'ignored', reason: `topic ${topic ?? '(none)'} carries no order` };
    const obj = Object.values(ev.data?.object ?? {})[0];
    return {
      kind: 'ignored',
      reason: `fetch queued: ${topic} for order ${String(ev.data?.id ?? '?')}${obj?.version !== undefined ? ` (version ${String(obj.version)})` : ''}`,
      requestSync: { afterMs: DEFAULT_LAG_MS },
    };
  },

  normalize: normalizeSquareOrder,

  pushStock: pushSquareStock,

  async *pullOrders(rt, cursor, opts) {
    const client = new SquareClient(rt);
    const priority = opts.kind === 'backfill' ? 'backfill' : 'incremental';
    const chunks: string[][] = [];
    for (let i = 0; i < rt.config.locationIds.length; i += LOCATIONS_PER_CALL) chunks.push(rt.config.locationIds.slice(i, i + LOCATIONS_PER_CALL));
    const pages = pullWindow(cursor as WindowCursor | null, { now: rt.now(), since: opts.since }, async (w, token) => {
      const t = (token as TokenState) ?? { chunk: 0, cursor: null };
      const page = await client.searchOrders({ locationIds: chunks[Math.min(t.chunk, chunks.length - 1)]!, start: w.start, end: w.end, cursor: t.cursor, priority, signal: opts.signal });
      const next: TokenState = page.cursor ? { chunk: t.chunk, cursor: page.cursor } : t.chunk + 1 < chunks.length ? { chunk: t.chunk + 1, cursor: null } : null;
      return { records: page.orders, next };
    });
    for await (const page of pages) {
      const skus = await resolveSkus(client, rt.connectionId, page.records, priority, opts.signal);
      yield {
        records: page.records.map((o) => {
          const ids = catalogIds([o]);
          const own: Record<string, string> = {};
          for (const id of ids) if (skus[id]) own[id] = skus[id];
          return { externalId: String(o.id), updatedAt: String(o.updated_at), body: JSON.stringify({ order: o, skus: own }) };
        }),
        cursor: page.cursor as Record<string, unknown>,
      };
    }
  },
};

function catalogIds(orders: Array<Record<string, unknown>>): string[] {
  const ids = new Set<string>();
  for (const o of orders) {
    const returned = ((o.returns as Array<{ return_line_items?: unknown }> | undefined) ?? []).flatMap((r) => (r.return_line_items as Array<{ catalog_object_id?: unknown }> | undefined) ?? []);
    for (const li of [...((o.line_items as Array<{ catalog_object_id?: unknown }> | undefined) ?? []), ...returned]) {
      if (typeof li.catalog_object_id === 'string' && li.catalog_object_id) ids.add(li.catalog_object_id);
    }
  }
  return [...ids];
}

async function resolveSkus(client: SquareClient, connectionId: string, orders: Array<Record<string, unknown>>, priority: 'incremental' | 'backfill', signal?: AbortSignal): Promise<Record<string, string>> {
  const now = Date.now();
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const id of catalogIds(orders)) {
    const hit = skuCache.get(`${connectionId}:${id}`);
    if (hit && now - hit.at < SKU_TTL_MS) {
      if (hit.sku) out[id] = hit.sku;
    } else missing.push(id);
  }
  if (missing.length > 0) {
    const found = await client.variationSkus(missing, priority, signal);
    for (const id of missing) {
      skuCache.set(`${connectionId}:${id}`, { sku: found[id] ?? null, at: now });
      if (found[id]) out[id] = found[id];
    }
  }
  return out;
}
