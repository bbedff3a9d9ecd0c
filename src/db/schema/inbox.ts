import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { connections } from './connections';
import { createdAt, id, tsz, updatedAt } from './columns';

/**
 * Every inbound payload, stored before it is acknowledged. The raw body is kept verbatim so an
 * event can be replayed after a fix without asking the channel again.
 */
export const rawEvents = pgTable(
  'raw_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    connectionId: uuid('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
    /** Channel delivery id (webhook id, event id) or a synthetic key for polled records. */
    deliveryId: text('delivery_id').notNull(),
    /** `webhook` | `poll` | `manual` | `import` */
    path: text('path').notNull(),
    topic: text('topic'),
    headers: jsonb('headers').$type<Record<string, string>>(),
    body: text('body').notNull(),
    /** `utf8`, or `base64` for a body PostgreSQL text cannot hold (a NUL character): kept byte for byte either way. */
    bodyEncoding: text('body_encoding').notNull().default('utf8'),
    /** `pending` | `processed` | `ignored` | `failed` */
    status: text('status').notNull().default('pending'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    receivedAt: tsz('received_at').notNull().defaultNow(),
    processedAt: tsz('processed_at'),
  },
  (t) => [
    // The same delivery is processed once: a redelivery hits this index and is acknowledged as a duplicate.
    uniqueIndex('raw_events_delivery_uq').on(t.connectionId, t.deliveryId),
    index('raw_events_pending_idx').on(t.id).where(sql`status = 'pending'`),
    index('raw_events_status_idx').on(t.status, t.id),
  ],
);

export const orders = pgTable(
  'orders',
  {
    id: id(),
    connectionId: uuid('connection_id').notNull().references(() => connections.id, { onDelete: 'restrict' }),
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    number: text('number').notNull(),
    status: text('status').notNull(),
    financialStatus: text('financial_status').notNull(),
    fulfillmentStatus: text('fulfillment_status').notNull(),
    allocationStatus: text('allocation_status').notNull().default('pending'),
    currency: text('currency').notNull(),
    subtotalMinor: bigint('subtotal_minor', { mode: 'number' }).notNull(),
    taxMinor: bigint('tax_minor', { mode: 'number' }).notNull(),
    shippingMinor: bigint('shipping_minor', { mode: 'number' }).notNull(),
    discountMinor: bigint('discount_minor', { mode: 'number' }).notNull(),
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull(),
    customer: jsonb('customer').$type<Record<string, unknown> | null>(),
    customerEmail: text('customer_email'),
    customerName: text('customer_name'),
    shippingAddress: jsonb('shipping_address').$type<Record<string, unknown> | null>(),
    billingAddress: jsonb('billing_address').$type<Record<string, unknown> | null>(),
    shipCountry: text('ship_country'),
    skus: text('skus').array().notNull().default(sql`'{}'::text[]`),
    itemCount: integer('item_count').notNull().default(0),
    exceptions: text('exceptions').array().notNull().default(sql`'{}'::text[]`),
    ingestPaths: text('ingest_paths').array().notNull().default(sql`'{}'::text[]`),
    placedAt: tsz('placed_at').notNull(),
    sourceUpdatedAt: tsz('source_updated_at').notNull(),
    heldAt: tsz('held_at'),
    cancelledAt: tsz('cancelled_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Exactly once: one row per (connection, external id), whatever the channel re-sends.
    uniqueIndex('orders_connection_external_uq').on(t.connectionId, t.externalId),
    // Ascending: a backward scan serves ORDER BY placed_at DESC, id DESC (a DESC index would be NULLS LAST, which that ORDER BY is not).
    index('orders_placed_idx').on(t.placedAt, t.id),
    index('orders_number_idx').on(t.number),
    index('orders_email_idx').on(sql`lower(${t.customerEmail})`),
    index('orders_skus_idx').using('gin', t.skus),
    index('orders_exceptions_idx').using('gin', t.exceptions),
    check('orders_money_nonneg', sql`${t.totalMinor} >= 0 AND ${t.subtotalMinor} >= 0`),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    id: id(),
    orderId: uuid('order_id').notNull().references(() => orders.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    externalId: text('external_id'),
    sku: text('sku'),
    title: text('title').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceMinor: bigint('unit_price_minor', { mode: 'number' }).notNull(),
    taxMinor: bigint('tax_minor', { mode: 'number' }).notNull().default(0),
    discountMinor: bigint('discount_minor', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    uniqueIndex('order_lines_position_uq').on(t.orderId, t.position),
    index('order_lines_sku_idx').on(t.sku),
    check('order_lines_quantity_pos', sql`${t.quantity} > 0`),
  ],
);

/** The order's timeline: everything that happened to it, in order. */
export const orderEvents = pgTable(
  'order_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orderId: uuid('order_id').notNull().references(() => orders.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    message: text('message').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>(),
    rawEventId: bigint('raw_event_id', { mode: 'number' }),
    actor: text('actor'),
    createdAt: createdAt(),
  },
  (t) => [index('order_events_order_idx').on(t.orderId, t.id)],
);

/** Idempotency keys for POSTs: a retried request returns the first answer. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    key: text('key').notNull(),
    scope: text('scope').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    response: jsonb('response').$type<unknown>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('idempotency_keys_uq').on(t.scope, t.key)],
);

/**
 * Inbox counts kept up to date instead of counted: one row per (dimension, value) — dimensions
 * `total`, `status`, `allocation`, `channel`, `exception` (non-cancelled orders only, as the sidebar
 * shows them). Triggers on `orders` append deltas (no shared counter row to lock, so concurrent
 * ingestion never queues behind it); `inbox.fold-counts` folds them in. Current count = base + Σ deltas.
 */
export const orderCounts = pgTable(
  'order_counts',
  {
    dim: text('dim').notNull(),
    value: text('value').notNull(),
    n: bigint('n', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('order_counts_uq').on(t.dim, t.value)],
);

export const orderCountDeltas = pgTable('order_count_deltas', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  dim: text('dim').notNull(),
  value: text('value').notNull(),
  n: bigint('n', { mode: 'number' }).notNull(),
});
