import { z } from 'zod';
import { hmacSha256, safeEqual } from '../kit/signatures';
import type { Connector, PullPage, StockPushItem } from '../kit/connector';
import { sandboxOrder } from './generate';
import { normalizeSandboxOrder } from './transform';

export const SandboxConfig = z.object({
  seed: z.string().min(1).max(64).default('demo'),
  /** New orders each pull produces. */
  ordersPerPull: z.number().int().min(1).max(1000).default(3),
  /** Shared secret for the webhook signature header `x-sandbox-signature: sha256=<hex>`. */
  webhookSecret: z.string().min(8).optional(),
  /** Seconds between scheduled pulls; 0 pulls only when asked (sync now, backfill). */
  pollIntervalSeconds: z.number().int().min(0).max(86_400).default(5),
});
export type SandboxConfig = z.infer<typeof SandboxConfig>;

/** Signs a sandbox webhook body the way the sandbox channel does (tests and the demo use it). */
export function signSandboxBody(secret: string, body: string | Buffer): string {
  return `sha256=${hmacSha256(secret, body, 'hex')}`;
}

/**
 * A deterministic fake channel for demos and tests: each pull produces the next few orders and
 * a newer revision of an earlier one, so the inbox shows both new orders and updates.
 */
/** Every stock push the sandbox channel received, per connection (tests and the demo read it). */
export const sandboxStockPushes = new Map<string, Array<StockPushItem & { at: string }>>();

export const sandboxConnector: Connector<SandboxConfig> = {
  type: 'sandbox',
  channel: 'sandbox',
  label: 'Sandbox (demo channel)',
  configSchema: SandboxConfig,
  secretFields: ['webhookSecret'],

  verifyWebhook(req, config) {
    if (!config.webhookSecret) return false;
    const given = req.headers['x-sandbox-signature'] ?? '';
    return safeEqual(given, signSandboxBody(config.webhookSecret, req.rawBody));
  },

  webhookEnvelope(req) {
    return { deliveryId: req.headers['x-sandbox-delivery-id'] ?? '', topic: req.headers['x-sandbox-topic'] ?? 'order.updated' };
  },

  extractOrders({ topic, body }) {
    if (topic !== null && !topic.startsWith('order')) return { kind: 'ignored', reason: `topic ${topic} carries no order` };
    return { kind: 'orders', records: [JSON.parse(body)] };
  },

  normalize: normalizeSandboxOrder,

  async pushStock(rt, listings) {
    const log = sandboxStockPushes.get(rt.connectionId) ?? [];
    sandboxStockPushes.set(rt.connectionId, log);
    return listings.map((l) => {
      // A listing whose external ids say `fail` is refused, so tests can see a failed push recorded.
      if (l.externalIds.fail) return { listingId: l.listingId, ok: false, error: `sandbox refused listing ${l.sku}` };
      log.push({ ...l, at: rt.now().toISOString() });
      return { listingId: l.listingId, ok: true };
    });
  },

  async *pullOrders(rt, cursor) {
    const next = typeof cursor?.next === 'number' ? cursor.next : 0;
    // Placed times are fixed by the first pull, so a later revision of an order keeps its placed time.
    const base = typeof cursor?.base === 'number' ? cursor.base : rt.now().getTime() - 60_000;
    const count = rt.config.ordersPerPull;
    const spacing = Math.max(1, Math.floor((Math.max(1, rt.config.pollIntervalSeconds) * 1000) / count));
    const orders = Array.from({ length: count }, (_, i) => sandboxOrder(rt.config.seed, next + i, 0, base, spacing));
    // An earlier order moves on (paid): the inbox must update it, not duplicate it.
    if (next > 0) {
      const earlier = Math.max(0, next - 1 - (next % 5));
      orders.push(sandboxOrder(rt.config.seed, earlier, 1 + Math.floor(next / 5), base, spacing));
    }
    const page: PullPage = {
      records: orders.map((o) => ({ externalId: o.id, updatedAt: o.updated_at, body: JSON.stringify(o) })),
      cursor: { next: next + count, base },
    };
    yield page;
  },
};
