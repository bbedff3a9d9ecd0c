import type { z } from 'zod';
import type { UnifiedOrderInput } from '../../src/domain/order';

export interface WebhookRequest {
  /** Header names lower-cased. */
  headers: Record<string, string>;
  rawBody: Buffer;
  /** The absolute URL the channel posted to (Square signs it). */
  url: string;
}

export interface WebhookEnvelope {
  /** The channel's delivery id; a redelivery carries the same one. */
  deliveryId: string;
  topic: string | null;
}

/** What a stored raw event contains, as far as orders go. */
/** A refund the channel made, with the units it took back (a return to mirror in the hub). */
export interface ChannelRefund {
  /** The order's id on the channel (the unified order's externalId). */
  orderExternalId: string;
  refundId: string;
  createdAt: string;
  currency: string;
  amountMinor: number;
  /**
   * Refunded units by SKU; empty for a refund of money only (no goods). A line without a SKU may name
   * the order line it refunds (`lineExternalId`, the channel's line id): the hub looks its SKU up.
   */
  lines: Array<{ sku: string | null; quantity: number; lineExternalId?: string }>;
}

/** Refunds an order record lists by id only, whose refunded units must be read from the channel. */
export interface RefundsToFetch {
  orderExternalId: string;
  currency: string;
  refundIds: string[];
}

export type Extracted =
  | {
      kind: 'orders';
      records: unknown[];
      /** Goods the records return besides (a Square exchange sells items and takes others back in one order). */
      refunds?: ChannelRefund[];
    }
  | { kind: 'refund'; refund: ChannelRefund }
  | {
      kind: 'ignored';
      reason: string;
      /**
       * The event says an order changed but does not carry it (Square `order.updated`): the drain
       * queues an incremental sync of the connection that starts after `afterMs` (the pull's lag, so
       * the change falls inside the window it pulls).
       */
      requestSync?: { afterMs: number };
    };

export interface PulledRecord {
  externalId: string;
  /** The platform's updated-at of this record (ISO). */
  updatedAt: string;
  /** The record exactly as the platform sent it (JSON text), stored as the raw event. */
  body: string;
  /**
   * Records read from files rather than an API (distributor inbox folder): they are stored under the
   * same delivery id and path as an upload of the same file (`file:<sha256>:<orderId>`, `import`),
   * so a file both uploaded and dropped in the folder is one delivery. Default: `poll:<id>:<updatedAt>`, `poll`.
   */
  deliveryId?: string;
  path?: 'poll' | 'import';
}

export interface PullPage {
  records: PulledRecord[];
  /** Checkpoint to store after this page; passing it back resumes after this page. */
  cursor: Record<string, unknown>;
}

export interface PullOptions {
  kind: 'incremental' | 'backfill';
  since?: string;
  signal?: AbortSignal;
}

export interface ConnectorRuntime<C> {
  connectionId: string;
  config: C;
  now: () => Date;
  /** OMNIHUB_ALLOWED_PRIVATE_HOSTS: the HTTP client re-checks every base URL against the egress guard with it. */
  allowedPrivateHosts?: string[];
  /** When set, the rate governor and token cache are shared by all processes through Redis. */
  redisUrl?: string;
  /** Namespaces shared Redis keys (the queue prefix), so isolated hubs on one Redis do not meet. */
  keyPrefix?: string;
}

/**
 * The one shape every channel implements. Everything platform-specific lives behind it; the inbox
 * only sees raw events and unified orders.
 */
export interface Connector<C = Record<string, unknown>> {
  type: string;
  /** The channel family shown in the inbox (shopify, woocommerce, amazon, square, distributor, sandbox). */
  channel: string;
  label: string;
  configSchema: z.ZodType<C>;
  /** Config fields that are secrets: encrypted at rest, never returned or logged. */
  secretFields: readonly string[];
  /** Checks the signature over the raw bytes (constant-time compare) before anything is parsed. */
  verifyWebhook?(req: WebhookRequest, config: C): boolean;
  webhookEnvelope?(req: WebhookRequest): WebhookEnvelope;
  /** From a stored raw event to the order records it carries; unknown topics are ignored, not errors. */
  extractOrders(event: { topic: string | null; body: string; path: string }): Extracted;
  /** Pure: one platform record to the unified order. Throws on records it cannot read. */
  normalize(record: unknown): UnifiedOrderInput;
  /** Incremental pull, one page at a time, resumable from the cursor. */
  pullOrders?(rt: ConnectorRuntime<C>, cursor: Record<string, unknown> | null, opts: PullOptions): AsyncGenerator<PullPage>;
  /** Sets the channel's sellable quantity for these listings (where the channel supports it). Throw RemoteError on failure. */
  pushStock?(rt: ConnectorRuntime<C>, listings: StockPushItem[]): Promise<StockPushResult[]>;
  /**
   * Refunds this order record mentions without their lines (WooCommerce lists `refunds: [{id, total}]`
   * on the order): the hub then asks `fetchRefunds` for those it has not mirrored yet.
   */
  refundsToFetch?(record: unknown): RefundsToFetch | null;
  /** Reads these refunds of one order from the channel, with the units each refunds. Throw RemoteError on failure. */
  fetchRefunds?(rt: ConnectorRuntime<C>, order: RefundsToFetch): Promise<ChannelRefund[]>;
  /** The rate-governor buckets this connection's calls use (for its health: budget left, paused). */
  rateKeys?(config: C, connectionId: string): string[];
}

/** One listing's available-to-sell, as the hub wants the channel to show it. */
export interface StockPushItem {
  listingId: string;
  sku: string;
  /** The channel's ids for this listing (inventory item + location, variation id, seller SKU…). */
  externalIds: Record<string, string>;
  quantity: number;
  /** The quantity last pushed, for compare-and-set APIs (Shopify `compareQuantity`); null when never pushed. */
  previousQuantity: number | null;
  /** Stable per (listing, quantity change): lets the channel drop a retried push. */
  idempotencyKey: string;
}

export interface StockPushResult {
  listingId: string;
  ok: boolean;
  error?: string;
}
